#!/usr/bin/env python3
"""The worked example of docs/protocol.md section 20.8, computed from the document alone.

Only the standard library (hashlib) and `cryptography` (Ed25519, RFC 8032) are used;
nothing here runs or reads Kusari's code. Run: python3 docs/staking-example.py
The Swift test Tests/KusariStakingTests/StakingProtocolExampleTests.swift rebuilds every
value printed here with the node's code and checks it equals the document.
"""
import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

KSR = 100_000_000


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


def u128(n: int) -> bytes:  # the reward index: high u64 then low u64, modulo 2^128
    return (n % 2**128).to_bytes(16, "big")


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


chain_id, fee = 5, 1000
alice_sk, alice_pk = key(bytes([1] * 32))
bob_sk, bob_pk = key(bytes([2] * 32))
carol_sk, carol_pk = key(bytes([3] * 32))
_, alice_cons = key(bytes([101] * 32))   # the consensus keys: seeds 0x65 and 0x66
_, bob_cons = key(bytes([102] * 32))
alice, bob, carol = payload(alice_pk), payload(bob_pk), payload(carol_pk)
print("alice", alice.hex())
print("bob", bob.hex())
print("carol", carol.hex())
print("aliceConsensusKey", alice_cons.hex())

# 20.2, block 1: alice and bob become validators, carol delegates to alice.
create = typed(alice_sk, alice_pk, 16, chain_id, 0, fee, alice_cons + u16(1000) + u64(300 * KSR))
print("createValidator", create.hex())
print("createValidatorId", sha256(create).hex())
create_bob = typed(bob_sk, bob_pk, 16, chain_id, 0, fee, bob_cons + u16(0) + u64(100 * KSR))
delegate = typed(carol_sk, carol_pk, 17, chain_id, 0, fee, alice + u64(100 * KSR))
print("delegate", delegate.hex())
print("delegateId", sha256(delegate).hex())
unjail = typed(alice_sk, alice_pk, 20, chain_id, 1, fee, alice + u32(0))
print("unjailSize", len(unjail))

# 20.3: the module account and keys after block 1.
module = sha256(b"KUSARI/MODULE/STAKING")
print("moduleAddress", module[:20].hex())
print("moduleCodeHash", module.hex())
print("powerKeyAlice", (b"\x04" + u64(2**64 - 1 - 400 * KSR) + alice).hex())
print("delegationKey", (b"\x03" + alice + carol).hex())
print("delegationValue", (u64(100 * KSR) + u128(0)).hex())
voting_set = u16(2) + alice + alice_cons + u64(400) + bob + bob_cons + u64(100)
print("votingSetKey", (b"\x0a" + u64(3)).hex())
print("votingSetValue", voting_set.hex())

# 20.5, block 2: a reward of 1,000,003 units (the subsidy of this example's chain, no fees);
# block 1's commit was signed by alice (power 400) and bob (power 100).
reward, signers = 1_000_003, [("alice", 400, 1000, 400 * KSR), ("bob", 100, 0, 100 * KSR)]
total = sum(p for _, p, _, _ in signers)
parts = [reward * p // total for _, p, _, _ in signers]
parts[0] += reward - sum(parts)   # the remainder to the first signer: most power, then smallest key
indices = {}
for (name, _, bps, shares), part in zip(signers, parts):
    commission = part * bps // 10_000
    delegators = part - commission
    indices[name] = (delegators << 64) // shares
    print(f"part{name.capitalize()}", part)
    print(f"commission{name.capitalize()}", commission)
print("rewardCarol", (100 * KSR * indices["alice"]) >> 64)
print("rewardAlice", (300 * KSR * indices["alice"]) >> 64)
print("rewardBob", (100 * KSR * indices["bob"]) >> 64)
print("rewardPool", reward - parts[0] * 1000 // 10_000)
validator = (alice_cons + u16(1000) + u8(0) + u64(0) + u64(400 * KSR) + u64(400 * KSR) + u128(indices["alice"])
             + u64(1) + u64(0) + u64(0) + u64(1))
print("validatorKey", (b"\x01" + alice).hex())
print("validatorValue", validator.hex())
# 20.6: 5% of 400 KSR is what double signing would burn of alice's bonded stake.
print("doubleSignBurn", 400 * KSR * 50_000 // 1_000_000)
