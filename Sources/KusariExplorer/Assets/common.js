// Shared helpers of the explorer's pages: hex, SHA-256 through Web Crypto,
// and the notice shown where Web Crypto is missing (not a secure context).
"use strict";
(function () {
  const K = {};
  window.Kusari = K;

  K.hexToBytes = function (hex) {
    if (typeof hex !== "string" || hex.length % 2 !== 0 || /[^0-9a-fA-F]/.test(hex)) return null;
    const out = new Uint8Array(hex.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
    return out;
  };

  K.bytesToHex = function (bytes) {
    let s = "";
    for (const b of bytes) s += b.toString(16).padStart(2, "0");
    return s;
  };

  K.concat = function (...parts) {
    const total = parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  };

  // Big-endian unsigned integer of `size` bytes from a decimal string or BigInt.
  K.uint = function (value, size) {
    let v = BigInt(value);
    if (v < 0n || v >= (1n << BigInt(8 * size))) throw new RangeError("out of range");
    const out = new Uint8Array(size);
    for (let i = size - 1; i >= 0; i--) { out[i] = Number(v & 0xffn); v >>= 8n; }
    return out;
  };

  K.hasCrypto = !!(window.isSecureContext && window.crypto && window.crypto.subtle);

  K.sha256 = async function (bytes) {
    return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  };

  K.sha256d = async function (bytes) { return K.sha256(await K.sha256(bytes)); };

  K.equalBytes = function (a, b) {
    if (!a || !b || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  };

  // Wraps an async check so that calls run one after another (typing fast
  // never lets an older result overwrite a newer one).
  K.serial = function (fn) {
    let last = Promise.resolve();
    return function () {
      last = last.then(() => fn()).catch(() => {});
      return last;
    };
  };

  // Marks a verdict element: ok true/false, with its text.
  K.verdict = function (el, ok, text) {
    if (!el) return;
    el.textContent = text;
    el.classList.toggle("ok", ok === true);
    el.classList.toggle("bad", ok === false);
  };

  document.addEventListener("DOMContentLoaded", function () {
    if (!K.hasCrypto) {
      const note = document.getElementById("crypto-note");
      if (note) note.hidden = false;
      for (const el of document.querySelectorAll(".needs-crypto")) {
        el.textContent = "cannot run here: needs Web Crypto, which this browser gives only to secure contexts (https, or http to localhost)";
        el.classList.add("unavailable");
      }
    }
  });
})();
