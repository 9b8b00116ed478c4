#!/usr/bin/env python3
"""Reference checker for the Kusari conformance vectors.

Written from docs/protocol.md alone (not from the Swift code): it re-derives
every vector in this directory with its own implementation of the document's
rules and prints one line per failure and a closing line `N passed, N failed`.
Exit status 0 when nothing failed.

Needs Python 3.8+ and PyNaCl (Ed25519, libsodium): `pip install pynacl`.
Usage: python3 conformance/check.py [DIRECTORY]   (default: this file's directory)
"""

import hashlib
import json
import os
import sys

try:
    import nacl.exceptions
    import nacl.signing
except ImportError:  # pragma: no cover
    sys.exit("check.py needs PyNaCl: python3 -m pip install pynacl")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import typed  # noqa: E402  (sections 6.5 and 19.2, in conformance/typed.py)

CAP = 2_100_000_000_000_000  # section 2
MAX_MEMO = 256  # section 6.1
MIN_TX = 145
MAX_BLOCK_TXS = 100_000
EMPTY = bytes(32)


def sha256(b):
    return hashlib.sha256(b).digest()


def sha256d(b):
    return sha256(sha256(b))


def u32(v):
    return v.to_bytes(4, "big")


def u64(v):
    return v.to_bytes(8, "big")


def varuint(v):  # section 1.3
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7F) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)


# ---------------------------------------------------------------- decoding (1.4, 1.5)


class DecodeError(Exception):
    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


def truncated(field, needed, available):
    unit = "byte" if needed == 1 else "bytes"
    return DecodeError(field, f"{field}: truncated (needs {needed} {unit}, {available} left)")


class Reader:
    def __init__(self, data, prefix=""):
        self.data = data
        self.pos = 0
        self.prefix = prefix

    def remaining(self):
        return len(self.data) - self.pos

    def take(self, n, field):
        field = self.prefix + field
        if n > self.remaining():
            raise truncated(field, n, self.remaining())
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def uint(self, n, field, maximum=None):
        v = int.from_bytes(self.take(n, field), "big")
        if maximum is not None and v > maximum:
            f = self.prefix + field
            raise DecodeError(f, f"{f}: value {v} is out of range (maximum {maximum})")
        return v

    def varuint(self, field, maximum):
        f = self.prefix + field
        value, shift, count = 0, 0, 0
        while True:
            byte = self.take(1, field)[0]
            count += 1
            group = byte & 0x7F
            if shift == 63 and group > 1:
                raise DecodeError(f, f"{f}: varuint does not fit in 64 bits")
            value |= group << shift
            if byte & 0x80 == 0:
                if byte == 0 and count > 1:
                    raise DecodeError(f, f"{f}: non-minimal integer encoding")
                break
            shift += 7
            if shift > 63:
                raise DecodeError(f, f"{f}: varuint is longer than 10 bytes")
        if value > maximum:
            raise DecodeError(f, f"{f}: value {value} is out of range (maximum {maximum})")
        return value

    def finish(self):
        if self.remaining():
            raise DecodeError("end", f"end: {self.remaining()} unexpected trailing bytes")


# ---------------------------------------------------------------- transactions (6)

TAG = b"KUSARI/TX/V1"
BAD_SIGNATURE = "signature: not a valid signature of this transaction by publicKey"


def read_tx(r):
    tx = {}
    tx["chainId"] = r.uint(4, "chainId")
    tx["publicKey"] = r.take(32, "publicKey")
    tx["nonce"] = r.uint(8, "nonce")
    tx["to"] = r.take(20, "to")
    tx["amount"] = r.uint(8, "amount", CAP)
    tx["fee"] = r.uint(8, "fee", CAP)
    length = r.varuint("memo.length", 2**64 - 1)
    if length > MAX_MEMO:
        f = r.prefix + "memo"
        raise DecodeError(f, f"{f}: length {length} exceeds the maximum of {MAX_MEMO}")
    tx["memo"] = r.take(length, "memo")
    tx["signature"] = r.take(64, "signature")
    return tx


def unsigned(tx):
    return (u32(tx["chainId"]) + tx["publicKey"] + u64(tx["nonce"]) + tx["to"] + u64(tx["amount"])
            + u64(tx["fee"]) + varuint(len(tx["memo"])) + tx["memo"])


def encode_tx(tx):
    return unsigned(tx) + tx["signature"]


def signing_payload(tx):
    return TAG + unsigned(tx)


def tx_id(tx):
    return sha256(encode_tx(tx))


def payload_of(public_key):  # section 5.1
    return sha256(public_key)[:20]


