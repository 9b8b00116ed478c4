#!/usr/bin/env python3
"""The worked example of docs/protocol.md section 19.7, computed from the document alone.

Only the standard library (hashlib) and `cryptography` (Ed25519, RFC 8032) are used;
nothing here runs or reads Kusari's code. Run: python3 docs/exchange-example.py
The Swift test Tests/KusariExchangeTests/ExchangeProtocolExampleTests.swift rebuilds every
value printed here with the node's code and checks it equals the document.
"""
import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def sha256(b: bytes) -> bytes:
    return hashlib.sha256(b).digest()


def u8(n: int) -> bytes:
    return n.to_bytes(1, "big")


def u16(n: int) -> bytes:
    return n.to_bytes(2, "big")


def u32(n: int) -> bytes:
    return n.to_bytes(4, "big")


def u64(n: int) -> bytes:
    return n.to_bytes(8, "big")


def lp(b: bytes) -> bytes:  # a varuint length (always one byte here), then the bytes
    assert len(b) < 0x80
    return u8(len(b)) + b


def key(seed: bytes):
    sk = Ed25519PrivateKey.from_private_bytes(seed)
    pk = sk.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return sk, pk


def payload(pk: bytes) -> bytes:  # section 5: the first 20 bytes of SHA-256(public key)
    return sha256(pk)[:20]


def typed(sk, pk, kind: int, chain_id: int, nonce: int, fee: int, body: bytes) -> bytes:
    unsigned = u32(0) + u8(kind) + u32(chain_id) + pk + u64(nonce) + u64(fee) + body
    signature = sk.sign(b"KUSARI/TX/V1" + unsigned)
    return unsigned + signature


chain_id, fee = 3, 1000
alice_sk, alice_pk = key(bytes([1] * 32))
bob_sk, bob_pk = key(bytes([2] * 32))
carol_sk, carol_pk = key(bytes([3] * 32))
alice, bob, carol = payload(alice_pk), payload(bob_pk), payload(carol_pk)
print("seedAlice", bytes([1] * 32).hex())
print("alice", alice.hex())
print("seedBob", bytes([2] * 32).hex())
print("bob", bob.hex())

# 19.2: create GOLD (4 decimals, 1,000,000,000 units, mintable) for alice.
create = typed(alice_sk, alice_pk, 32, chain_id, 0, fee, alice + lp(b"GOLD") + u8(4) + u64(1_000_000_000) + u8(1))
print("createAsset", create.hex())
print("createAssetId", sha256(create).hex())

# 19.2: alice sells 5 lots of GOLD/KSR (base 1, quote 0) at 1,000, a limit order without expiry.
sell = typed(alice_sk, alice_pk, 36, chain_id, 2, fee, u32(1) + u32(0) + u8(1) + u8(0) + u64(1000) + u64(5) + u64(0))
sell_id = sha256(sell)
print("placeOrder", sell.hex())
print("placeOrderId", sell_id.hex())

# 19.4: the module account and the order's keys in its storage.
module = sha256(b"KUSARI/MODULE/EXCHANGE")
print("moduleAddress", module[:20].hex())
print("moduleCodeHash", module.hex())
height = 3
book_key = b"\x06" + u32(1) + u32(0) + u8(1) + u64(1000) + u64(height) + sell_id
print("bookKey", book_key.hex())
print("bookValue", (alice + u8(0) + u64(1000) + u64(5) + u64(5) + u64(0)).hex())
bid_priority = (2**64 - 1) - 1200   # a buy at 1,200 sorts by the complement of its price
print("buyPriority1200", u64(bid_priority).hex())

