"""The explorer in headless Chromium against a real mining node with transfers
(fixtures in conftest.py): live updates, search, tamper evidence, proofs checked
in the page, 404 pages, escaping, and no JavaScript errors on any page."""
import json
import urllib.error
import urllib.request

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import INSECURE_HOST, MEMO, get_json, run

WAIT = 30


def wait(driver, seconds=WAIT):
    # Live pages swap their #live region: an element found a moment ago may be gone.
    return WebDriverWait(driver, seconds, ignored_exceptions=[StaleElementReferenceException])


def text_of(driver, element_id):
    """An element's text, read in one script call (immune to the live region being swapped meanwhile)."""
    return driver.execute_script("const e = document.getElementById(arguments[0]); return e ? e.textContent.trim() : null;",
                                 element_id)


def verdict_is(element_id, prefix):
    return lambda d: d.find_element(By.ID, element_id).text.startswith(prefix)


def set_value(driver, element, value):
    """Types a new value into an input the way a user does (clear, type): fires input events."""
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(value)


def severe_logs(driver):
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def status_of(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def test_dashboard_shows_the_tip_and_updates_live(chain, browser):
    # The node mines a block a second: read its height before the page is rendered,
    # so the page can only show that height or a later one (never compare with a later read).
    before = get_json(chain.base, "/v1/status")["height"]
    browser.get(chain.base + "/")
    shown = int(text_of(browser, "height"))
    assert shown >= before
    shown, tip_link = browser.execute_script(
        "return [Number(document.getElementById('height').textContent), document.getElementById('tip').href];")
    assert get_json(chain.base, "/v1/blocks/" + tip_link.rsplit("/", 1)[1])["height"] == shown
    wait(browser).until(lambda d: text_of(d, "live-status") == "live")
    browser.execute_script("window.__notReloaded = true;")
    wait(browser, 60).until(lambda d: int(text_of(d, "height")) > shown)
    assert browser.execute_script("return window.__notReloaded === true;"), "the page was reloaded"
    new_height = int(text_of(browser, "height"))
    assert get_json(chain.base, f"/v1/blocks/{new_height}")["height"] == new_height


def search(browser, base, query):
    browser.get(base + "/")
    box = browser.find_element(By.ID, "search")
    box.send_keys(query)
    box.send_keys(Keys.ENTER)


def test_search_finds_a_block_a_transaction_and_an_address(chain, browser):
    search(browser, chain.base, str(chain.tx_height))
    wait(browser).until(EC.url_to_be(f"{chain.base}/block/{chain.tx_height}"))
    assert text_of(browser, "block-id") == chain.tx_block
    search(browser, chain.base, chain.tx_block)
    wait(browser).until(EC.url_to_be(f"{chain.base}/block/{chain.tx_block}"))
    search(browser, chain.base, chain.tx_ids[0])
    wait(browser).until(EC.url_to_be(f"{chain.base}/tx/{chain.tx_ids[0]}"))
    assert text_of(browser, "tx-id") == chain.tx_ids[0]
    search(browser, chain.base, chain.bob)
    wait(browser).until(EC.url_to_be(f"{chain.base}/account/{chain.bob}"))
    assert text_of(browser, "account-address") == chain.bob


def test_unknown_ids_and_garbage_give_404_pages(chain, browser):
    zeros = "0" * 64
    for path in (f"/block/{zeros}", "/block/99999999", f"/tx/{zeros}", "/tx/nonsense", "/account/ksrt1nothing",
                 "/search?q=nonsense", f"/search?q={zeros}", "/no/such/page"):
        assert status_of(chain.base + path) == 404, path
        browser.get(chain.base + path)
        assert browser.find_element(By.TAG_NAME, "h1").text.startswith("404"), path


def test_tamper_panel_turns_the_edited_block_and_every_later_one_red(chain, browser):
    start = chain.tx_height - 1
    browser.get(f"{chain.base}/learn/blockchain?from={start}")
    wait(browser).until(verdict_is("chain-verdict", "every block is as recorded"))
    cards = browser.find_elements(By.CSS_SELECTOR, ".block-card")
    heights = [int(c.get_attribute("data-height")) for c in cards]
    assert heights[0] == start and chain.tx_height in heights and len(heights) >= 3
    edited = heights.index(chain.tx_height)
    amount = cards[edited].find_element(By.CSS_SELECTOR, ".tx-amount")
    set_value(browser, amount, "999999")
    wait(browser).until(lambda d: "tampered" in d.find_elements(By.CSS_SELECTOR, ".block-card")[-1].get_attribute("class"))
    classes = [c.get_attribute("class") for c in browser.find_elements(By.CSS_SELECTOR, ".block-card")]
    assert all("tampered" not in c for c in classes[:edited]), classes
    assert all("tampered" in c for c in classes[edited:]), classes
    assert text_of(browser, "chain-verdict").startswith(f"{len(classes) - edited} blocks no longer match")


def test_distributed_copy_disagrees_after_tampering(chain, browser):
    browser.get(f"{chain.base}/learn/distributed?from={chain.tx_height - 1}")
    copies = browser.find_elements(By.CSS_SELECTOR, ".copy[data-name]")
    assert len(copies) == 3
    wait(browser).until(lambda d: all(s.text == "agrees with every other copy"
                                      for s in d.find_elements(By.CSS_SELECTOR, ".copy-status")))
    set_value(browser, copies[1].find_element(By.CSS_SELECTOR, ".tx-amount"), "5")
    wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".copy-status")[1].text.startswith("disagrees"))
    statuses = [s.text for s in browser.find_elements(By.CSS_SELECTOR, ".copy-status")]
    assert statuses[1] == "disagrees: its tip matches 0 of the other 2 copies", statuses


