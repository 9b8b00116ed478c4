// Blocks as docs/protocol.md encodes them, rebuilt in the browser: the 148-byte
// header (section 7), block ids (SHA-256d), transaction ids (SHA-256 of the
// encoding, section 6.3) and the Merkle root over them (section 9.1).
"use strict";
(function () {
  const K = window.Kusari;
  const B = {};
  K.block = B;

  // Header fields (strings as shown on the page) to the 148 header bytes; throws on a bad field.
  B.encodeHeader = function (f) {
    const hash = (name, hex) => {
      const b = K.hexToBytes(hex.trim());
      if (!b || b.length !== 32) throw new RangeError(name + ": expected 64 hex digits");
      return b;
    };
    const payload = K.hexToBytes(f.beneficiary.trim());
    if (!payload || payload.length !== 20) throw new RangeError("beneficiary: expected 40 hex digits");
    const bits = f.bits.trim().replace(/^0x/, "");
    if (!/^[0-9a-fA-F]{1,8}$/.test(bits)) throw new RangeError("bits: expected 8 hex digits");
    const num = (name, v, size) => {
      if (!/^[0-9]+$/.test(String(v).trim())) throw new RangeError(name + ": expected a whole number");
      return K.uint(String(v).trim(), size);
    };
    return K.concat(num("version", f.version, 4), num("height", f.height, 8), hash("previous id", f.previousId),
      hash("Merkle root", f.merkleRoot), hash("state root", f.stateRoot), num("timestamp", f.timestamp, 8),
      K.uint(BigInt("0x" + bits), 4), payload, num("nonce", f.nonce, 8));
  };

  // The target a compact `bits` value encodes, as 64 hex digits, or null when section 13.1
  // refuses the bits (negative, overflowing, or a zero target that no block hash can meet).
  B.target = function (bitsHex) {
    const text = String(bitsHex).trim().replace(/^0x/, "");
    if (!/^[0-9a-fA-F]{1,8}$/.test(text)) return null;
    const bits = Number(BigInt("0x" + text));
    const size = bits >>> 24;
    let word = bits & 0x007fffff;
    if (size <= 3) word = word >>> (8 * (3 - size));
    if (word !== 0 && (bits & 0x00800000)) return null;
    if (word !== 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32))) return null;
    const t = size <= 3 ? BigInt(word) : BigInt(word) << BigInt(8 * (size - 3));
    if (t === 0n || t >= (1n << 256n)) return null;
    return t.toString(16).padStart(64, "0");
  };

  // The bits as 8 lowercase hex digits (for comparing an edited value with the recorded one), or null.
  B.normalBits = function (bitsHex) {
    const text = String(bitsHex).trim().replace(/^0x/, "").toLowerCase();
    return /^[0-9a-f]{1,8}$/.test(text) ? text.padStart(8, "0") : null;
  };

  // Whether an id (hex, read big-endian) is at most the target (hex).
  B.meets = function (idHex, targetHex) { return targetHex !== null && idHex <= targetHex; };

  // A transaction's encoding with its amount (offset 64, 8 bytes) replaced.
  // The amount sits after chain id, public key, nonce and recipient in a transfer (section 6.1, byte 64);
  // a typed transaction (section 6.5: chain id 0, then a kind byte) puts the kind and its chain id first,
  // and a deploy has no recipient (byte 49), a call has one (byte 69).
  B.amountOffset = function (raw) {
    const typed = raw.length > 4 && raw[0] === 0 && raw[1] === 0 && raw[2] === 0 && raw[3] === 0;
    return !typed ? 64 : raw[4] === 1 ? 49 : 69;
  };

  B.withAmount = function (raw, amount) {
    const out = raw.slice();
    out.set(K.uint(amount, 8), B.amountOffset(raw));
    return out;
  };

  // RFC 6962 Merkle tree hash over transaction ids, level by level (section 9.1).
  B.merkleRoot = async function (ids) {
    if (ids.length === 0) return K.sha256(new Uint8Array(0));
    let level = [];
    for (const id of ids) level.push(await K.sha256(K.concat([0], id)));
    while (level.length > 1) {
      const next = [];
      for (let i = 0; i < level.length; i += 2) {
        next.push(i + 1 < level.length ? await K.sha256(K.concat([1], level[i], level[i + 1])) : level[i]);
      }
      level = next;
    }
    return level[0];
  };

  // Recomputes a row of block cards in order: each transaction id from its
  // (possibly edited) amount, the Merkle root, then the header with the previous
  // card's recomputed id as its previous id, and the block id. A card turns red
  // when its id is no longer the one recorded; its link when its previous id
  // no longer matches. Returns the last card's recomputed id (hex).
  B.recomputeRow = async function (cards) {
    let previous = null;
    for (const card of cards) {
      const d = card.dataset;
      let ids = [];
      for (const tx of card.querySelectorAll(".tx")) {
        const raw = K.hexToBytes(tx.dataset.raw);
        const input = tx.querySelector(".tx-amount");
        let bytes = raw;
        if (input && /^[0-9]+$/.test(input.value) && BigInt(input.value) < (1n << 64n)) bytes = B.withAmount(raw, input.value);
        const id = await K.sha256(bytes);
        ids.push(id);
        const idHex = K.bytesToHex(id);
        tx.querySelector(".f-txid").textContent = idHex;
        tx.classList.toggle("tampered", idHex !== tx.dataset.id);
      }
      const merkle = K.bytesToHex(await B.merkleRoot(ids));
      const prevId = previous === null ? d.previousId : previous;
      const header = B.encodeHeader({ version: d.version, height: d.height, previousId: prevId, merkleRoot: merkle,
        stateRoot: d.stateRoot, timestamp: d.timestamp, bits: d.bits, beneficiary: d.beneficiary, nonce: d.nonce });
      const id = K.bytesToHex(await K.sha256d(header));
      card.querySelector(".f-merkle").textContent = merkle;
      card.querySelector(".f-prev").textContent = prevId;
      card.querySelector(".f-id").textContent = id;
      const changed = id !== d.id;
      card.classList.toggle("tampered", changed);
      card.querySelector(".link").classList.toggle("tampered", prevId !== d.previousId);
      card.querySelector(".f-merkle").classList.toggle("tampered", merkle !== d.merkleRoot);
      card.querySelector(".card-status").textContent = changed
        ? (B.meets(id, d.target) ? "changed: no longer the recorded block" : "changed: id above the target, no valid proof of work")
        : "as recorded";
      previous = id;
    }
    return previous;
  };
})();
