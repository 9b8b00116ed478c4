// Checks the proofs on the transaction and account pages in the browser,
// recomputing every hash as docs/protocol.md (sections 9.2 and 10.4) says.
// Editing a sibling hash re-runs the check.
"use strict";
(function () {
  const K = window.Kusari;
  const EMPTY = new Uint8Array(32);

  async function node(left, right) { return K.sha256(K.concat([1], left, right)); }

  // RFC 9162 section 2.1.3.2 over a transaction id (section 9.2).
  // Reports each step to `step(i, side, hash)`; returns the computed root or null.
  async function merkleRoot(item, index, size, path, step) {
    if (index >= size) return null;
    let fn = index, sn = size - 1;
    let r = await K.sha256(K.concat([0], item));
    step(-1, "", r);
    for (let i = 0; i < path.length; i++) {
      const p = path[i];
      if (p === null || sn === 0) return null;
      if (fn % 2 === 1 || fn === sn) {
        r = await node(p, r);
        step(i, "on the left", r);
        if (fn % 2 === 0) { while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); } }
      } else {
        r = await node(r, p);
        step(i, "on the right", r);
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    return sn === 0 ? r : null;
  }

  async function checkMerkle(section) {
    const inputs = Array.from(section.querySelectorAll("input.proof-hash"));
    const results = Array.from(section.querySelectorAll(".step-result"));
    const sides = Array.from(section.querySelectorAll(".side"));
    const path = inputs.map(i => { const b = K.hexToBytes(i.value.trim()); return b && b.length === 32 ? b : null; });
    // Every data attribute must be there and well formed, else the check fails.
    const item = K.hexToBytes(section.dataset.leaf);
    const root = K.hexToBytes(section.dataset.root);
    const index = Number(section.dataset.index), size = Number(section.dataset.size);
    const wellFormed = item && item.length === 32 && root && root.length === 32 &&
      /^[0-9]+$/.test(section.dataset.index || "") && /^[0-9]+$/.test(section.dataset.size || "");
    const computed = !wellFormed ? null : await merkleRoot(item, index, size, path,
      (i, side, hash) => {
        if (results[i + 1]) results[i + 1].textContent = K.bytesToHex(hash);
        if (i >= 0 && sides[i]) sides[i].textContent = side;
      });
    document.getElementById("merkle-computed").textContent = computed ? K.bytesToHex(computed) : "(the path does not reach a root)";
    const ok = computed !== null && K.equalBytes(computed, root);
    K.verdict(document.getElementById("merkle-verdict"), ok,
      ok ? "verified: the transaction is in the block whose header holds this root"
         : "not verified: this path does not lead to the header's Merkle root");
  }

  function bit(key, d) { return (key[d >> 3] >> (7 - (d & 7))) & 1; }

  // A whole number in 0 ..< 2^64 written in decimal, as BigInt, else null.
  function uint64(text) {
    if (typeof text !== "string" || !/^[0-9]{1,20}$/.test(text)) return null;
    const v = BigInt(text);
    return v < (1n << 64n) ? v : null;
  }

  // StateProof.verify (section 10.4). Any data attribute missing or malformed fails the check.
  async function stateRoot(section, siblings) {
    const d0 = section.dataset;
    const key = typeof d0.key === "string" ? K.hexToBytes(d0.key) : null;
    const n = siblings.length;
    if (!key || key.length !== 20 || n > 160 || siblings.includes(null)) return null;
    // The terminal's account: present and well formed for `account` and `otherLeaf`.
    const balance = uint64(d0.balance), nonce = uint64(d0.nonce);
    // A contract's leaf (tag 02) also holds its code hash and storage root (section 10.2).
    const hash32 = (text) => { const b = typeof text === "string" && text !== "" ? K.hexToBytes(text) : null; return b && b.length === 32 ? b : null; };
    const isContract = typeof d0.codeHash === "string" && d0.codeHash !== "";
    const codeHash = hash32(d0.codeHash), storageRoot = hash32(d0.storageRoot);
    if (isContract && (!codeHash || !storageRoot)) return null;
    const leaf = (k) => isContract
      ? K.sha256(K.concat([2], k, K.uint(d0.balance, 8), K.uint(d0.nonce, 8), codeHash, storageRoot))
      : K.sha256(K.concat([0], k, K.uint(d0.balance, 8), K.uint(d0.nonce, 8)));
    const nonEmpty = balance !== null && nonce !== null && (balance !== 0n || nonce !== 0n || isContract);
    let h;
    const kind = d0.kind;
    if (kind === "account") {
      if (!nonEmpty) return null;
      h = await leaf(key);
    } else if (kind === "empty") {
      h = EMPTY;
    } else if (kind === "otherLeaf") {
      // Another key's leaf on the same path proves absence only if it holds a non-empty account.
      if (!nonEmpty || typeof d0.leafKey !== "string") return null;
      const k2 = K.hexToBytes(d0.leafKey);
      if (!k2 || k2.length !== 20 || K.equalBytes(k2, key)) return null;
      for (let d = 0; d < n; d++) if (bit(k2, d) !== bit(key, d)) return null;
      h = await leaf(k2);
    } else {
      return null;
    }
    for (let d = n - 1; d >= 0; d--) {
      h = bit(key, d) === 1 ? await node(siblings[d], h) : await node(h, siblings[d]);
    }
    return h;
  }

  async function checkState(section) {
    const siblings = Array.from(section.querySelectorAll("input.proof-hash"))
      .map(i => { const b = K.hexToBytes(i.value.trim()); return b && b.length === 32 ? b : null; });
    const computed = await stateRoot(section, siblings);
    const root = typeof section.dataset.root === "string" ? K.hexToBytes(section.dataset.root) : null;
    document.getElementById("state-computed").textContent = computed ? K.bytesToHex(computed) : "(the proof is malformed)";
    const ok = computed !== null && root !== null && root.length === 32 && K.equalBytes(computed, root);
    K.verdict(document.getElementById("state-verdict"), ok,
      ok ? "verified: the header's state root commits to this balance and nonce"
         : "not verified: this proof does not lead to the header's state root");
  }

  function wire(section, check) {
    if (!section || !K.hasCrypto) return;
    const run = K.serial(() => check(section).catch(e => K.verdict(section.querySelector(".verdict"), false, "not verified: " + e.message)));
    for (const input of section.querySelectorAll("input.proof-hash")) input.addEventListener("input", run);
    run();
  }

  document.addEventListener("DOMContentLoaded", function () {
    wire(document.getElementById("merkle"), checkMerkle);
    wire(document.getElementById("state-proof"), checkState);
  });
})();