def test_merkle_proof_verified_and_not_verified_when_a_byte_changes(chain, browser):
    browser.get(f"{chain.base}/tx/{chain.tx_ids[3]}")
    wait(browser).until(verdict_is("merkle-verdict", "verified"))
    assert text_of(browser, "merkle-computed") == text_of(browser, "merkle-root")
    sibling = browser.find_elements(By.CSS_SELECTOR, "#merkle input.proof-hash")
    assert sibling, "a block of four transactions gives a proof with siblings"
    original = sibling[0].get_attribute("value")
    changed = ("1" if original[0] != "1" else "2") + original[1:]
    set_value(browser, sibling[0], changed)
    wait(browser).until(verdict_is("merkle-verdict", "not verified"))
    set_value(browser, sibling[0], original)
    wait(browser).until(verdict_is("merkle-verdict", "verified"))


def test_state_proof_verified_and_not_verified_when_a_byte_changes(chain, browser):
    browser.get(f"{chain.base}/account/{chain.bob}")
    wait(browser).until(verdict_is("state-verdict", "verified"))
    siblings = browser.find_elements(By.CSS_SELECTOR, "#state-proof input.proof-hash")
    assert siblings
    original = siblings[-1].get_attribute("value")
    set_value(browser, siblings[-1], original[:-1] + ("0" if original[-1] != "0" else "1"))
    wait(browser).until(verdict_is("state-verdict", "not verified"))


def fresh_addresses_by_terminal(chain, tries=16):
    """Never-used addresses, one per absence terminal (`empty`, `otherLeaf`) among `tries` new keys."""
    found = {}
    for i in range(tries):
        address = json.loads(run("keys", "new", "--out", str(chain.work / f"fresh-{i}.key")))["address"]
        kind = get_json(chain.base, f"/v1/accounts/{address}")["proof"]["terminal"]["kind"]
        assert kind in ("empty", "otherLeaf"), kind
        found.setdefault(kind, address)
        if len(found) == 2:
            break
    return found


def test_absence_proof_of_a_never_used_address(chain, browser):
    browser.get_log("browser")  # drop what earlier tests left
    found = fresh_addresses_by_terminal(chain)
    assert found, "a new key has no account: its proof is one of absence"
    for kind, address in found.items():
        browser.get(f"{chain.base}/account/{address}")
        assert browser.find_element(By.ID, "state-proof").get_attribute("data-kind") == kind
        wait(browser).until(verdict_is("state-verdict", "verified"))
        siblings = browser.find_elements(By.CSS_SELECTOR, "#state-proof input.proof-hash")
        assert siblings, "several accounts exist: the root is an inner node"
        original = siblings[0].get_attribute("value")
        set_value(browser, siblings[0], ("1" if original[0] != "1" else "2") + original[1:])
        wait(browser).until(verdict_is("state-verdict", "not verified"))
        set_value(browser, siblings[0], original)
        wait(browser).until(verdict_is("state-verdict", "verified"))
        if kind == "otherLeaf":
            # Another key's leaf holding an empty account proves nothing (section 10.4): refused.
            # Empty means no code too: a contract's leaf (the chain may hold the contract tests' token) is never empty.
            browser.execute_script("const s = document.getElementById('state-proof');"
                                   "s.dataset.balance = '0'; s.dataset.nonce = '0'; s.dataset.codeHash = ''; s.dataset.storageRoot = '';")
            set_value(browser, siblings[0], original)
            wait(browser).until(verdict_is("state-verdict", "not verified"))
        # A missing attribute fails the check rather than throwing.
        browser.get(f"{chain.base}/account/{address}")
        wait(browser).until(verdict_is("state-verdict", "verified"))
        browser.execute_script("delete document.getElementById('state-proof').dataset.key;")
        siblings = browser.find_elements(By.CSS_SELECTOR, "#state-proof input.proof-hash")
        set_value(browser, siblings[0], siblings[0].get_attribute("value"))
        wait(browser).until(verdict_is("state-verdict", "not verified"))
    assert not severe_logs(browser)