# 19.6: the auction of section 19.7's block: sell 5 at 1,000 (alice), buy 3 at 1,200 (bob),
# buy 4 at 1,100 (carol); lots of 10,000 GOLD units, taker fee 20 basis points.
orders = [("sell", 1000, 5), ("buy", 1200, 3), ("buy", 1100, 4)]
# 19.5: the crossing walk, best buy (highest price) against best sell (lowest), lot by lot.
# (All three orders come from one block, so within a price their order does not matter here.)
buys = sorted([o for o in orders if o[0] == "buy"], key=lambda o: -o[1])
sells = sorted([o for o in orders if o[0] == "sell"], key=lambda o: o[1])
i = j = 0
buy_left, sell_left = buys[0][2], sells[0][2]
read_buys, read_sells = 1, 1
buy_end = sell_end = False
while buys[i][1] >= sells[j][1]:
    m = min(buy_left, sell_left)
    buy_left -= m
    sell_left -= m
    if buy_left == 0:
        if i + 1 == len(buys):
            buy_end = True
            break
        i += 1
        read_buys += 1
        buy_left = buys[i][2]
    if sell_left == 0:
        if j + 1 == len(sells):
            sell_end = True
            break
        j += 1
        read_sells += 1
        sell_left = sells[j][2]
# The rest of the current prices, then one order more on each side bounds the candidates.
low, high = 0, 2**64 - 1
if not buy_end:
    while read_buys < len(buys) and buys[read_buys][1] == buys[i][1]:
        read_buys += 1
    if read_buys < len(buys):
        low = buys[read_buys][1] + 1
if not sell_end:
    while read_sells < len(sells) and sells[read_sells][1] == sells[j][1]:
        read_sells += 1
    if read_sells < len(sells):
        high = sells[read_sells][1] - 1
print("crossingRead", read_buys + read_sells)
print("candidatesFrom", low)
print("candidatesTo", high)
orders = buys[:read_buys] + sells[:read_sells]
prices = sorted({p for _, p, _ in orders if low <= p <= high})
best = None
for p in prices:
    d = sum(l for s, q, l in orders if s == "buy" and q >= p)
    s_ = sum(l for s, q, l in orders if s == "sell" and q <= p)
    v = min(d, s_)
    print(f"level{p}", f"D={d},S={s_}")
    key_ = (v, -abs(d - s_))
    if best is None or key_ > best[0]:
        best = (key_, [p], [(d, s_)])
    elif key_ == best[0]:
        best[1].append(p)
        best[2].append((d, s_))
tied, curves = best[1], best[2]
price = max(tied) if all(d > s for d, s in curves) else min(tied) if all(s > d for d, s in curves) else min(tied)
volume = best[0][0]
print("clearingPrice", price)
print("matchedLots", volume)
lot, taker_bps = 10_000, 20
bob_base = 3 * lot
print("bobReceivesGold", bob_base - bob_base * taker_bps // 10_000)
print("bobRefundKsr", 3 * (1200 - price))
alice_quote = 5 * price
print("aliceReceivesKsr", alice_quote - alice_quote * taker_bps // 10_000)

# 19.4: after the block carol's 2 lots rest on the buy side and the sell side is empty, so
# the buy side's count is 1 and the sell side's key is absent.
print("bookCountBuyKey", (b"\x0a" + u32(1) + u32(0) + u8(0)).hex())
print("bookCountBuy", u32(1).hex())

# 19.4: carol's order (buy 4 at 1,100, nonce 0) keeps 2 lots open: her owner key and count.
carol_buy = typed(carol_sk, carol_pk, 36, chain_id, 0, fee, u32(1) + u32(0) + u8(0) + u8(0) + u64(1100) + u64(4) + u64(0))
carol_id = sha256(carol_buy)
print("carolOrderId", carol_id.hex())
print("carolOwnerKey", (b"\x08" + carol + u32(1) + u32(0) + u8(0) + u64((2**64 - 1) - 1100) + carol_id).hex())
print("carolOpenCountKey", (b"\x0b" + carol).hex())
print("carolOpenCount", u16(1).hex())

# 19.4: the count of open orders expiring at height 10 is stored under 0C || 10.
print("expiryCountKey10", (b"\x0c" + u64(10)).hex())
