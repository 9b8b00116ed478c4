"""Typed transactions (docs/protocol.md 6.5 and 19.2), for check.py: contract deploy and
call, and the exchange's kinds 32-38. Written from the document, not from the Swift code.

`decode_typed(data)` returns the fields of a typed transaction or raises DecodeError with
the field and message the document gives; the caller checks the signature over
"KUSARI/TX/V1" || data[:-64] (6.5: the typed encoding minus its signature).
"""

CAP = 2_100_000_000_000_000        # 21,000,000 KSR in base units (section 2)
MAX_GAS_LIMIT = 100_000_000        # GasTerms.maxGasLimit (6.5)
MAX_CODE, MIN_CODE, MAX_INPUT, MAX_METHOD = 131_072, 8, 65_536, 64
MAX_AMOUNT, MAX_LOTS, MAX_FEE_BPS = 2**62, 2**40, 1_000    # 19.1
EXCHANGE_KINDS = range(32, 39)
ORDER_TYPES = "0 limit, 1 immediate-or-cancel, 2 post-only, 3 market"


def length_prefixed(r, field, maximum, error):
    """A varuint length then that many bytes; longer than `maximum` is `oversize`."""
    length = r.varuint(field + ".length", 2**64 - 1)
    if length > maximum:
        raise error(field, f"{field}: length {length} exceeds the maximum of {maximum}")
    return r.take(length, field)


def valid_symbol(s):  # 19.1: 2-12 of A-Z and 0-9, first a letter
    b = s.encode("utf-8")
    return 2 <= len(b) <= 12 and 0x41 <= b[0] <= 0x5A and all(0x41 <= c <= 0x5A or 0x30 <= c <= 0x39 for c in b)


def read_order(r, error):
    """The body of a placeOrder (kind 36), checked as 19.2 says."""
    o = {"base": r.uint(4, "base"), "quote": r.uint(4, "quote")}
    o["side"] = r.uint(1, "side")
    if o["side"] > 1:
        raise error("side", "side: 0 (buy) or 1 (sell)")
    o["type"] = r.uint(1, "type")
    if o["type"] > 3:
        raise error("type", f"type: {o['type']} is not an order type ({ORDER_TYPES})")
    o["price"], o["lots"], o["expiry"] = r.uint(8, "price"), r.uint(8, "lots"), r.uint(8, "expiry")
    if o["base"] == o["quote"]:
        raise error("quote", "quote: a market needs two different assets")
    if not 1 <= o["price"] <= MAX_AMOUNT:
        raise error("price", "price: 1 to 2^62 quote units per lot")
    if not 1 <= o["lots"] <= MAX_LOTS:
        raise error("lots", "lots: 1 to 2^40 lots")
    if o["expiry"] != 0 and o["type"] in (1, 3):
        raise error("expiry", "expiry: an immediate-or-cancel or market order cannot rest, so it has no expiry")
    return o


def amount_problem(asset, amount):
    if asset == 0:
        return "asset 0 is KSR, moved by a plain transfer"
    if amount == 0:
        return "must be more than 0"
    if amount > MAX_AMOUNT:
        return f"{amount} is more than the largest amount, 2^62"
    return None


