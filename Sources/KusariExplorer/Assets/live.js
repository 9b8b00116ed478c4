// Live updates: listens to the node's server-sent events (/v1/events) and, when
// an event the page cares about arrives, fetches this same page again and swaps
// in its #live region, so every value stays the server-rendered, escaped one.
// A page asks for the events it cares about (data-live) and may ask for fewer
// refreshes (data-live-every, in milliseconds; one a second by default).
// On the chain page, a reorganisation highlights the blocks taken off.
"use strict";
(function () {
  const K = window.Kusari;
  let pending = false, again = false, timer = null, lastStart = 0, bannerText = "";
  // A reorganisation not yet shown: the event, and the best-chain blocks the page showed when it arrived.
  let reorg = null;
  // The best-chain blocks shown before the latest swap (for an event that arrives after the page already moved on).
  let priorBest = new Set();
  const takenOff = new Set();

  function bestIds() {
    return new Set(Array.from(document.querySelectorAll(".tree-block.best")).map(a => a.dataset.id));
  }

  function region() { return document.getElementById("live"); }

  function every() {
    const r = region(), n = r ? Number(r.dataset.liveEvery) : NaN;
    return Number.isFinite(n) && n >= 1000 ? n : 1000;
  }

  // At most one refresh in flight and at most one started per `every()` milliseconds;
  // events that come meanwhile cost one more refresh.
  function schedule() {
    if (pending) { again = true; return; }
    if (timer !== null) return;
    const wait = Math.max(0, lastStart + every() - Date.now());
    timer = setTimeout(function () { timer = null; refresh(); }, wait);
  }

  async function refresh() {
    if (pending) { again = true; return; }
    pending = true;
    lastStart = Date.now();
    try {
      const response = await fetch(location.href, { headers: { "Accept": "text/html" } });
      if (!response.ok) return;
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = doc.getElementById("live"), current = region();
      if (!fresh || !current) return;
      priorBest = bestIds();
      current.replaceWith(document.importNode(fresh, true));
      settleReorg();
      showReorg();
      document.dispatchEvent(new CustomEvent("kusari:updated"));
    } catch (e) {
      setStatus("offline");
    } finally {
      pending = false;
      if (again) { again = false; schedule(); }
    }
  }

  // A reorganisation is noted once the page shows its tip on the best chain (a
  // refresh that was already in flight when the event came shows the old chain:
  // the event then waits for the next one). Pages without a tree (no data-tip) just drop it.
  function settleReorg() {
    if (!reorg) return;
    const r = region();
    const tip = r ? r.dataset.tip : undefined;
    if (tip === undefined) { reorg = null; return; }
    if (tip === reorg.event.tip || bestIds().has(reorg.event.tip)) {
      noteReorg(reorg.before, reorg.event);
      reorg = null;
    } else {
      again = true;
    }
  }

  // Blocks that were on the best chain before the reorganisation and are on a side branch now.
  function noteReorg(before, event) {
    let taken = 0;
    for (const a of document.querySelectorAll(".tree-block.side")) {
      if (before.has(a.dataset.id)) { takenOff.add(a.dataset.id); taken++; }
    }
    bannerText = "Reorganisation: " + event.disconnected + " blocks taken off the best chain, " +
      event.connected + " connected; new tip at height " + event.height + ". The blocks taken off are highlighted" +
      (taken ? "." : " (none within the heights shown).");
  }

  function showReorg() {
    for (const a of document.querySelectorAll(".tree-block")) {
      if (takenOff.has(a.dataset.id)) a.classList.add("taken-off");
    }
    const banner = document.getElementById("reorg-banner");
    if (banner && bannerText) { banner.hidden = false; banner.textContent = bannerText; }
  }

  function onReorg(data) {
    let event;
    try { event = JSON.parse(data); } catch (e) { return; }
    if (!event || typeof event.tip !== "string") return;
    const r = region();
    // The best chain as the page shows it now; if the page already shows the new tip, as it showed it before that.
    const showsTip = r && (r.dataset.tip === event.tip || bestIds().has(event.tip));
    const before = reorg ? reorg.before : (showsTip ? priorBest : bestIds());
    reorg = { event: event, before: before };
    if (showsTip) { settleReorg(); showReorg(); }
  }

  function setStatus(text) {
    const el = document.getElementById("live-status");
    if (el) { el.textContent = text; el.classList.toggle("on", text === "live"); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    const r = region();
    if (!r || !window.EventSource) return;
    priorBest = bestIds();
    const wanted = (r.dataset.live || "").split(" ").filter(Boolean);
    const source = new EventSource("/v1/events");
    source.onopen = () => setStatus("live");
    source.onerror = () => setStatus("reconnecting");
    for (const name of wanted) {
      source.addEventListener(name, function (event) {
        if (name === "reorg") onReorg(event.data);
        schedule();
      });
    }
    window.addEventListener("beforeunload", () => source.close());
  });
  if (K) K.refreshLive = refresh;
})();
