"""A reorganisation seen live on /chain: node A mines alone while the browser
watches its chain page; then B, holding a longer chain, comes back on the address
A keeps dialling, A switches to B's chain, and the page highlights the blocks
taken off without a reload."""
import json
import pathlib
import shutil
import tempfile

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import free_port, get_json, run, start_node, stop_node, wait_until


def test_reorg_highlights_the_blocks_taken_off(browser):
    work = pathlib.Path(tempfile.mkdtemp(prefix="kusari-reorg-"))
    nodes = []
    try:
        miner_a = json.loads(run("keys", "new", "--out", str(work / "a.key")))["address"]
        miner_b = json.loads(run("keys", "new", "--out", str(work / "b.key")))["address"]
        b_p2p = free_port()
        # B mines a chain of 150 blocks, then stops: far more than A, mining one block a second, can make in
        # the minute the test waits (its redial of B backs off meanwhile), so B's chain surely wins.
        b_height = 150
        b, b_line = start_node(work / "b", "--api", "127.0.0.1:0", "--p2p", f"127.0.0.1:{b_p2p}", "--no-discover", "--mine",
                               "--miner-address", miner_b, "--miner-interval", "0.02", "--miner-threads", "1", log=work / "b.log")
        nodes.append(b)
        b_base = "http://" + b_line["api"]
        wait_until(f"b at height {b_height}", lambda: get_json(b_base, "/v1/status")["height"] >= b_height)
        stop_node(b)
        # A mines slowly on its own, dialling B's (closed) address.
        a, a_line = start_node(work / "a", "--api", "127.0.0.1:0", "--peer", f"127.0.0.1:{b_p2p}", "--no-discover", "--mine",
                               "--miner-address", miner_a, "--miner-interval", "1", "--miner-threads", "1", log=work / "a.log")
        nodes.append(a)
        a_base = a_line["explorer"].rstrip("/")
        wait_until("a at height 2", lambda: get_json(a_base, "/v1/status")["height"] >= 2)
        # Every height of both chains in view: the blocks taken off sit at the lowest heights.
        browser.get(a_base + "/chain?depth=500")
        WebDriverWait(browser, 30).until(lambda d: d.find_element(By.ID, "live-status").text == "live")
        ids = "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.dataset.id);"
        browser.execute_script("window.__notReloaded = true;")
        own = set(browser.execute_script(ids, ".tree-block.best"))
        # B comes back (not mining) with its longer chain; A reorganises onto it.
        b2, b2_line = start_node(work / "b", "--api", "127.0.0.1:0", "--p2p", f"127.0.0.1:{b_p2p}", "--no-discover",
                           log=work / "b.log")
        nodes.append(b2)
        assert get_json(a_base, "/v1/status")["height"] < b_height, "A must be the lighter chain"
        WebDriverWait(browser, 60, ignored_exceptions=[StaleElementReferenceException]).until(
            lambda d: d.execute_script(ids, ".tree-block.taken-off"))
        banner = browser.execute_script("const b = document.getElementById('reorg-banner'); return [b.hidden, b.textContent];")
        assert not banner[0] and banner[1].startswith("Reorganisation:"), banner
        taken = set(browser.execute_script(ids, ".tree-block.taken-off"))
        # Every block A had made is taken off (A kept mining until the switch, so maybe more than the page
        # showed at first); the shared genesis and B's blocks are not.
        genesis = get_json(a_base, "/v1/blocks/0")["id"]
        b_tree = get_json("http://" + b2_line["api"], "/v1/chain/tree?depth=500")["blocks"]
        b_ids = {blk["id"] for blk in b_tree if blk["onBestChain"] and blk["height"] >= 1}
        assert len(b_ids) >= b_height, len(b_ids)
        assert own - {genesis} <= taken, (own, taken)
        assert genesis not in taken and not (taken & b_ids), taken
        assert taken <= set(browser.execute_script(ids, ".tree-block.side")), "taken-off blocks are drawn as a side branch"
        assert browser.execute_script("return window.__notReloaded === true;"), "the page was reloaded"
        assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    finally:
        for n in nodes:
            if n.poll() is None:
                stop_node(n)
        shutil.rmtree(work, ignore_errors=True)
