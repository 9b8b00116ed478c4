// The fairness audit of an auction page, run in the browser on the auction's data
// as the page embeds it (the #auction-json text): the same checks the node ran,
// written again from the rules (docs/protocol.md 19.6), in exact integers
// (BigInt: prices and lots reach 2^62). Editing the JSON runs them again.
"use strict";
(function () {
  function big(v, what) {
    if (typeof v !== "string" || !/^[0-9]+$/.test(v)) throw new Error(what + " is not a whole number");
    return BigInt(v);
  }
  const min = (a, b) => (a < b ? a : b);
  const vol = l => min(l.demand, l.supply);
  const surplus = l => (l.demand > l.supply ? l.demand - l.supply : l.supply - l.demand);

  // The auction with every number a BigInt; throws on malformed data.
  function parse(text) {
    const a = JSON.parse(text);
    if (!a || !Array.isArray(a.fills) || !Array.isArray(a.levels)) throw new Error("fills and levels must be lists");
    const ref = a.reference === null ? null : a.reference === "unknown" ? "unknown" : big(a.reference, "reference");
    return {
      price: big(a.price, "price"), lots: big(a.lots, "lots"), reference: ref,
      fills: a.fills.map((f, i) => {
        if (f.side !== "buy" && f.side !== "sell") throw new Error("fill " + i + ": side must be buy or sell");
        return { order: String(f.order), side: f.side, limit: big(f.limit, "fill " + i + " limit"), lots: big(f.lots, "fill " + i + " lots") };
      }),
      levels: a.levels.map((l, i) => ({ price: big(l.price, "level " + i + " price"), demand: big(l.demand, "level " + i + " demand"),
                                        supply: big(l.supply, "level " + i + " supply") })),
    };
  }

  const sum = list => list.reduce((s, f) => s + f.lots, 0n);

  // The price rule: the highest V; then the least surplus; then market pressure; then the
  // reference; then the lowest. Returns {price, rule}, {none: true} or {needsReference: true}.
  function choose(levels, reference) {
    let most = 0n;
    for (const l of levels) if (vol(l) > most) most = vol(l);
    if (most === 0n) return { none: true };
    const byVolume = levels.filter(l => vol(l) === most);
    if (byVolume.length === 1) return { price: byVolume[0].price, rule: "the highest volume" };
    let least = null;
    for (const l of byVolume) if (least === null || surplus(l) < least) least = surplus(l);
    const bySurplus = byVolume.filter(l => surplus(l) === least);
    if (bySurplus.length === 1) return { price: bySurplus[0].price, rule: "the least surplus" };
    if (bySurplus.every(l => l.demand > l.supply)) return { price: bySurplus[bySurplus.length - 1].price, rule: "buy pressure (the highest)" };
    if (bySurplus.every(l => l.supply > l.demand)) return { price: bySurplus[0].price, rule: "sell pressure (the lowest)" };
    if (reference === "unknown") return { needsReference: true };
    if (reference === null) return { price: bySurplus[0].price, rule: "the lowest (no reference price)" };
    const dist = l => (l.price > reference ? l.price - reference : reference - l.price);
    let nearest = null;
    for (const l of bySurplus) if (nearest === null || dist(l) < nearest) nearest = dist(l);
    const byRef = bySurplus.filter(l => dist(l) === nearest);
    return { price: byRef[0].price, rule: byRef.length === 1 ? "nearest the reference price " + reference : "the lowest" };
  }

  // Every check: id -> [outcome ("pass", "fail", "unknown"), detail].
  function audit(a) {
    const out = {};
    const p = a.price, v = a.lots, L = a.levels;
    out.curves = ["pass", L.length + " candidate prices"];
    if (L.length === 0) out.curves = ["fail", "no candidate prices recorded"];
    for (let i = 1; i < L.length; i++) {
      if (L[i].price <= L[i - 1].price) { out.curves = ["fail", "price " + L[i].price + " does not ascend from " + L[i - 1].price]; break; }
      if (L[i].demand > L[i - 1].demand) { out.curves = ["fail", "demand rises from " + L[i - 1].demand + " to " + L[i].demand + " at " + L[i].price]; break; }
      if (L[i].supply < L[i - 1].supply) { out.curves = ["fail", "supply falls from " + L[i - 1].supply + " to " + L[i].supply + " at " + L[i].price]; break; }
    }
    const outside = a.fills.find(f => (f.side === "buy" ? f.limit < p : f.limit > p));
    out.limits = outside ? ["fail", "order " + outside.order + " (" + outside.side + ", limit " + outside.limit + ") filled at " + p]
                         : ["pass", a.fills.length + " fills, each within its limit at " + p];
    const zero = a.fills.find(f => f.lots === 0n);
    const bought = sum(a.fills.filter(f => f.side === "buy")), sold = sum(a.fills.filter(f => f.side === "sell"));
    out.balance = zero ? ["fail", "order " + zero.order + " has a fill of 0 lots"]
                       : [bought === v && sold === v ? "pass" : "fail", "bought " + bought + ", sold " + sold + ", matched " + v];
    const at = L.find(l => l.price === p);
    out.executable = !at ? ["fail", "the price " + p + " is not one of the candidate prices"]
      : [vol(at) === v ? "pass" : "fail", "D(" + p + ") = " + at.demand + ", S(" + p + ") = " + at.supply + ", min = " + vol(at) + ", matched " + v];
    let best = null;
    for (const l of L) if (best === null || vol(l) > vol(best)) best = l;
    out.maximal = !best ? ["fail", "no candidate prices recorded"]
      : vol(best) > v ? ["fail", "price " + best.price + " would have matched " + vol(best) + " lots, more than " + v]
      : ["pass", "the most any candidate price matches is " + vol(best) + " lots"];
    out.priority = ["pass", "at all " + L.length + " candidate prices"];
    for (const l of L) {
      const buys = sum(a.fills.filter(f => f.side === "buy" && f.limit >= l.price));
      const sells = sum(a.fills.filter(f => f.side === "sell" && f.limit <= l.price));
      if (buys !== min(l.demand, v)) { out.priority = ["fail", "buys with limit ≥ " + l.price + " got " + buys + " lots, not min(" + l.demand + ", " + v + ")"]; break; }
      if (sells !== min(l.supply, v)) { out.priority = ["fail", "sells with limit ≤ " + l.price + " got " + sells + " lots, not min(" + l.supply + ", " + v + ")"]; break; }
    }
    const pick = choose(L, a.reference);
    out.tiebreak = pick.needsReference ? ["unknown", "the tie reaches the reference price, which this page could not find"]
      : pick.none ? ["fail", "no candidate price matches anything"]
      : [pick.price === p ? "pass" : "fail", "the rule picks " + pick.price + ", by " + pick.rule];
    return out;
  }

  function show(section) {
    const rows = Array.from(section.querySelectorAll("tr.check"));
    const verdict = document.getElementById("browser-verdict");
    let results;
    try {
      results = audit(parse(document.getElementById("auction-json").value));
    } catch (e) {
      for (const row of rows) row.querySelector(".browser-result").textContent = "not run";
      window.Kusari.verdict(verdict, false, "Your browser's checks: the data does not read (" + e.message + ")");
      return;
    }
    let failed = 0, unknown = 0;
    for (const row of rows) {
      const [outcome, detail] = results[row.dataset.check] || ["unknown", "no such check"];
      const cell = row.querySelector(".browser-result");
      cell.textContent = "";
      const tag = document.createElement("span");
      tag.className = "tag " + (outcome === "pass" ? "ok" : outcome === "fail" ? "bad" : "warn");
      tag.textContent = outcome === "unknown" ? "cannot tell" : outcome;
      cell.append(tag, " ", detail);
      cell.dataset.outcome = outcome;
      if (outcome === "fail") failed++;
      if (outcome === "unknown") unknown++;
    }
    window.Kusari.verdict(verdict, failed === 0 ? (unknown === 0 ? true : null) : false,
      failed > 0 ? "Your browser's checks: " + failed + " failed." :
      unknown > 0 ? "Your browser's checks: none failed; " + unknown + " could not be decided here." :
      "Your browser's checks: every check passes.");
  }

  document.addEventListener("DOMContentLoaded", function () {
    const section = document.getElementById("audit");
    const data = document.getElementById("auction-json");
    if (!section || !data) return;
    show(section);
    data.addEventListener("input", () => show(section));
  });
})();
