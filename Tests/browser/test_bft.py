"""The explorer of a BFT chain in headless Chromium: two real validator processes of a
three-validator genesis (A and B, power 10 each; C, power 1, never runs, so it misses
every commit and its turns as proposer time out into later rounds), A started with the
test-only double-signing switch so that B catches it and evidence is included. The
dashboard says the chain is final and names the validators; a block page shows the
proposer, the set hashes, the commit that made it final with who missed, the last commit
and evidence; the validators page shows power, priority and missed signatures; the
evidence page lists what blocks included; a consensus page shows a height's rounds (C's
timed out, the next decided by prevotes past two thirds). And a proof-of-work node has no such pages."""
import json
import pathlib
import shutil
import tempfile

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By

from conftest import get_json, post_tx, run, start_node, stop_node, wait_until
from test_explorer import severe_logs, text_of, wait


@pytest.fixture(scope="module")
def bft():
    work = pathlib.Path(tempfile.mkdtemp(prefix="kusari-browser-bft-"))
    nodes = []
    try:
        a = json.loads(run("keys", "new", "--out", str(work / "a.key")))
        b = json.loads(run("keys", "new", "--out", str(work / "b.key")))
        c = json.loads(run("keys", "new", "--out", str(work / "c.key")))
        faucet = json.loads(run("keys", "devnet-faucet", "--out", str(work / "faucet.key")))
        run("genesis", "new", "--consensus", "bft", "--out", str(work / "genesis.json"),
            "--validator", str(work / "a.key"), "--validator", str(work / "b.key"), "--validator", c["publicKey"] + "=1",
            "--alloc", f"{faucet['address']}=1000000ksr")
        common = ["--genesis", str(work / "genesis.json"), "--api", "127.0.0.1:0", "--p2p", "127.0.0.1:0", "--no-discover"]
        node_a, listening_a = start_node(work / "a", *common, "--validator-key", str(work / "a.key"), "--test-equivocate",
                                         log=work / "a.log")
        nodes.append(node_a)
        node_b, _ = start_node(work / "b", *common, "--validator-key", str(work / "b.key"), "--peer", listening_a["p2p"],
                               log=work / "b.log")
        nodes.append(node_b)
        base = listening_a["explorer"].rstrip("/")
        signed = run("tx", "sign", "--key", str(work / "faucet.key"), "--to", b["address"], "--amount", "12345",
                     "--fee", "2000", "--nonce", "0")
        try:
            signed = json.loads(signed).get("tx") or json.loads(signed).get("hex")
        except json.JSONDecodeError:
            pass
        tx = post_tx(base, signed)
        wait_until("the transfer to be committed", lambda: get_json(base, f"/v1/txs/{tx}")["status"] == "confirmed")
        wait_until("evidence of A's double signing in a block", lambda: get_json(base, "/v1/evidence")["evidence"])
        wait_until("height 6", lambda: get_json(base, "/v1/status")["height"] >= 6)
        yield {"base": base, "a": a["address"], "b": b["address"], "c": c["address"], "tx": tx}
    finally:
        for node in nodes:
            stop_node(node)
        shutil.rmtree(work, ignore_errors=True)


def test_dashboard_says_blocks_are_final_and_names_the_validators(bft, browser):
    browser.get(bft["base"] + "/")
    assert text_of(browser, "consensus") == "BFT"
    assert text_of(browser, "validator-count") == "3"
    assert "final" in browser.execute_script("return document.getElementById('main').textContent;")
    assert "Hash rate" not in browser.page_source
    shown = int(text_of(browser, "height"))
    wait(browser).until(lambda d: text_of(d, "live-status") == "live")
    wait(browser, 60).until(lambda d: int(text_of(d, "height")) > shown)
    assert not severe_logs(browser)