def valid_signature(tx):  # sections 4.1, 6.2
    try:
        nacl.signing.VerifyKey(tx["publicKey"]).verify(signing_payload(tx), tx["signature"])
        return True
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.CryptoError, ValueError):
        return False


def decode_tx(data):
    r = Reader(data)
    tx = read_tx(r)
    r.finish()
    return tx


def check_tx_bytes(data):
    """(field, message) of the first error, or None (tx inspect, section 6.4)."""
    try:
        tx = decode_tx(data)
    except DecodeError as e:
        return (e.field, e.message)
    return None if valid_signature(tx) else ("signature", BAD_SIGNATURE)


# ---------------------------------------------------------------- typed transactions (6.5, 19.2)


def decode_typed_bytes(data):
    """(kind, fields, to, fee) of a typed transaction's bytes, or DecodeError (conformance/typed.py)."""
    r = Reader(data)
    r.uint(4, "chainId")  # the marker: 0 for every typed transaction
    kind, fields, to, fee = typed.decode_typed(r, DecodeError)
    r.finish()
    if to is None:  # a deploy's recipient is its contract (6.5)
        to = sha256(b"KUSARI/CONTRACT" + payload_of(fields["publicKey"]) + u64(fields["nonce"]))[:20]
    return kind, fields, to, fee


def typed_signature_ok(data, public_key):  # 6.5: the tag, then every byte but the signature
    try:
        nacl.signing.VerifyKey(public_key).verify(TAG + data[:-64], data[-64:])
        return True
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.CryptoError, ValueError):
        return False


def check_typed_bytes(data):
    """(field, message) of the first error, or None."""
    try:
        _, fields, _, _ = decode_typed_bytes(data)
    except DecodeError as e:
        return (e.field, e.message)
    return None if typed_signature_ok(data, fields["publicKey"]) else ("signature", BAD_SIGNATURE)


# ---------------------------------------------------------------- addresses (5)

CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
GEN = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
BECH32M = 0x2BC830A3
PREFIXES = {"main": "ksr", "test": "ksrt", "devnet": "ksrt"}


def polymod(values):
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            if (top >> i) & 1:
                chk ^= GEN[i]
    return chk


def hrp_expand(hrp):
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def convertbits(data, frm, to, pad):
    acc, bits, out, maxv = 0, 0, [], (1 << to) - 1
    for v in data:
        acc = (acc << frm) | v
        bits += frm
        while bits >= to:
            bits -= to
            out.append((acc >> bits) & maxv)
    if pad:
        if bits:
            out.append((acc << (to - bits)) & maxv)
    elif bits >= frm or ((acc << (to - bits)) & maxv):
        return None
    return out


def encode_address(hrp, payload):
    data = [0] + convertbits(payload, 8, 5, True)
    mod = polymod(hrp_expand(hrp) + data + [0] * 6) ^ BECH32M
    return hrp + "1" + "".join(CHARSET[d] for d in data) + "".join(CHARSET[(mod >> 5 * (5 - i)) & 31] for i in range(6))


class AddressError(Exception):
    pass


def parse_address(text, network=None):
    """(hrp, payload) or AddressError with the node's message (section 5.3)."""
    raw = text.encode("utf-8")
    if len(raw) > 90:
        raise AddressError(f"address too long ({len(raw)} characters, at most 90)")
    if any(c < 33 or c > 126 for c in raw):
        raise AddressError("address contains a character outside printable ASCII")
    if text.lower() != text and text.upper() != text:
        raise AddressError("address mixes upper and lower case")
    low = text.lower()
    sep = low.rfind("1")
    if sep < 0:
        raise AddressError("address has no separator '1'")
    if sep == 0:
        raise AddressError("address has an empty human-readable part")
    if len(low) - sep - 1 < 6:
        raise AddressError("address is too short to hold a checksum")
    hrp, data = low[:sep], []
    for c in low[sep + 1:]:
        if c not in CHARSET:
            raise AddressError(f"address contains '{c}', which is not a bech32 data character")
        data.append(CHARSET.index(c))
    if polymod(hrp_expand(hrp) + data) != BECH32M:
        raise AddressError("address has a wrong checksum (a mistyped character?)")
    data = data[:-6]
    if hrp not in ("ksr", "ksrt"):
        raise AddressError(f"address prefix '{hrp}' is not a Kusari network (expected ksr or ksrt)")
    if not data:
        raise AddressError("address has no version")
    if data[0] != 0:
        raise AddressError(f"address version {data[0]} is not supported (expected 0)")
    payload = convertbits(data[1:], 5, 8, False)
    if payload is None:
        raise AddressError("address data has invalid padding")
    if len(payload) != 20:
        raise AddressError(f"address payload is {len(payload)} bytes, expected 20")
    if network is not None and PREFIXES[network] != hrp:
        raise AddressError(f"address is for another network (prefix '{hrp}', expected '{PREFIXES[network]}')")
    return hrp, bytes(payload)