def test_memo_holding_html_is_shown_as_text(chain, browser):
    browser.get(f"{chain.base}/tx/{chain.memo_tx}")
    memo = browser.find_element(By.ID, "memo")
    assert memo.text == MEMO
    assert not memo.find_elements(By.TAG_NAME, "img") and not memo.find_elements(By.TAG_NAME, "script")
    assert not EC.alert_is_present()(browser)


def test_keys_sign_verify_and_a_real_signature(chain, browser):
    browser.get(f"{chain.base}/learn/keys?tx={chain.tx_ids[1]}")
    wait(browser).until(verdict_is("tx-verdict", "verified"))
    browser.find_element(By.ID, "key-generate").click()
    wait(browser).until(lambda d: len(text_of(d, "key-public")) == 64)
    browser.find_element(By.ID, "key-sign").click()
    wait(browser).until(verdict_is("key-verdict", "signature valid"))
    browser.find_element(By.ID, "key-message").send_keys("!")
    wait(browser).until(verdict_is("key-verdict", "signature invalid"))


def test_block_page_recomputes_the_id_and_mines(chain, browser):
    browser.get(f"{chain.base}/learn/block?ref={chain.tx_block}")
    wait(browser).until(verdict_is("block-verdict", "as recorded: the id meets the target"))
    assert text_of(browser, "block-id") == chain.tx_block
    timestamp = browser.find_element(By.NAME, "timestamp")
    set_value(browser, timestamp, str(int(timestamp.get_attribute("value")) + 1))
    wait(browser).until(lambda d: text_of(d, "block-id") != chain.tx_block)
    browser.find_element(By.ID, "mine").click()
    wait(browser, 60).until(lambda d: "found one" in text_of(d, "mine-status"))
    assert text_of(browser, "block-verdict").startswith("edited: the id meets the target")


def test_block_page_claims_proof_of_work_only_for_the_recorded_bits(chain, browser):
    browser.get(f"{chain.base}/learn/block?ref={chain.tx_block}")
    wait(browser).until(verdict_is("block-verdict", "as recorded: the id meets the target, valid proof of work"))
    bits = browser.find_element(By.NAME, "bits")
    recorded = bits.get_attribute("value")
    limit = browser.find_element(By.ID, "block-editor").get_attribute("data-pow-limit")
    assert len(limit) == 64, limit
    # A zero target (section 13.1) is refused, also by the miner.
    set_value(browser, bits, "0x00000000")
    wait(browser).until(lambda d: "bits do not encode a valid target" in text_of(d, "block-verdict"))
    browser.find_element(By.ID, "mine").click()
    wait(browser).until(lambda d: text_of(d, "mine-status") == "bits do not encode a valid target")
    # Easier than the network's limit: the id meets it, and still no proof of work.
    set_value(browser, bits, "0x2100ffff")
    wait(browser).until(lambda d: "easier than the network allows: not valid proof of work" in text_of(d, "block-verdict"))
    # Other bits than the recorded ones (one step harder: the id may still meet them): not valid here either.
    value = int(recorded, 16)
    set_value(browser, bits, "0x%08x" % (value - 1))
    wait(browser).until(lambda d: text_of(d, "block-verdict").endswith(("not valid proof of work", "not a valid block")))
    if int(text_of(browser, "block-id"), 16) <= int(browser.execute_script("return window.Kusari.block.target(arguments[0]);",
                                                                            "0x%08x" % (value - 1)), 16):
        assert "the chain requires the recorded bits" in text_of(browser, "block-verdict")
    set_value(browser, bits, recorded)
    wait(browser).until(verdict_is("block-verdict", "as recorded: the id meets the target, valid proof of work"))