def read_exchange_body(kind, r, error):
    """The body of exchange kind 32-38 (19.2); `to` only for 32-34."""
    f = {}
    if kind in (32, 33, 34):
        f["to"] = r.take(20, "to")
    if kind == 32:
        symbol = length_prefixed(r, "symbol", 12, error).decode("utf-8", errors="replace")
        f.update(symbol=symbol, decimals=r.uint(1, "decimals"), supply=r.uint(8, "supply"), mintable=r.uint(1, "mintable"))
        if f["mintable"] > 1:
            raise error("mintable", f"mintable: {f['mintable']} is neither 0 (fixed supply) nor 1 (mintable)")
        if not valid_symbol(symbol):
            raise error("symbol", f'symbol: "{symbol}" is not 2-12 of A-Z and 0-9 starting with a letter')
        if symbol == "KSR":
            raise error("symbol", "symbol: KSR is the chain's own coin")
        if f["decimals"] > 18:
            raise error("decimals", f"decimals: {f['decimals']} decimals; at most 18")
        if f["supply"] > MAX_AMOUNT:
            raise error("supply", f"supply: {f['supply']} is more than the largest supply, 2^62")
        if f["supply"] == 0 and not f["mintable"]:
            raise error("supply", "supply: a fixed asset needs a supply above 0")
    elif kind in (33, 34):
        f.update(asset=r.uint(4, "asset"), amount=r.uint(8, "amount"))
        problem = amount_problem(f["asset"], f["amount"])
        if problem:
            raise error("amount", f"amount: {problem}")
    elif kind == 35:
        f.update(base=r.uint(4, "base"), quote=r.uint(4, "quote"), lotSize=r.uint(8, "lotSize"), tickSize=r.uint(8, "tickSize"),
                 minLots=r.uint(8, "minLots"), makerFeeBps=r.uint(2, "makerFeeBps"), takerFeeBps=r.uint(2, "takerFeeBps"))
        checks = [("quote", f["base"] != f["quote"], "a market needs two different assets"),
                  ("lotSize", 1 <= f["lotSize"] <= MAX_AMOUNT, "1 to 2^62 base units"),
                  ("tickSize", 1 <= f["tickSize"] <= MAX_AMOUNT, "1 to 2^62 quote units"),
                  ("minLots", 1 <= f["minLots"] <= MAX_LOTS, "1 to 2^40 lots"),
                  ("makerFeeBps", f["makerFeeBps"] <= MAX_FEE_BPS, "at most 1000 (10%)"),
                  ("takerFeeBps", f["takerFeeBps"] <= MAX_FEE_BPS, "at most 1000 (10%)")]
        for field, ok, reason in checks:
            if not ok:
                raise error(field, f"{field}: {reason}")
    elif kind == 36:
        f.update(read_order(r, error))
    elif kind == 37:
        f["order"] = r.take(32, "order")
    else:  # 38: the order replaced, then a placeOrder's body
        f["order"] = r.take(32, "order")
        f.update(read_order(r, error))
    return f


def decode_typed(r, error):
    """Reads a typed transaction after its marker (the u32 0 already read) to its end.
    Returns (kind, fields, to, fee): `to` and `fee` as the document defines them for
    transactions that do not carry them (6.5 and 19.2)."""
    kind = r.uint(1, "kind")
    if kind not in (1, 2) and kind not in EXCHANGE_KINDS:
        raise error("kind", f"kind: unknown transaction kind {kind}")
    f = {"chainId": r.uint(4, "chainId")}
    if f["chainId"] == 0:
        raise error("chainId", "chainId: a typed transaction's chain id may not be 0")
    f["publicKey"], f["nonce"] = r.take(32, "publicKey"), r.uint(8, "nonce")
    if kind in EXCHANGE_KINDS:
        f["fee"] = r.uint(8, "fee", CAP)
        f.update(read_exchange_body(kind, r, error))
        f["signature"] = r.take(64, "signature")
        return kind, f, f.get("to", bytes(20)), f["fee"]
    if kind == 2:
        f["to"] = r.take(20, "to")
    f["amount"] = r.uint(8, "amount", CAP)
    f["gasLimit"] = r.uint(8, "gasLimit", MAX_GAS_LIMIT)
    f["gasPrice"] = r.uint(8, "gasPrice", CAP)
    fee = f["gasLimit"] * f["gasPrice"]
    if fee > CAP:
        raise error("gasPrice", "gasPrice: gasLimit x gasPrice exceeds the 21,000,000 KSR supply cap")
    if kind == 1:
        f["code"] = length_prefixed(r, "code", MAX_CODE, error)
        if len(f["code"]) < MIN_CODE:
            raise error("code", f"code: {len(f['code'])} bytes; a module is at least {MIN_CODE} (its header)")
    else:
        method = length_prefixed(r, "method", MAX_METHOD, error)
        if not method or any(not (0x61 <= c <= 0x7A or 0x30 <= c <= 0x39 or c == 0x5F) for c in method):
            raise error("method", "method: a method name is 1-64 characters from a-z, 0-9 and _")
        f["method"] = method.decode("ascii")
    f["input"] = length_prefixed(r, "input", MAX_INPUT, error)
    f["signature"] = r.take(64, "signature")
    size = r.pos
    intrinsic = 5_000 + 16 * size
    if f["gasLimit"] < intrinsic:
        raise error("gasLimit", f"gasLimit: {f['gasLimit']} is below the {intrinsic} gas a transaction of {size} bytes pays")
    return kind, f, f.get("to"), fee
