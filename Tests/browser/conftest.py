"""Fixtures of the explorer's browser test: one real mining `kusari node` with
transfers, and one headless Chromium driven by Selenium (Debian's chromium and
chromium-driver). Both are stopped whatever happens."""
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import time
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = pathlib.Path(__file__).resolve().parents[2]
KUSARI = ROOT / ".build" / "debug" / "kusari"
INSECURE_HOST = "explorer.test"
MEMO = '<script>alert("memo")</script><img src=x onerror=alert(2)> & more'


def run(*args):
    out = subprocess.run([str(KUSARI), *args], check=True, capture_output=True, text=True, timeout=60)
    return out.stdout.strip()


def get_json(base, path):
    with urllib.request.urlopen(base + path, timeout=10) as r:
        return json.loads(r.read())


def post_tx(base, hex_tx):
    req = urllib.request.Request(base + "/v1/txs", data=json.dumps({"tx": hex_tx}).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.status == 202
        return json.loads(r.read())["id"]


def wait_until(what, condition, seconds=90):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.1)  # polling interval of a deadline-bounded wait, not a fixed sleep
    raise AssertionError(f"timed out waiting for {what}")


def free_port():
    """A port free right now on 127.0.0.1 (for a node that must come back on the same address)."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_node(datadir, *args, log):
    """Starts `kusari node` and returns (process, its listening line as a dict)."""
    node = subprocess.Popen([str(KUSARI), "node", "--datadir", str(datadir), "--log-level", "warning", *args],
                            stdout=subprocess.PIPE, stderr=open(log, "a"), text=True)
    line = node.stdout.readline()
    if not line:
        node.wait(timeout=20)
        raise AssertionError(f"node did not start: {pathlib.Path(log).read_text()[-2000:]}")
    return node, json.loads(line)


def stop_node(node):
    node.terminate()
    try:
        node.wait(timeout=20)
    except subprocess.TimeoutExpired:
        node.kill()
        node.wait()


class Chain:
    """The running node and what the fixture put on its chain."""


@pytest.fixture(scope="session")
def chain():
    assert KUSARI.exists(), f"{KUSARI} is missing: run swift build first"
    work = pathlib.Path(tempfile.mkdtemp(prefix="kusari-browser-"))
    faucet_key, bob_key, miner_key = work / "faucet.key", work / "bob.key", work / "miner.key"
    faucet = json.loads(run("keys", "devnet-faucet", "--out", str(faucet_key)))["address"]
    bob = json.loads(run("keys", "new", "--out", str(bob_key)))["address"]
    miner = json.loads(run("keys", "new", "--out", str(miner_key)))["address"]
    node, listening = start_node(work / "data", "--api", "127.0.0.1:0", "--mine", "--miner-address", miner,
                                 "--miner-interval", "1", "--miner-threads", "1", log=work / "node.log")
    try:
        c = Chain()
        c.node, c.work = node, work
        c.base = listening["explorer"].rstrip("/")
        c.faucet, c.bob, c.miner = faucet, bob, miner

        def sign(nonce, amount, memo=None):
            args = ["tx", "sign", "--key", str(faucet_key), "--to", bob, "--amount", str(amount), "--fee", "2000",
                    "--nonce", str(nonce)] + (["--memo", memo] if memo else [])
            out = run(*args)
            try:
                parsed = json.loads(out)
                return parsed.get("tx") or parsed.get("hex")
            except json.JSONDecodeError:
                return out

        # Nonces 1..3 first (queued: a nonce is missing), then 0: all four become
        # minable at once and land in one block, so its Merkle proofs have paths.
        signed = {n: sign(n, 1000 + n, MEMO if n == 2 else None) for n in range(4)}
        ids = {n: post_tx(c.base, signed[n]) for n in (1, 2, 3)}
        ids[0] = post_tx(c.base, signed[0])
        c.tx_ids = [ids[n] for n in range(4)]
        c.memo_tx = ids[2]
        wait_until("the transfers to be mined",
                   lambda: all(get_json(c.base, f"/v1/txs/{i}")["status"] == "confirmed" for i in c.tx_ids))
        info = get_json(c.base, f"/v1/txs/{ids[3]}")
        c.tx_height, c.tx_block = info["height"], info["blockId"]
        # A few blocks on top, so that tampering has later blocks to break.
        wait_until("three blocks on top", lambda: get_json(c.base, "/v1/status")["height"] >= c.tx_height + 3)
        yield c
    finally:
        stop_node(node)
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    # explorer.test resolves to 127.0.0.1 but, not being localhost, is no secure context: the
    # pages as seen over plain http from another host.
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000",
                f"--host-resolver-rules=MAP {INSECURE_HOST} 127.0.0.1"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    try:
        yield driver
    finally:
        driver.quit()
