#!/usr/bin/env python3
"""The worked example of docs/protocol.md section 15.4, computed from the document alone.

Only the standard library (hashlib) and `cryptography` (Ed25519, RFC 8032) are used;
nothing here runs or reads Kusari's code. Run: python3 docs/contract-example.py
The Swift test Tests/KusariCoreTests/ContractProtocolExampleTests.swift rebuilds every
value printed here with the node's code and checks it equals the document.
"""
import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def sha256(b: bytes) -> bytes:
    return hashlib.sha256(b).digest()


def u32(n: int) -> bytes:
    return n.to_bytes(4, "big")


def u64(n: int) -> bytes:
    return n.to_bytes(8, "big")


def varuint(n: int) -> bytes:  # section 1.3: unsigned LEB128, minimal
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def lp(b: bytes) -> bytes:  # a varuint length, then the bytes
    return varuint(len(b)) + b


TAG = b"KUSARI/TX/V1"
EMPTY = bytes(32)

seed = bytes([0x07]) * 32
key = Ed25519PrivateKey.from_private_bytes(seed)
public_key = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
sender = sha256(public_key)[:20]  # section 5.1


def sign(body: bytes) -> bytes:
    return key.sign(TAG + body)


# --- Deploy at nonce 0 (section 6.5) ---
chain_id = 3
code = bytes.fromhex("0061736d01000000")  # the 8-byte empty module: magic and version 1
deploy_body = (u32(0) + bytes([1]) + u32(chain_id) + public_key + u64(0)
               + u64(0) + u64(50_000) + u64(10) + lp(code) + lp(b""))
deploy_sig = sign(deploy_body)
deploy_tx = deploy_body + deploy_sig
contract = sha256(b"KUSARI/CONTRACT" + sender + u64(0))[:20]

# --- Call at nonce 1 of the contract (section 6.5) ---
method = b"transfer"
call_input = bytes.fromhex("06" + "b0" * 20 + "01" + "00000000000000fa")  # section 18.3's arguments
call_body = (u32(0) + bytes([2]) + u32(chain_id) + public_key + u64(1) + contract
             + u64(1_000) + u64(100_000) + u64(10) + lp(method) + lp(call_input))
call_sig = sign(call_body)
call_tx = call_body + call_sig