def test_hash_page_updates_on_every_keystroke(chain, browser):
    browser.get(f"{chain.base}/learn/hash")
    box = browser.find_element(By.ID, "hash-input")
    set_value(browser, box, "abc")
    wait(browser).until(lambda d: text_of(d, "hash-output") ==
                        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")


def test_no_javascript_errors_on_any_page(chain, browser):
    browser.get_log("browser")  # drop what earlier tests left
    pages = ["/", f"/block/{chain.tx_height}", f"/block/{chain.tx_block}", f"/tx/{chain.tx_ids[0]}",
             f"/account/{chain.bob}", f"/account/{chain.faucet}", f"/account/{chain.miner}", "/mempool", "/chain",
             "/network", "/learn", "/learn/hash", "/learn/block", f"/learn/blockchain?from={chain.tx_height - 1}",
             "/learn/distributed", "/learn/tokens", f"/learn/tokens?address={chain.bob}", "/learn/keys"]
    for path in pages:
        browser.get(chain.base + path)
        wait(browser).until(lambda d: d.execute_script("return document.readyState") == "complete")
        # Let the in-page checks finish before reading the log.
        wait(browser).until(lambda d: all(not v.text.startswith("not checked")
                                          for v in d.find_elements(By.CSS_SELECTOR, ".verdict")))
        errors = severe_logs(browser)
        assert not errors, f"{path}: {errors}"
        for verdict in browser.find_elements(By.CSS_SELECTOR, ".verdict"):
            assert "not verified" not in verdict.text and "cannot run" not in verdict.text, f"{path}: {verdict.text}"


def test_pages_read_over_plain_http_from_another_host_and_say_what_cannot_run(chain, browser):
    insecure = chain.base.replace("127.0.0.1", INSECURE_HOST)
    browser.get_log("browser")
    browser.get(f"{insecure}/tx/{chain.tx_ids[3]}")
    assert browser.execute_script("return window.isSecureContext") is False
    wait(browser).until(lambda d: d.find_element(By.ID, "crypto-note").is_displayed())
    assert text_of(browser, "merkle-verdict").startswith("cannot run here: needs Web Crypto")
    assert text_of(browser, "tx-id") == chain.tx_ids[3]
    assert browser.find_element(By.ID, "memo").text == "none"
    browser.get(f"{insecure}/account/{chain.bob}")
    wait(browser).until(lambda d: d.find_element(By.ID, "crypto-note").is_displayed())
    assert text_of(browser, "state-verdict").startswith("cannot run here")
    assert text_of(browser, "account-address") == chain.bob
    browser.get(f"{insecure}/learn/blockchain?from={chain.tx_height - 1}")
    wait(browser).until(lambda d: d.find_element(By.ID, "crypto-note").is_displayed())
    assert text_of(browser, "chain-verdict").startswith("cannot run here")
    browser.get(f"{insecure}/")
    wait(browser).until(lambda d: text_of(d, "live-status") == "live")
    assert not severe_logs(browser)


FAKE_EVENTS = """
(function () {
  // The test drives the page's events itself, and can hold a refresh in flight and answer it with an old page.
  class FakeEventSource {
    constructor() { this.listeners = {}; window.__source = this; setTimeout(() => this.onopen && this.onopen(), 0); }
    addEventListener(name, fn) { (this.listeners[name] = this.listeners[name] || []).push(fn); }
    close() {}
    emit(name, data) { (this.listeners[name] || []).forEach(fn => fn({ data: data })); }
  }
  window.EventSource = FakeEventSource;
  const realFetch = window.fetch.bind(window);
  window.__fetches = 0;
  window.fetch = async function (...args) {
    window.__fetches++;
    const hold = window.__hold;
    if (hold) {
      await hold;
      return new Response(window.__stale, { status: 200, headers: { "Content-Type": "text/html" } });
    }
    return realFetch(...args);
  };
})();
"""


def test_reorg_seen_while_a_refresh_is_in_flight_waits_for_the_new_tip(chain, browser):
    script = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": FAKE_EVENTS})["identifier"]
    try:
        browser.get(f"{chain.base}/chain")
        old_tip = browser.execute_script("return document.getElementById('live').dataset.tip;")
        browser.execute_script("""
            window.__stale = document.documentElement.outerHTML;
            let release; window.__hold = new Promise(r => { release = r; });
            window.__release = () => { window.__hold = null; release(); };
            window.__updates = [];
            document.addEventListener("kusari:updated", () => window.__updates.push({
              tip: document.getElementById("live").dataset.tip, hidden: document.getElementById("reorg-banner").hidden }));""")
        # The node moves on; a refresh starts and is held in flight (it will answer with the page as it was).
        new = wait(browser, 60).until(lambda d: (lambda s: s if s["tip"] != old_tip else None)(get_json(chain.base, "/v1/status")))
        browser.execute_script("window.__source.emit('block', '{}');")
        wait(browser).until(lambda d: d.execute_script("return window.__fetches;") >= 1)
        # The reorganisation event arrives meanwhile, naming the node's new tip.
        event = json.dumps({"disconnected": 1, "connected": 1, "height": new["height"], "tip": new["tip"]})
        browser.execute_script("window.__source.emit('reorg', arguments[0]); window.__release();", event)
        # The old page lands first: the reorganisation is not shown on it, but kept; the next refresh shows it.
        wait(browser).until(lambda d: any(not u["hidden"] for u in d.execute_script("return window.__updates;")))
        updates = browser.execute_script("return window.__updates;")
        assert updates[0] == {"tip": old_tip, "hidden": True}, updates
        assert text_of(browser, "reorg-banner").startswith("Reorganisation: 1 blocks taken off")
    finally:
        browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script})
        browser.get("about:blank")