def test_block_page_shows_proposer_commit_missed_precommit_and_last_commit(bft, browser):
    height = get_json(bft["base"], "/v1/status")["height"] - 1
    block = get_json(bft["base"], f"/v1/blocks/{height}")
    commit = get_json(bft["base"], f"/v1/blocks/{height}/commit")
    browser.get(f"{bft['base']}/block/{height}")
    assert text_of(browser, "final-tag") == "final"
    assert text_of(browser, "proposer") == block["header"]["bft"]["proposer"]
    assert text_of(browser, "validators-hash") == block["header"]["bft"]["validatorsHash"]
    assert f"round {commit['round']}" in text_of(browser, "finality")
    tables = browser.find_elements(By.CSS_SELECTOR, "table.commit-table")
    assert len(tables) == 2, "the commit and the last commit"
    rows = tables[0].find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == 3
    missed = [r for r in rows if "missed" in r.get_attribute("class")]
    assert [r.find_elements(By.TAG_NAME, "td")[1].text for r in missed] == [bft["c"]]
    assert "1 missed" in text_of(browser, "commit-summary")
    assert f"{commit['signedPower']} of {commit['totalPower']}" in text_of(browser, "commit-summary")
    last = browser.find_element(By.CSS_SELECTOR, "#last-commit-summary a")
    assert last.text == str(height - 1)
    last.click()
    wait(browser).until(lambda d: text_of(d, "block-id") == block["header"]["previousId"])
    assert not severe_logs(browser)


def test_transaction_page_says_final(bft, browser):
    browser.get(f"{bft['base']}/tx/{bft['tx']}")
    assert "final" in text_of(browser, "tx-status")
    assert "Confirmations" not in browser.find_element(By.ID, "main").text
    assert not severe_logs(browser)


def test_validators_page_shows_power_priority_and_missed_signatures(bft, browser):
    browser.get(bft["base"] + "/validators")
    api = get_json(bft["base"], "/v1/validators")
    assert text_of(browser, "set-hash") == api["hash"]
    assert text_of(browser, "total-power") == "21"
    # The page refreshes with every block: read the table in one script call.
    rows = browser.execute_script("""
        return Array.from(document.querySelectorAll("#validators tbody tr")).map(tr => ({
            address: tr.querySelectorAll("td")[1].textContent.trim().split(/\\s+/)[0],
            power: tr.querySelectorAll("td")[3].textContent.trim(),
            signed: Number(tr.querySelector(".signed-count").textContent),
            missed: Number(tr.querySelector(".missed-count").textContent)}));""")
    assert [r["power"] for r in rows] == ["10", "10", "1"]
    by_address = {r["address"]: r for r in rows}
    assert by_address[bft["c"]]["signed"] == 0 and by_address[bft["c"]]["missed"] > 0
    assert by_address[bft["a"]]["missed"] == 0 and by_address[bft["a"]]["signed"] > 0
    # An earlier height: the same set.
    height = api["height"] - 1
    browser.get(f"{bft['base']}/validators?height={height}")
    assert text_of(browser, "set-hash") == api["hash"]
    assert f"at height {height}" in browser.execute_script("return document.querySelector('h1').textContent;")
    assert not severe_logs(browser)


def test_evidence_page_lists_the_double_signing_and_its_block_shows_it(bft, browser):
    listed = get_json(bft["base"], "/v1/evidence")["evidence"]
    browser.get(bft["base"] + "/evidence")
    # The page refreshes with every block: read its first row in one script call.
    rows, first, link = browser.execute_script("""
        const rows = document.querySelectorAll("table.evidence-table tbody tr");
        const cells = rows.length ? Array.from(rows[0].querySelectorAll("td")).map(td => td.textContent) : [];
        const a = rows.length ? rows[0].querySelector("td a") : null;
        return [rows.length, cells, a ? a.getAttribute("href") : null];""")
    assert rows >= len(listed) >= 1
    assert bft["a"] in first[1] and first[2] == "prevote"
    assert "nil" in first[5]
    browser.get(bft["base"] + link)
    assert browser.find_elements(By.CSS_SELECTOR, "table.evidence-table tbody tr")
    assert not severe_logs(browser)