# --- Storage tree of two entries (section 10.5) ---
def bit(h: bytes, i: int) -> int:
    return (h[i // 8] >> (7 - i % 8)) & 1


def node(left: bytes, right: bytes) -> bytes:
    return sha256(b"\x01" + left + right)


def storage_leaf(key_hash: bytes, value: bytes) -> bytes:
    return sha256(b"\x00" + key_hash + sha256(value))


def subtree(items, d):  # section 10.3's H(S, d); items: [(keyHash, leafHash)]
    if not items:
        return EMPTY
    if len(items) == 1:
        return items[0][1]
    return node(subtree([i for i in items if bit(i[0], d) == 0], d + 1),
                subtree([i for i in items if bit(i[0], d) == 1], d + 1))


def proof(items, key_hash):  # siblings top-down and the terminal (section 10.4's walk)
    siblings, d = [], 0
    while len(items) > 1:
        mine = [i for i in items if bit(i[0], d) == bit(key_hash, d)]
        other = [i for i in items if bit(i[0], d) != bit(key_hash, d)]
        siblings.append(subtree(other, d + 1))
        items, d = mine, d + 1
    return siblings, (items[0] if items else None)


def verify(root, key_hash, siblings, leaf):
    h = leaf
    for d in range(len(siblings) - 1, -1, -1):
        h = node(siblings[d], h) if bit(key_hash, d) else node(h, siblings[d])
    return h == root


entries = {b"owner": sender, b"cap": bytes.fromhex("0100000000000f4240")}
items = [(sha256(k), storage_leaf(sha256(k), v)) for k, v in entries.items()]
storage_root = subtree(items, 0)

# --- The contract's account leaf (section 10.5) ---
balance, nonce = 250_000, 0
code_hash = sha256(code)
leaf_preimage = b"\x02" + contract + u64(balance) + u64(nonce) + code_hash + storage_root
account_leaf = sha256(leaf_preimage)

rows = [
    ("seed", seed.hex()),
    ("publicKey", public_key.hex()),
    ("senderPayload", sender.hex()),
    ("chainId", str(chain_id)),
    ("deployCode", code.hex()),
    ("deploySigningPayloadHash", sha256(TAG + deploy_body).hex()),
    ("deploySignature", deploy_sig.hex()),
    ("deployTransaction", deploy_tx.hex()),
    ("deployId", sha256(deploy_tx).hex()),
    ("contractPreimage", (b"KUSARI/CONTRACT" + sender + u64(0)).hex()),
    ("contract", contract.hex()),
    ("callMethod", method.decode()),
    ("callInput", call_input.hex()),
    ("callSigningPayload", (TAG + call_body).hex()),
    ("callSigningPayloadHash", sha256(TAG + call_body).hex()),
    ("callSignature", call_sig.hex()),
    ("callTransaction", call_tx.hex()),
    ("callId", sha256(call_tx).hex()),
]
for name, value in rows:
    print(f"{name:<26}{value}")
print(f"sizes: deploy {len(deploy_tx)}, call {len(call_tx)}, call payload {len(TAG + call_body)}")
print()
for k, v in entries.items():
    kh = sha256(k)
    print(f"key {k.hex()} ({k.decode()}) keyHash {kh.hex()} bits {''.join(str(bit(kh, i)) for i in range(8))}")
    print(f"  value {v.hex()} valueHash {sha256(v).hex()} leaf {storage_leaf(kh, v).hex()}")
print(f"storageRoot {storage_root.hex()}")
for k in (b"cap", b"supply"):
    kh = sha256(k)
    sibs, terminal = proof(items, kh)
    print(f"proof {k.decode()} keyHash {kh.hex()} bits {''.join(str(bit(kh, i)) for i in range(8))}")
    print("  siblings", [s.hex() for s in sibs])
    if terminal is None:
        leaf = EMPTY
        print("  terminal empty")
    elif terminal[0] == kh:
        leaf = terminal[1]
        print("  terminal value", entries[k].hex())
    else:
        leaf = terminal[1]
        other = [kk for kk in entries if sha256(kk) == terminal[0]][0]
        print("  terminal otherLeaf", terminal[0].hex(), sha256(entries[other]).hex())
    print("  verifies", verify(storage_root, kh, sibs, leaf))
print(f"codeHash {code_hash.hex()}")
print(f"accountLeafPreimage {leaf_preimage.hex()}")
print(f"accountLeaf {account_leaf.hex()}")

# The storage root, step by step: "cap" (bits 01000…) and "owner" (bits 01001…) share bits 0 to 3.
leaf_cap, leaf_owner = storage_leaf(sha256(b"cap"), entries[b"cap"]), storage_leaf(sha256(b"owner"), entries[b"owner"])
h4 = node(leaf_cap, leaf_owner)
h3 = node(h4, EMPTY)
h2 = node(h3, EMPTY)
h1 = node(EMPTY, h2)
h0 = node(h1, EMPTY)
assert h0 == storage_root
for d, h in ((4, h4), (3, h3), (2, h2), (1, h1), (0, h0)):
    print(f"d={d} {h.hex()}")

# --- Block 1 of a devnet chain whose genesis gives the sender 10 KSR (sections 11.3, 11.5, 18.7) ---
# The 8-byte module exports no memory, so it is refused (18.4): the deploy fails at step 2 of 18.7
# and uses its intrinsic gas (11.5) and the storing cost; the call then finds no contract at its
# address and uses only its intrinsic gas.
beneficiary = bytes([0xBE]) * 20
def intrinsic(tx: bytes) -> int:  # section 11.5: 5,000 plus 16 per byte of the encoding
    return 5_000 + 16 * len(tx)
storing = 2_000 + 20 * len(code)
deploy_gas = intrinsic(deploy_tx) + storing
call_gas = intrinsic(call_tx)
# The block's gas cap counts gas used (11.3, step 0): each limit fits what is left before it.
assert 50_000 <= 200_000_000 and 100_000 <= 200_000_000 - deploy_gas
deploy_charged = deploy_gas * 10
call_charged = call_gas * 10
sender_balance = 1_000_000_000 - deploy_charged - call_charged
beneficiary_balance = 5_000_000_000 + deploy_charged + call_charged


def account_leaf0(key: bytes, balance: int, nonce: int) -> bytes:  # section 10.2
    return sha256(b"\x00" + key + u64(balance) + u64(nonce))


state_items = [(sender, account_leaf0(sender, sender_balance, 2)),
               (beneficiary, account_leaf0(beneficiary, beneficiary_balance, 0))]
state_root = subtree(state_items, 0)


def receipt(txid: bytes, contract_: bytes, gas: int, failure: str) -> bytes:  # section 11.6
    return txid + contract_ + u64(gas) + lp(failure.encode()) + b"\x00" + varuint(0) + lp(b"")


call_receipt = receipt(sha256(call_tx), contract, call_gas, "no contract at this address")
print(f"intrinsic deploy {intrinsic(deploy_tx)} call {intrinsic(call_tx)}")
print(f"deployGas {deploy_gas} callGas {call_gas} callCharged {call_charged} refund {1_000_000 - call_charged}")
print(f"storingCost {storing}")
print(f"deployCharged {deploy_charged} refund {500_000 - deploy_charged}")
print(f"senderBalance {sender_balance}")
print(f"beneficiaryBalance {beneficiary_balance}")
print(f"senderLeaf {state_items[0][1].hex()}")
print(f"beneficiaryLeaf {state_items[1][1].hex()}")
print(f"stateRoot {state_root.hex()}")
print(f"callReceipt {call_receipt.hex()}")
