// Live updates: listens to the node's server-sent events (/v1/events) and, when
// an event the page cares about arrives, fetches this same page again and swaps
// in its #live region, so every value stays the server-rendered, escaped one.
// On the chain page, a reorganisation highlights the blocks taken off.
"use strict";
(function () {
  const K = window.Kusari;
  let pending = false, again = false, lastReorg = null, bannerText = "";
  const takenOff = new Set();

  function bestIds() {
    return new Set(Array.from(document.querySelectorAll(".tree-block.best")).map(a => a.dataset.id));
  }

  async function refresh() {
    if (pending) { again = true; return; }
    pending = true;
    try {
      const before = bestIds();
      const response = await fetch(location.href, { headers: { "Accept": "text/html" } });
      if (!response.ok) return;
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = doc.getElementById("live"), current = document.getElementById("live");
      if (!fresh || !current) return;
      current.replaceWith(document.importNode(fresh, true));
      if (lastReorg) { noteReorg(before, lastReorg); lastReorg = null; }
      showReorg();
      document.dispatchEvent(new CustomEvent("kusari:updated"));
    } catch (e) {
      setStatus("offline");
    } finally {
      pending = false;
      // Events that came meanwhile cost one more refresh, at most one a second.
      if (again) { again = false; setTimeout(refresh, 1000); }
    }
  }

  // Blocks that were on the best chain before the reorganisation and are on a side branch now.
  function noteReorg(before, reorg) {
    let taken = 0;
    for (const a of document.querySelectorAll(".tree-block.side")) {
      if (before.has(a.dataset.id)) { takenOff.add(a.dataset.id); taken++; }
    }
    bannerText = "Reorganisation: " + reorg.disconnected + " blocks taken off the best chain, " +
      reorg.connected + " connected; new tip at height " + reorg.height + ". The blocks taken off are highlighted" +
      (taken ? "." : " (none within the heights shown).");
  }

  function showReorg() {
    for (const a of document.querySelectorAll(".tree-block")) {
      if (takenOff.has(a.dataset.id)) a.classList.add("taken-off");
    }
    const banner = document.getElementById("reorg-banner");
    if (banner && bannerText) { banner.hidden = false; banner.textContent = bannerText; }
  }

  function setStatus(text) {
    const el = document.getElementById("live-status");
    if (el) { el.textContent = text; el.classList.toggle("on", text === "live"); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    const region = document.getElementById("live");
    if (!region || !window.EventSource) return;
    const wanted = (region.dataset.live || "").split(" ");
    const source = new EventSource("/v1/events");
    source.onopen = () => setStatus("live");
    source.onerror = () => setStatus("reconnecting");
    for (const name of wanted) {
      source.addEventListener(name, function (event) {
        if (name === "reorg") {
          try { lastReorg = JSON.parse(event.data); } catch (e) { lastReorg = null; }
        }
        refresh();
      });
    }
    window.addEventListener("beforeunload", () => source.close());
  });
  if (K) K.refreshLive = refresh;
})();