def test_consensus_page_shows_rounds_votes_with_power_and_timeouts(bft, browser):
    """C (power 1) proposes now and then but never runs: its rounds time out and the next round decides.
    A height page shows each round: proposer, proposal, every validator's prevote and precommit with its
    power, the tally against the two-thirds threshold, the timeouts that fired, and the decision."""
    # A height whose round 0 was C's to propose, decided in a later round, among those node A ran.
    def c_turn():
        listed = get_json(bft["base"], "/v1/consensus/heights?limit=100")["heights"]
        for h in listed:
            if h.get("decided", {}).get("round", 0) >= 1:
                record = get_json(bft["base"], f"/v1/consensus/heights/{h['height']}")
                if record["rounds"][0].get("proposer", {}).get("address") == bft["c"]:
                    return record
        return None
    wait_until("a height where C's silent turn timed out", c_turn)
    api = c_turn()
    height = api["height"]
    assert api["role"] == "validator" and api["twoThirdsPlusOne"] == 15 and api["totalPower"] == 21
    # Reach it as a user would: from the list page.
    browser.get(bft["base"] + "/consensus")
    assert "This node is validator" in text_of(browser, "role")
    # The list refreshes itself as heights are decided, so a found link may go stale before the click.
    def click_height(d):
        try:
            d.find_element(By.CSS_SELECTOR, f"#consensus-heights a[href='/consensus/{height}']").click()
            return True
        except StaleElementReferenceException:
            return False
    wait(browser).until(click_height)
    wait(browser).until(lambda d: d.find_elements(By.ID, "round-0"))
    decided = api["decided"]["round"]
    assert f"decided in round {decided}" in text_of(browser, "decided-tag")
    # Round 0 had C as its proposer: no proposal came, the propose timeout fired, and the page says so.
    first = browser.find_element(By.ID, "round-0")
    assert "timed out" in first.find_element(By.TAG_NAME, "h2").text
    assert any(t["kind"] == "propose" for t in api["rounds"][0]["timeouts"])
    assert "propose (" in first.find_element(By.CSS_SELECTOR, "td.timeouts").text
    assert first.find_element(By.CSS_SELECTOR, "td.proposal").text == "none arrived"
    # The deciding round: A and B (10 + 10 of 21) prevoted the block, past the 15 needed.
    last = browser.find_element(By.ID, f"round-{decided}")
    tally = last.find_element(By.CSS_SELECTOR, "td.prevote-tally").text
    assert "20 of 21" in tally and "more than two thirds" in tally, tally
    rows = last.find_elements(By.CSS_SELECTOR, "table.votes-table tbody tr")
    assert len(rows) == 3
    cells = {r.find_elements(By.TAG_NAME, "td")[1].text: [c.text for c in r.find_elements(By.TAG_NAME, "td")] for r in rows}
    block = api["decided"]["blockId"]
    for who in (bft["a"], bft["b"]):
        assert cells[who][2] == "10" and block[:16] in cells[who][3] and block[:16] in cells[who][5], cells[who]
    assert cells[bft["c"]][2] == "1" and cells[bft["c"]][3] == "not seen"
    # And the block page links its rounds.
    browser.get(f"{bft['base']}/block/{height}")
    browser.find_element(By.ID, "rounds-link").click()
    wait(browser).until(lambda d: d.find_elements(By.ID, f"round-{decided}"))
    assert not severe_logs(browser)


def test_a_proof_of_work_node_has_no_validator_pages(chain, browser):
    browser.get(chain.base + "/")
    assert text_of(browser, "consensus") == "proof of work"
    assert not browser.find_elements(By.CSS_SELECTOR, "a[href='/validators']")
    browser.get(chain.base + "/validators")
    assert "proof of work" in browser.find_element(By.TAG_NAME, "main").text