# ---------------------------------------------------------------- headers and blocks (7, 8)

HEADER_FIELDS = ["version", "height", "previousId", "merkleRoot", "stateRoot", "timestamp", "bits",
                 "beneficiary", "nonce"]


def read_header(r):
    h = {}
    h["version"] = r.uint(4, "header.version")
    if h["version"] not in (1, 2):
        # Version 2 is the BFT header (section 17.6); these vectors cover version 1 only.
        raise DecodeError("header.version", f"header.version: unknown header version {h['version']} (expected 1 or 2)")
    if h["version"] == 2:
        raise NotImplementedError("version 2 (BFT) headers are not covered by these vectors yet")
    h["height"] = r.uint(8, "header.height")
    h["previousId"] = r.take(32, "header.previousId")
    h["merkleRoot"] = r.take(32, "header.merkleRoot")
    h["stateRoot"] = r.take(32, "header.stateRoot")
    h["timestamp"] = r.uint(8, "header.timestamp")
    h["bits"] = r.uint(4, "header.bits")
    h["beneficiary"] = r.take(20, "header.beneficiary")
    h["nonce"] = r.uint(8, "header.nonce")
    return h


def encode_header(h):
    return (u32(h["version"]) + u64(h["height"]) + h["previousId"] + h["merkleRoot"] + h["stateRoot"]
            + u64(h["timestamp"]) + u32(h["bits"]) + h["beneficiary"] + u64(h["nonce"]))


def decode_header(data):
    r = Reader(data)
    h = read_header(r)
    r.finish()
    return h


def decode_block(data):
    r = Reader(data)
    header = read_header(r)
    count = r.varuint("transactions.count", MAX_BLOCK_TXS)
    room = r.remaining() // MIN_TX
    if count > room:
        raise DecodeError("transactions.count", f"transactions.count: length {count} exceeds the maximum of {room}")
    txs = []
    for i in range(count):
        r.prefix = f"transactions[{i}]."
        txs.append(read_tx(r))
    r.prefix = ""
    r.finish()
    return header, txs


# ---------------------------------------------------------------- Merkle tree (9)


def merkle_root(leaves):
    if not leaves:
        return sha256(b"")
    if len(leaves) == 1:
        return sha256(b"\x00" + leaves[0])
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return sha256(b"\x01" + merkle_root(leaves[:k]) + merkle_root(leaves[k:]))


def merkle_path(leaves, index):  # RFC 6962 audit path, leaf up
    if len(leaves) <= 1:
        return []
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    if index < k:
        return merkle_path(leaves[:k], index) + [merkle_root(leaves[k:])]
    return merkle_path(leaves[k:], index - k) + [merkle_root(leaves[:k])]


