// The interactive panels of the /learn pages: hash, block (edit and mine),
// blockchain and distributed (tamper and watch), keys and signatures.
"use strict";
(function () {
  const K = window.Kusari;
  const $ = (id) => document.getElementById(id);

  function hashPanel() {
    const input = $("hash-input"), output = $("hash-output");
    if (!input || !output) return;
    const run = K.serial(async () => { output.textContent = K.bytesToHex(await K.sha256(new TextEncoder().encode(input.value))); });
    input.addEventListener("input", run);
    run();
  }

  function blockPanel() {
    const form = $("block-editor");
    if (!form) return;
    const B = K.block, verdict = $("block-verdict");
    const fields = () => Object.fromEntries(Array.from(form.querySelectorAll("input")).map(i => [i.name, i.value]));
    async function idOf(f) { return K.bytesToHex(await K.sha256d(B.encodeHeader(f))); }
    const update = K.serial(async function () {
      let f = fields(), id;
      try { id = await idOf(f); } catch (e) { K.verdict(verdict, false, "not a header: " + e.message); return; }
      $("header-hex").textContent = K.bytesToHex(B.encodeHeader(f));
      $("block-id").textContent = id;
      const target = B.target(f.bits);
      const prefix = id === form.dataset.originalId ? "as recorded: " : "edited: ";
      if (target === null) { K.verdict(verdict, false, prefix + "bits do not encode a valid target, not a valid block"); return; }
      const meets = B.meets(id, target);
      if (!meets) { K.verdict(verdict, false, prefix + "the id is above the target, not a valid block"); return; }
      // Meeting a target is proof of work only for the bits the chain requires here: the recorded ones,
      // never easier than the network's limit.
      const limit = form.dataset.powLimit || "";
      if (!/^[0-9a-f]{64}$/.test(limit) || target > limit) {
        K.verdict(verdict, false, prefix + "the id meets the target, but these bits are easier than the network allows: not valid proof of work");
      } else if (B.normalBits(f.bits) !== B.normalBits(form.dataset.bits || "")) {
        K.verdict(verdict, false, prefix + "the id meets the target of the edited bits, but the chain requires the recorded bits " +
          form.dataset.bits + " here: not valid proof of work");
      } else {
        K.verdict(verdict, true, prefix + "the id meets the target, valid proof of work");
      }
    });
    form.addEventListener("input", update);
    $("mine").addEventListener("click", async function () {
      const status = $("mine-status"), nonceInput = $("nonce"), f = fields();
      let target;
      try { target = B.target(f.bits); B.encodeHeader(f); } catch (e) { status.textContent = e.message; return; }
      if (target === null) { status.textContent = "bits do not encode a valid target"; return; }
      const started = performance.now(), limit = 30000;
      let nonce = BigInt(/^[0-9]+$/.test(f.nonce) ? f.nonce : "0"), tries = 0;
      this.disabled = true;
      while (performance.now() - started < limit) {
        nonce = (nonce + 1n) % (1n << 64n);
        f.nonce = nonce.toString();
        tries++;
        if (B.meets(await idOf(f), target)) break;
        if (tries % 500 === 0) { status.textContent = "tried " + tries + " nonces…"; await new Promise(r => setTimeout(r, 0)); }
      }
      nonceInput.value = f.nonce;
      this.disabled = false;
      await update();
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      status.textContent = "tried " + tries + " nonces in " + seconds + " s" +
        (B.meets($("block-id").textContent, target) ? ": found one" : ": gave up after 30 s");
    });
    update();
  }

  async function chainRows() {
    const rows = Array.from(document.querySelectorAll(".chain-row"));
    if (rows.length === 0 || !K.block) return;
    const B = K.block;
    const update = K.serial(async function () {
      const tips = [];
      for (const row of rows) tips.push(await B.recomputeRow(Array.from(row.querySelectorAll(".block-card"))));
      const chain = $("chain-verdict");
      if (chain) {
        const broken = document.querySelectorAll(".block-card.tampered").length;
        K.verdict(chain, broken === 0, broken === 0 ? "every block is as recorded and every link holds"
          : broken + " blocks no longer match what the network recorded");
      }
      document.querySelectorAll(".copy[data-name]").forEach((copy, i) => {
        const agree = tips.filter(t => t === tips[i]).length - 1;
        const el = copy.querySelector(".copy-status");
        K.verdict(el, agree === tips.length - 1, agree === tips.length - 1 ? "agrees with every other copy"
          : "disagrees: its tip matches " + agree + " of the other " + (tips.length - 1) + " copies");
      });
    });
    for (const input of document.querySelectorAll(".tx-amount")) input.addEventListener("input", update);
    await update();
  }

  function keysPanel() {
    const gen = $("key-generate");
    if (!gen) return;
    let pair = null, signature = null;
    async function check() {
      if (!pair || !signature) return;
      const ok = await crypto.subtle.verify("Ed25519", pair.publicKey, signature, new TextEncoder().encode($("key-message").value));
      K.verdict($("key-verdict"), ok, ok ? "signature valid for this message" : "signature invalid: the message is not the one signed");
    }
    gen.addEventListener("click", async function () {
      try {
        pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]);
        $("key-public").textContent = K.bytesToHex(new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey)));
        signature = null;
        $("key-signature").textContent = "(not signed yet)";
        K.verdict($("key-verdict"), null, "key made; now sign the message");
      } catch (e) { K.verdict($("key-verdict"), false, "this browser's Web Crypto has no Ed25519: " + e.message); }
    });
    $("key-sign").addEventListener("click", async function () {
      if (!pair) { K.verdict($("key-verdict"), null, "make a key pair first"); return; }
      signature = new Uint8Array(await crypto.subtle.sign("Ed25519", pair.privateKey, new TextEncoder().encode($("key-message").value)));
      $("key-signature").textContent = K.bytesToHex(signature);
      await check();
    });
    $("key-message").addEventListener("input", check);
  }

  async function realSignature() {
    const section = $("tx-signature");
    if (!section || !section.dataset.raw) return;
    const raw = K.hexToBytes(section.dataset.raw);
    // Section 6.2: the tag, then every byte of the encoding but the 64-byte signature.
    const payload = K.concat(new TextEncoder().encode("KUSARI/TX/V1"), raw.slice(0, raw.length - 64));
    const signature = raw.slice(raw.length - 64);
    try {
      const key = await crypto.subtle.importKey("raw", K.hexToBytes(section.dataset.publicKey), { name: "Ed25519" }, false, ["verify"]);
      const ok = K.bytesToHex(signature) === section.dataset.signature &&
        await crypto.subtle.verify("Ed25519", key, signature, payload);
      K.verdict($("tx-verdict"), ok, ok ? "verified: the sender's key signed exactly these bytes" : "not verified");
    } catch (e) { K.verdict($("tx-verdict"), false, "not checked: this browser's Web Crypto has no Ed25519 (" + e.message + ")"); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!K.hasCrypto) return;
    hashPanel();
    blockPanel();
    chainRows();
    keysPanel();
    realSignature();
  });
})();
