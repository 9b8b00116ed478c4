"""The explorer's contract pages in headless Chromium (fixtures in conftest.py): the token
example is built with `kusari contract build`, deployed and called (`transfer` to bob) with
the CLI on the fixture's mining node; the contract page shows its code hash, a storage
entry decoded, and the call with its `transfer` event and gas; the call's page shows its
receipt; search and the links lead there; no page logs a JavaScript error."""
import hashlib
import json
import subprocess

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from conftest import KUSARI, ROOT, get_json, wait_until


def cli(*args, timeout=120):
    out = subprocess.run([str(KUSARI), *args], capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, f"kusari {' '.join(args)}: {out.stderr}{out.stdout}"
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def token(chain):
    """The token example deployed by the faucet (supply 1000) and 250 of it sent to bob."""
    wasm = chain.work / "token.wasm"
    # Embedded Swift to WebAssembly: the slowest step of the test on two busy cores.
    built = cli("contract", "build", str(ROOT / "contracts/examples/token"), "--output", str(wasm), timeout=900)
    api = ["--api", chain.base.removeprefix("http://")]
    key = ["--key", str(chain.work / "faucet.key")]
    deployed = cli("contract", "deploy", str(wasm), *key, "--init", "u64:1000", "--wait", *api)
    assert deployed["succeeded"], deployed
    address = deployed["contract"]
    sent = cli("contract", "call", address, "transfer", chain.bob, "250", *key, "--wait", *api)
    assert sent["succeeded"], sent
    call = get_json(chain.base, f"/v1/txs/{sent['id']}")
    return {"address": address, "built": built, "deploy": deployed["id"], "call": sent["id"],
            "receipt": call["receipt"], "height": call["height"],
            "info": get_json(chain.base, f"/v1/contracts/{address}")}


def severe_logs(driver):
    return [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def test_contract_page_shows_code_storage_and_the_transfer_with_its_event_and_gas(chain, token, browser):
    severe_logs(browser)  # drains what earlier tests left in the session's browser log
    browser.get(f"{chain.base}/contract/{token['address']}")
    assert browser.find_element(By.ID, "contract-address").text == token["address"]
    code_hash = browser.find_element(By.ID, "code-hash").text
    assert code_hash == token["info"]["codeHash"] == token["built"]["codeHash"]
    methods = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#methods .method")]
    assert "transfer" in methods and "balance_of" in methods
    assert browser.find_element(By.ID, "storage-root").text == token["info"]["storageRoot"]

    # Storage: bob's balance under the map `bal/`, key and value decoded beside their hex.
    entries = browser.find_elements(By.CSS_SELECTOR, "#storage tr.storage-entry")
    assert len(entries) == token["info"]["storageKeys"]
    bob_entry = [e for e in entries if chain.bob in e.find_element(By.CLASS_NAME, "storage-key").text]
    assert len(bob_entry) == 1, [e.text for e in entries]
    assert bob_entry[0].find_element(By.CLASS_NAME, "key-name").text == "bal/"
    assert "u64 250" in bob_entry[0].find_element(By.CLASS_NAME, "storage-value").text
    supply = [e for e in entries if e.find_element(By.CLASS_NAME, "storage-key").text.startswith("supply")]
    assert len(supply) == 1 and "u64 1000" in supply[0].find_element(By.CLASS_NAME, "storage-value").text

    # Calls: the transfer (newest first) with its gas, outcome and decoded `transfer` event; then the deploy.
    rows = browser.find_elements(By.CSS_SELECTOR, "#calls tr.call")
    assert len(rows) == 2
    call = rows[0]
    assert call.find_element(By.CLASS_NAME, "call-method").text == "transfer"
    assert call.find_element(By.CLASS_NAME, "call-gas").text == str(token["receipt"]["gasUsed"])
    assert call.find_element(By.CLASS_NAME, "call-outcome").text == "succeeded"
    event = call.find_element(By.CSS_SELECTOR, ".call-events .event")
    assert event.find_element(By.CLASS_NAME, "event-topic").text == "transfer"
    assert chain.faucet in event.text and chain.bob in event.text and "u64 250" in event.text
    assert "deploy" in rows[1].find_element(By.CLASS_NAME, "call-method").text
    assert severe_logs(browser) == []


def test_transaction_page_shows_the_receipt(chain, token, browser):
    severe_logs(browser)  # drains what earlier tests left in the session's browser log
    browser.get(f"{chain.base}/tx/{token['call']}")
    assert browser.find_element(By.ID, "tx-kind").text == "call"
    assert browser.find_element(By.ID, "tx-method").text == "transfer"
    assert chain.bob in browser.find_element(By.ID, "tx-input").text
    assert browser.find_element(By.ID, "receipt-outcome").text == "succeeded"
    gas_used = token["receipt"]["gasUsed"]
    assert browser.find_element(By.ID, "receipt-gas").text.startswith(f"{gas_used} of ")
    assert "KSR" in browser.find_element(By.ID, "receipt-fee").text
    topics = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#main table.events .event-topic")]
    assert topics == ["transfer"]
    # The contract link leads to the contract page; the block page marks the call.
    browser.find_element(By.ID, "action-contract").click()
    wait_until("the contract page", lambda: browser.current_url.endswith(f"/contract/{token['address']}"), 30)
    browser.get(f"{chain.base}/block/{token['height']}")
    marked = browser.find_elements(By.CSS_SELECTOR, "#block-txs tr.contract-tx .tx-kind")
    assert any(e.text.split() == ["call", "transfer", str(gas_used), "gas"] for e in marked), [e.text for e in marked]
    assert severe_logs(browser) == []


def test_search_and_the_account_page_lead_to_the_contract(chain, token, browser):
    severe_logs(browser)  # drains what earlier tests left in the session's browser log
    browser.get(chain.base + "/")
    box = browser.find_element(By.ID, "search")
    box.send_keys(token["address"], Keys.ENTER)
    wait_until("search to reach the contract page",
               lambda: browser.current_url.endswith(f"/contract/{token['address']}"), 30)
    browser.find_element(By.ID, "account-link").click()
    wait_until("the account page", lambda: f"/account/{token['address']}" in browser.current_url, 30)
    # The contract's account proof checks in the page: its leaf holds the code hash and storage root.
    section = browser.find_element(By.ID, "state-proof")
    assert section.get_attribute("data-code-hash") == token["info"]["codeHash"]
    wait_until("the contract's state proof to verify",
               lambda: browser.find_element(By.ID, "state-verdict").text.startswith("verified"), 30)
    browser.find_element(By.ID, "contract-link").click()
    wait_until("back on the contract page", lambda: browser.current_url.endswith(f"/contract/{token['address']}"), 30)
    assert severe_logs(browser) == []


def test_editing_a_calls_amount_in_the_blockchain_lesson_edits_its_amount_field(chain, token, browser):
    severe_logs(browser)
    browser.get(f"{chain.base}/learn/blockchain?from={token['height']}")
    tx = browser.find_element(By.CSS_SELECTOR, f".tx[data-id='{token['call']}']")
    raw = bytes.fromhex(tx.get_attribute("data-raw"))
    # A call's amount is at byte 69 (section 6.5: marker, kind, chain id, public key, nonce, contract).
    assert raw[:5] == b"\0\0\0\0\x02" and raw[69:77] == (0).to_bytes(8, "big")
    expected = hashlib.sha256(raw[:69] + (7).to_bytes(8, "big") + raw[77:]).hexdigest()
    box = tx.find_element(By.CLASS_NAME, "tx-amount")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("7")
    wait_until("the edited call's id", lambda: tx.find_element(By.CLASS_NAME, "f-txid").text == expected, 30)
    assert severe_logs(browser) == []