def merkle_verify(item, root, index, size, path):  # section 9.2
    if index >= size:
        return False
    fn, sn, r = index, size - 1, sha256(b"\x00" + item)
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = sha256(b"\x01" + p + r)
            if fn & 1 == 0:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = sha256(b"\x01" + r + p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


# ---------------------------------------------------------------- state tree (10)


def bit(key, i):
    return (key[i // 8] >> (7 - i % 8)) & 1


def leaf_hash(key, balance, nonce):
    return sha256(b"\x00" + key + u64(balance) + u64(nonce))


def node_hash(left, right):
    return sha256(b"\x01" + left + right)


def state_root(accounts, depth=0):
    """accounts: dict key -> (balance, nonce) of non-empty accounts."""
    if not accounts:
        return EMPTY
    if len(accounts) == 1:
        (k, (b, n)), = accounts.items()
        return leaf_hash(k, b, n)
    left = {k: v for k, v in accounts.items() if not bit(k, depth)}
    right = {k: v for k, v in accounts.items() if bit(k, depth)}
    return node_hash(state_root(left, depth + 1), state_root(right, depth + 1))


def state_proof(accounts, key):
    """The proof the node builds (section 10.4), as (siblings, terminal)."""
    siblings, subset, depth = [], dict(accounts), 0
    while len(subset) > 1:
        side = bit(key, depth)
        mine = {k: v for k, v in subset.items() if bit(k, depth) == side}
        other = {k: v for k, v in subset.items() if bit(k, depth) != side}
        siblings.append(state_root(other, depth + 1))
        subset, depth = mine, depth + 1
    if not subset:
        return siblings, ("empty",)
    (k, (b, n)), = subset.items()
    return siblings, (("account", b, n) if k == key else ("otherLeaf", k, b, n))


def state_verify(root, key, siblings, terminal):
    n = len(siblings)
    if n > 160:
        return False
    if terminal[0] == "account":
        _, b, nonce = terminal
        if b == 0 and nonce == 0:
            return False
        h = leaf_hash(key, b, nonce)
    elif terminal[0] == "empty":
        h = EMPTY
    else:
        _, k2, b, nonce = terminal
        if k2 == key or (b == 0 and nonce == 0):
            return False
        if any(bit(k2, d) != bit(key, d) for d in range(n)):
            return False
        h = leaf_hash(k2, b, nonce)
    for d in range(n - 1, -1, -1):
        h = node_hash(siblings[d], h) if bit(key, d) else node_hash(h, siblings[d])
    return h == root


# ---------------------------------------------------------------- block rules (11)


def scheduled_subsidy(rules, h):
    if h == 0:
        return 0
    era = (h - 1) // rules["halvingInterval"]
    return 0 if era >= 64 else rules["initialSubsidy"] >> era


def issued(rules, h):
    total, era, remaining = rules["genesisAllocated"], 0, h
    while remaining > 0 and era < 64:
        reward = rules["initialSubsidy"] >> era
        if reward == 0:
            break
        blocks = min(remaining, rules["halvingInterval"])
        total += blocks * reward
        if total >= CAP:
            return CAP
        remaining -= blocks
        era += 1
    return min(total, CAP)


def subsidy(rules, h):
    return 0 if h == 0 else min(scheduled_subsidy(rules, h), CAP - issued(rules, h - 1))


def ksr(units):
    return f"{units // 100_000_000}.{units % 100_000_000:08d}"


class BlockError(Exception):
    pass


def apply_block(data, state, rules):
    """(new accounts, fees, subsidy, undo) or BlockError with the node's message (11.3)."""
    header, txs = decode_block(data)
    ids = [tx_id(t) for t in txs]
    if len(txs) > MAX_BLOCK_TXS:
        raise BlockError(f"transactions: {len(txs)} is more than a block may hold")
    merkle = merkle_root(ids)
    if merkle != header["merkleRoot"]:
        raise BlockError(f"header.merkleRoot: header says {header['merkleRoot'].hex()}, transactions give {merkle.hex()}")
    for i, t in enumerate(txs):
        if not valid_signature(t):
            raise BlockError(f"transactions[{i}].{BAD_SIGNATURE}")
    current, before = dict(state), {}

    def account(k):
        return current.get(k, (0, 0))

    def put(k, v):
        if k not in before:
            before[k] = state.get(k, (0, 0))
        current[k] = v

    def credit(k, amount, error):
        b, n = account(k)
        if b + amount > CAP:
            raise BlockError(error)
        put(k, (b + amount, n))

    fees = 0
    for i, t in enumerate(txs):
        sender = payload_of(t["publicKey"])
        bal, nonce = account(sender)
        if t["chainId"] != rules["chainId"]:
            raise BlockError(f"transactions[{i}].chainId: transaction is for chain {t['chainId']}, this chain is {rules['chainId']}")
        if t["nonce"] != nonce:
            raise BlockError(f"transactions[{i}].nonce: expected {nonce}, got {t['nonce']}")
        cost = t["amount"] + t["fee"]
        if bal < cost:
            raise BlockError(f"transactions[{i}].amount: balance {ksr(bal)} KSR does not cover amount + fee {ksr(cost)} KSR")
        if nonce == 2**64 - 1:
            raise BlockError(f"transactions[{i}].nonce: account nonce is exhausted")
        put(sender, (bal - cost, nonce + 1))
        credit(t["to"], t["amount"], f"transactions[{i}].amount: recipient balance would exceed the supply cap")
        fees += t["fee"]
    sub = subsidy(rules, header["height"])
    credit(header["beneficiary"], sub + fees, "header.beneficiary: subsidy and fees would exceed the supply cap")
    after = {k: v for k, v in current.items() if v != (0, 0)}
    after.update({k: v for k, v in state.items() if k not in current})
    root = state_root(after)
    if root != header["stateRoot"]:
        raise BlockError(f"header.stateRoot: header says {header['stateRoot'].hex()}, applying the block gives {root.hex()}")
    return after, fees, sub, sorted(before.items())


# ---------------------------------------------------------------- genesis (12)

MISSING = object()


class GenesisError(Exception):
    pass


def g_string(value, field):
    if value is MISSING:
        raise GenesisError(f"{field}: missing")
    if not isinstance(value, str):
        raise GenesisError(f"{field}: must be a string")
    return value


def g_integer(value, field, maximum):
    if value is MISSING:
        raise GenesisError(f"{field}: missing")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise GenesisError(f"{field}: must be a whole number")
    if isinstance(value, float):
        if value < 0:
            raise GenesisError(f"{field}: must not be negative")
        if value != int(value):
            raise GenesisError(f"{field}: must be a whole number")
        if value >= 2**63:
            raise GenesisError(f"{field}: is above the maximum {maximum}")
        value = int(value)
    if value < 0:
        raise GenesisError(f"{field}: must not be negative")
    if value >= 2**63:
        raise GenesisError(f"{field}: is above the maximum {maximum}")
    if value > maximum:
        raise GenesisError(f"{field}: {value} is above the maximum {maximum}")
    return value


def parse_genesis(text):
    """(network, chainId, timestamp, bits, [(payload, amount)]) or GenesisError (section 12.1)."""
    top = json.loads(text)
    if not isinstance(top, dict):
        raise GenesisError("genesis: not a JSON object")
    network = g_string(top.get("network", MISSING), "network")
    if network not in PREFIXES:
        raise GenesisError(f"network: unknown network '{network}' (expected main, test or devnet)")
    chain_id = g_integer(top.get("chainId", MISSING), "chainId", 2**32 - 1)
    timestamp = g_integer(top.get("timestamp", MISSING), "timestamp", 2**63 - 1)
    bits_text = g_string(top.get("bits", MISSING), "bits")
    digits = bits_text[2:]
    if (bits_text[:2] not in ("0x", "0X") or not 1 <= len(digits) <= 8
            or any(c not in "0123456789abcdefABCDEF" for c in digits)):
        raise GenesisError("bits: expected a compact target such as 0x207fffff")
    alloc = top.get("alloc", MISSING)
    if not isinstance(alloc, list):
        raise GenesisError("alloc: missing or not an array")
    entries = []
    for i, entry in enumerate(alloc):
        if not isinstance(entry, dict):
            raise GenesisError(f"alloc[{i}]: not an object")
        entries.append((g_string(entry.get("address", MISSING), f"alloc[{i}].address"),
                        g_integer(entry.get("amount", MISSING), f"alloc[{i}].amount", CAP)))
    if chain_id == 0:
        raise GenesisError("chainId: must not be 0")
    if len(entries) > 1_000_000:
        raise GenesisError(f"alloc: {len(entries)} allocations, at most 1000000")
    seen, total, accounts = set(), 0, []
    for i, (address, amount) in enumerate(entries):
        try:
            _, payload = parse_address(address, network)
        except AddressError as e:
            raise GenesisError(f"alloc[{i}].address: {e}")
        if amount <= 0:
            raise GenesisError(f"alloc[{i}].amount: must be positive")
        if payload in seen:
            raise GenesisError(f"alloc[{i}].address: {address} is allocated twice")
        seen.add(payload)
        total += amount
        if total > CAP:
            raise GenesisError(f"alloc[{i}].amount: total allocation exceeds the 21,000,000 KSR supply cap")
        accounts.append((payload, amount))
    return network, chain_id, timestamp, int(digits, 16), accounts


def genesis_header(text):
    _, _, timestamp, bits, accounts = parse_genesis(text)
    state = state_root({payload: (amount, 0) for payload, amount in accounts})
    return {"version": 1, "height": 0, "previousId": EMPTY, "merkleRoot": sha256(b""), "stateRoot": state,
            "timestamp": timestamp, "bits": bits, "beneficiary": bytes(20), "nonce": 0}


# ---------------------------------------------------------------- proof of work (13)

NETWORKS = {  # name: (spacing, window, powLimit)
    "main": (60, 1440, (1 << 232) - 1),
    "test": (30, 720, (1 << 240) - 1),
    "devnet": (2, 30, (1 << 255) - 1),
    "bitcoin": (600, 2016, (1 << 224) - 1),
}


def fmt_bits(b):
    return f"0x{b:08x}"


def decode_compact(b):
    size, word = b >> 24, b & 0x007FFFFF
    if size <= 3:
        word >>= 8 * (3 - size)
        target = word
    else:
        target = word << (8 * (size - 3))
    if word != 0 and b & 0x00800000:
        raise ValueError(f"compact target {fmt_bits(b)} is negative (sign bit 0x00800000 set with a non-zero mantissa)")
    if word != 0 and (size > 34 or (word > 0xFF and size > 33) or (word > 0xFFFF and size > 32)):
        raise ValueError(f"compact target {fmt_bits(b)} overflows: it does not fit in 256 bits")
    if target == 0:
        raise ValueError(f"compact target {fmt_bits(b)} is zero, which no block hash can meet")
    return target


def encode_compact(target):
    size = (target.bit_length() + 7) // 8
    compact = target << (8 * (3 - size)) if size <= 3 else (target >> (8 * (size - 3))) & 0xFFFFFFFF
    if compact & 0x00800000:
        compact >>= 8
        size += 1
    return compact | (size << 24)


def hex256(v):
    return f"{v:064x}"


def clamp_i64(v):
    return max(-(2**63), min(2**63 - 1, v))


def check_pow(network, header):
    """None when the header alone is valid (section 13, checks 3 to 6), else the message."""
    limit = NETWORKS[network][2]
    if header["version"] != 1:
        return f"header.version: {header['version']} is not supported"
    try:
        target = decode_compact(header["bits"])
    except ValueError as e:
        return f"header.bits: {e}"
    if target > limit:
        return f"header.bits: target {fmt_bits(header['bits'])} is easier than the network's limit {fmt_bits(encode_compact(limit))}"
    number = int.from_bytes(sha256d(encode_header(header)), "big")
    if number > target:
        return f"header.nonce: hash {hex256(number)} is above the target {hex256(target)}"
    return None


def retarget(network, first, last, bits):
    spacing, window, limit = NETWORKS[network]
    expected = spacing * window
    actual = clamp_i64(last - first)  # signed 64-bit, saturating on overflow
    clamped = min(max(actual, expected // 4), expected * 4)
    new = min(decode_compact(bits) * clamped // expected, limit)
    return clamped, encode_compact(new)


def median_time_past(times):
    recent = sorted(times[-11:])
    return recent[len(recent) // 2] if recent else None


# ---------------------------------------------------------------- the checks


class Checker:
    def __init__(self, directory):
        self.directory = directory
        self.passed = 0
        self.failed = 0

    def load(self, name):
        with open(os.path.join(self.directory, name), encoding="utf-8") as f:
            return json.load(f)

    def expect(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL {what}")

    def run(self, name, fn, vectors):
        for i, v in enumerate(vectors):
            label = f"{name}[{i}] {v.get('description', '')}".rstrip() if isinstance(v, dict) else f"{name}[{i}]"
            try:
                ok = fn(v)
            except Exception as e:  # a crash on one vector is a failure of that vector
                ok = False
                label += f" (raised {type(e).__name__}: {e})"
            self.expect(ok, label)

    # transactions.json
    def tx_valid(self, v):
        b = bytes.fromhex(v["hex"])
        tx = decode_tx(b)
        fields = (tx["chainId"] == v["chainId"] and tx["publicKey"].hex() == v["publicKey"] and tx["nonce"] == v["nonce"]
                  and tx["to"].hex() == v["to"] and tx["amount"] == v["amount"] and tx["fee"] == v["fee"]
                  and tx["memo"].hex() == v["memo"] and tx["signature"].hex() == v["signature"])
        key = nacl.signing.SigningKey(bytes.fromhex(v["seed"]))
        rebuilt = dict(tx, publicKey=bytes(key.verify_key))
        rebuilt["signature"] = key.sign(signing_payload(rebuilt)).signature
        return (fields and valid_signature(tx) and encode_tx(rebuilt) == b and len(b) == v["size"]
                and payload_of(tx["publicKey"]).hex() == v["from"] and signing_payload(tx).hex() == v["signingPayload"]
                and tx_id(tx).hex() == v["id"])

    def refused(self, decode):
        def check(v):
            try:
                decode(bytes.fromhex(v["hex"]))
            except DecodeError as e:
                return (e.field, e.message) == (v["field"], v["error"])
            return False
        return check

    def tx_invalid(self, v):
        return check_tx_bytes(bytes.fromhex(v["hex"])) == (v["field"], v["error"])

    # typed-transactions.json
    def typed_valid(self, v):
        b = bytes.fromhex(v["hex"])
        kind, fields, to, fee = decode_typed_bytes(b)
        got = {k: (x.hex() if isinstance(x, bytes) else x) for k, x in fields.items()}
        key = nacl.signing.SigningKey(bytes.fromhex(v["seed"]))
        payload = TAG + b[:-64]
        return (kind == v["kind"] and b[:5] == bytes([0, 0, 0, 0, kind]) and got == v["fields"] and to.hex() == v["to"]
                and fee == v["fee"] and bytes(key.verify_key) == fields["publicKey"] and key.sign(payload).signature == b[-64:]
                and payload.hex() == v["signingPayload"] and sha256(b).hex() == v["id"] and len(b) == v["size"]
                and payload_of(fields["publicKey"]).hex() == v["from"])

    def typed_invalid(self, v):
        return check_typed_bytes(bytes.fromhex(v["hex"])) == (v["field"], v["error"])

    # addresses.json
    def address_encode(self, v):
        p = bytes.fromhex(v["payload"])
        ok = encode_address("ksr", p) == v["ksr"] and encode_address("ksrt", p) == v["ksrt"]
        if "publicKey" in v:
            ok = ok and payload_of(bytes.fromhex(v["publicKey"])) == p
        return ok

    def address_parse(self, v):
        try:
            hrp, payload = parse_address(v["input"], v.get("network"))
        except AddressError as e:
            return str(e) == v.get("error")
        return "error" not in v and hrp == v["prefix"] and payload.hex() == v["payload"]

    # headers.json, blocks.json
    def header_valid(self, v):
        b = bytes.fromhex(v["hex"])
        h = decode_header(b)
        fields = {k: (h[k].hex() if isinstance(h[k], bytes) else h[k]) for k in HEADER_FIELDS}
        return all(fields[k] == v[k] for k in HEADER_FIELDS) and encode_header(h) == b and sha256d(b).hex() == v["id"]

    def block_valid(self, v):
        b = bytes.fromhex(v["hex"])
        header, txs = decode_block(b)
        ids = [tx_id(t) for t in txs]
        head = encode_header(header)
        again = head + varuint(len(txs)) + b"".join(encode_tx(t) for t in txs)
        return (head.hex() == v["header"] and sha256d(head).hex() == v["id"] and len(txs) == v["transactionCount"]
                and [i.hex() for i in ids] == v["transactionIds"] and merkle_root(ids).hex() == v["merkleRoot"]
                and again == b)

    # merkle.json
    def merkle_tree(self, v):
        leaves = [bytes.fromhex(x) for x in v["leaves"]]
        root = merkle_root(leaves)
        ok = root.hex() == v["root"]
        for p in v["proofs"]:
            path = [bytes.fromhex(x) for x in p["path"]]
            ok = ok and p["treeSize"] == len(leaves) and [x.hex() for x in merkle_path(leaves, p["index"])] == p["path"]
            ok = ok and merkle_verify(leaves[p["index"]], root, p["index"], p["treeSize"], path)
        return ok

    def merkle_check(self, v):
        path = [bytes.fromhex(x) for x in v["path"]]
        got = merkle_verify(bytes.fromhex(v["item"]), bytes.fromhex(v["root"]), v["index"], v["treeSize"], path)
        return got == v["valid"]

    # state.json
    @staticmethod
    def accounts(entries):
        return {bytes.fromhex(a["key"]): (a["balance"], a["nonce"]) for a in entries if (a["balance"], a["nonce"]) != (0, 0)}

    @staticmethod
    def terminal(t):
        if t["kind"] == "account":
            return ("account", t["balance"], t["nonce"])
        if t["kind"] == "empty":
            return ("empty",)
        return ("otherLeaf", bytes.fromhex(t["key"]), t["balance"], t["nonce"])

    def state_root_and_proofs(self, v):
        accts = self.accounts(v["accounts"])
        root = state_root(accts)
        ok = root.hex() == v["root"]
        for p in v["proofs"]:
            key = bytes.fromhex(p["key"])
            siblings = [bytes.fromhex(x) for x in p["siblings"]]
            terminal = self.terminal(p["terminal"])
            ok = ok and state_proof(accts, key) == (siblings, terminal) and state_verify(root, key, siblings, terminal)
        return ok

    def state_update(self, v):
        accts = self.accounts(v["before"])
        ok = state_root(accts).hex() == v["beforeRoot"]
        for c in v["changes"]:  # in order: a later change of a key wins; an empty account removes it
            key, value = bytes.fromhex(c["key"]), (c["balance"], c["nonce"])
            if value == (0, 0):
                accts.pop(key, None)
            else:
                accts[key] = value
        return ok and state_root(accts).hex() == v["root"]

    def state_check(self, v):
        p = v["proof"]
        got = state_verify(bytes.fromhex(v["root"]), bytes.fromhex(p["key"]), [bytes.fromhex(x) for x in p["siblings"]],
                           self.terminal(p["terminal"]))
        return got == v["valid"]

    # block-rules.json
    def subsidy_case(self, v):
        r, h = v["rules"], v["height"]
        return (scheduled_subsidy(r, h) == v["scheduledSubsidy"] and issued(r, h) == v["issued"]
                and subsidy(r, h) == v["subsidy"])

    def block_rule(self, v):
        state = self.accounts(v["state"])
        if state_root(state).hex() != v["stateRoot"]:
            return False
        try:
            after, fees, sub, undo = apply_block(bytes.fromhex(v["block"]), state, v["rules"])
        except BlockError as e:
            return str(e) == v.get("error")
        res = v.get("result")
        if res is None:
            return False
        restored = dict(after)
        for k, val in undo:
            if val == (0, 0):
                restored.pop(k, None)
            else:
                restored[k] = val
        return (state_root(after).hex() == res["stateRoot"] and fees == res["fees"] and sub == res["subsidy"]
                and [{"key": k.hex(), "balance": b, "nonce": n} for k, (b, n) in undo] == res["undo"]
                and after == self.accounts(res["accounts"]) and state_root(restored) == state_root(state))

    # genesis.json
    def genesis_case(self, v):
        try:
            header = genesis_header(v["json"])
        except GenesisError as e:
            return str(e) == v.get("error")
        data = encode_header(header)
        return (data.hex() == v["header"] and sha256d(data).hex() == v["id"] and header["stateRoot"].hex() == v["stateRoot"]
                and header["merkleRoot"].hex() == v["merkleRoot"])

    # pow.json
    def network_params(self, v):
        spacing, window, limit = NETWORKS[v["name"]]
        return (v["targetSpacing"] == spacing and v["window"] == window and v["targetTimespan"] == spacing * window
                and v["powLimit"] == hex256(limit) and v["powLimitBits"] == fmt_bits(encode_compact(limit)))

    def compact_case(self, v):
        b = int(v["bits"], 16)
        try:
            target = decode_compact(b)
        except ValueError as e:
            return str(e) == v.get("error")
        return (hex256(target) == v["target"] and hex256(2**256 // (target + 1)) == v["work"]
                and fmt_bits(encode_compact(target)) == v["reencoded"])

    def pow_case(self, v):
        data = bytes.fromhex(v["header"])
        header = decode_header(data)
        return sha256d(data).hex() == v["id"] and check_pow(v["network"], header) == v.get("error")

    def retarget_case(self, v):
        try:
            clamped, bits = retarget(v["network"], v["lastRetargetTime"], v["lastBlockTime"], int(v["lastBits"], 16))
        except ValueError as e:
            return str(e) == v.get("error")
        return clamped == v["clampedTimespan"] and fmt_bits(bits) == v["bits"]

    def chain_case(self, v):
        times, h = v["timestamps"], v["height"]  # the chain is blocks 0 .. h-1; the child is at height h
        _, window, _ = NETWORKS[v["network"]]
        bits = int(v["bits"], 16)
        if h % window == 0 and h > 0:
            _, bits = retarget(v["network"], times[h - window], times[h - 1], bits)
        return fmt_bits(bits) == v["nextBits"] and median_time_past(times) + 1 == v["minimumTimestamp"]

    def median_case(self, v):
        return median_time_past(v["timestamps"]) == v["median"]

    def all(self):
        t = self.load("transactions.json")
        self.run("transactions.valid", self.tx_valid, t["valid"])
        self.run("transactions.invalid", self.tx_invalid, t["invalid"])
        y = self.load("typed-transactions.json")
        self.run("typed-transactions.valid", self.typed_valid, y["valid"])
        self.run("typed-transactions.invalid", self.typed_invalid, y["invalid"])
        a = self.load("addresses.json")
        self.run("addresses.encode", self.address_encode, a["encode"])
        self.run("addresses.parse", self.address_parse, a["parse"])
        h = self.load("headers.json")
        self.run("headers.valid", self.header_valid, h["valid"])
        self.run("headers.invalid", self.refused(decode_header), h["invalid"])
        b = self.load("blocks.json")
        self.run("blocks.valid", self.block_valid, b["valid"])
        self.run("blocks.invalid", self.refused(decode_block), b["invalid"])
        m = self.load("merkle.json")
        self.run("merkle.trees", self.merkle_tree, m["trees"])
        self.run("merkle.verify", self.merkle_check, m["verify"])
        s = self.load("state.json")
        self.run("state.states", self.state_root_and_proofs, s["states"])
        self.run("state.updates", self.state_update, s["updates"])
        self.run("state.verify", self.state_check, s["verify"])
        r = self.load("block-rules.json")
        self.run("block-rules.subsidy", self.subsidy_case, r["subsidy"])
        self.run("block-rules.blocks", self.block_rule, r["blocks"])
        g = self.load("genesis.json")
        self.run("genesis.files", self.genesis_case, g["files"])
        p = self.load("pow.json")
        self.run("pow.networks", self.network_params, p["networks"])
        self.run("pow.compact", self.compact_case, p["compact"])
        self.run("pow.proofOfWork", self.pow_case, p["proofOfWork"])
        self.run("pow.retarget", self.retarget_case, p["retarget"])
        self.run("pow.chainRetarget", self.chain_case, p["chainRetarget"])
        self.run("pow.medianTimePast", self.median_case, p["medianTimePast"])


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    checker = Checker(directory)
    checker.all()
    print(f"{checker.passed} passed, {checker.failed} failed")
    return 0 if checker.failed == 0 and checker.passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
