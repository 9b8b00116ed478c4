#!/usr/bin/env python3
"""Checks docs/openapi.yaml against a running Kusari node.

    python3 scripts/check_openapi.py SPEC BASE_URL [--tx-hex HEX]

1. Validates SPEC as an OpenAPI 3.1 document (openapi_spec_validator).
2. Calls every GET route of the node at BASE_URL (and POST /v1/txs with bad
   bodies, and with HEX first when --tx-hex is given, expecting 202), and
   validates each answer's status, content type and body against the schema
   SPEC gives for that path, method and status (JSON Schema 2020-12, refs
   resolved through a referencing Registry).

Prints one line per check and ends with `N passed, M failed`; exits 1 if any
check failed. Needs PyYAML, jsonschema, referencing and openapi-spec-validator;
uses only urllib for HTTP.
"""
import argparse
import json
import sys
import time
import urllib.error
import urllib.request

import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_spec
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_URI = "urn:kusari:openapi"
TIMEOUT = 10


class Checker:
    def __init__(self, spec, base):
        self.spec = spec
        self.base = base.rstrip("/")
        self.passed = 0
        self.failed = 0
        resource = Resource.from_contents(spec, default_specification=DRAFT202012)
        self.registry = Registry().with_resource(SPEC_URI, resource)

    # -- reporting -----------------------------------------------------------
    def result(self, ok, name, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print(f"{'PASS' if ok else 'FAIL'} {name}" + (f": {detail}" if detail else ""), flush=True)
        return ok

    # -- spec lookups ----------------------------------------------------------
    @staticmethod
    def escape(token):
        return token.replace("~", "~0").replace("/", "~1")

    def pointer_get(self, pointer):
        node = self.spec
        for raw in pointer.lstrip("/").split("/"):
            node = node[raw.replace("~1", "/").replace("~0", "~")]
        return node

    def response_schema_pointer(self, template, method, status, media):
        """The JSON pointer of the schema SPEC gives for an answer, or an error string."""
        op = self.spec.get("paths", {}).get(template, {}).get(method.lower())
        if op is None:
            return None, f"spec has no {method} {template}"
        responses = op.get("responses", {})
        key = str(status) if str(status) in responses else ("default" if "default" in responses else None)
        if key is None:
            return None, f"status {status} is not documented for {method} {template}"
        pointer = f"/paths/{self.escape(template)}/{method.lower()}/responses/{key}"
        resp = responses[key]
        while "$ref" in resp:
            pointer = resp["$ref"][1:]
            resp = self.pointer_get(pointer)
        content = resp.get("content", {})
        if media not in content:
            return None, f"{method} {template} {key} has no {media} content (has {sorted(content)})"
        if "schema" not in content[media]:
            return None, f"{method} {template} {key} {media} has no schema"
        return f"{pointer}/content/{self.escape(media)}/schema", None

    def schema_errors(self, pointer, instance):
        validator = Draft202012Validator({"$ref": f"{SPEC_URI}#{pointer}"}, registry=self.registry)
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:200]}" for e in errors]

    # -- HTTP ------------------------------------------------------------------
    def request(self, method, path, body=None):
        data = body if body is None or isinstance(body, bytes) else body.encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT) as r:
                return r.status, r.headers.get("Content-Type", ""), r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Content-Type", ""), e.read()

    def check(self, name, method, path, template, expect_status, body=None, expect_code=None, extra=None):
        """Calls the node and checks the answer; returns the parsed JSON body (or None)."""
        try:
            status, ctype, raw = self.request(method, path, body)
        except Exception as e:  # connection refused, timeout
            self.result(False, name, f"{method} {path}: {e}")
            return None
        label = f"{method} {path} -> {status}"
        problems = []
        if status != expect_status:
            problems.append(f"expected status {expect_status}")
        media = ctype.split(";")[0].strip()
        pointer, why = self.response_schema_pointer(template, method, status, media or "application/json")
        if why:
            problems.append(why)
        parsed = None
        if media == "application/json":
            try:
                parsed = json.loads(raw)
            except ValueError as e:
                problems.append(f"body is not JSON: {e}")
        if pointer and parsed is not None:
            problems += self.schema_errors(pointer, parsed)
        if expect_code is not None and isinstance(parsed, dict):
            code = parsed.get("error", {}).get("code") if isinstance(parsed.get("error"), dict) else None
            codes = expect_code if isinstance(expect_code, (list, tuple, set)) else [expect_code]
            if code not in codes:
                problems.append(f"error code {code!r}, expected {' or '.join(codes)}")
        if extra is not None and parsed is not None and not problems:
            note = extra(parsed)
            if note:
                problems.append(note)
        if problems:
            self.result(False, name, f"{label}; " + "; ".join(problems) + f"; body: {raw[:300]!r}")
        else:
            detail = label
            if isinstance(parsed, dict) and isinstance(parsed.get("error"), dict):
                detail += f" {parsed['error'].get('code')}"
            elif isinstance(parsed, dict) and isinstance(parsed.get("status"), str):
                detail += f" ({parsed['status']})"
            self.result(True, name, detail)
        return parsed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("spec")
    ap.add_argument("base_url")
    ap.add_argument("--tx-hex", help="a signed transaction to POST first (expects 202), then look up as pending")
    ap.add_argument("--events-wait", type=float, default=5.0, help="seconds to wait for one server-sent event")
    ap.add_argument("--contract", help="the address of a deployed contract (its routes are then checked with 200s too)")
    args = ap.parse_args()

    with open(args.spec) as f:
        spec_text = f.read()
    spec = yaml.safe_load(spec_text)
    c = Checker(spec, args.base_url)

    try:
        validate_spec(spec)
        c.result(True, "spec is a valid OpenAPI document", f"openapi {spec.get('openapi')}")
    except Exception as e:
        c.result(False, "spec is a valid OpenAPI document", str(e).splitlines()[0][:300])

    # Every operation in the spec should be exercised below.
    ops = {(m.upper(), p) for p, item in spec.get("paths", {}).items() for m in item if m in
           ("get", "post", "put", "delete", "patch", "head", "options")}
    expected_ops = {("GET", "/v1/status"), ("GET", "/v1/blocks"), ("GET", "/v1/blocks/{ref}"), ("GET", "/v1/txs/{id}"),
                    ("POST", "/v1/txs"), ("GET", "/v1/accounts/{address}"), ("GET", "/v1/accounts/{address}/txs"),
                    ("GET", "/v1/mempool"), ("GET", "/v1/events"), ("GET", "/openapi.yaml"),
                    ("GET", "/v1/peers"), ("GET", "/v1/bans"), ("GET", "/v1/chain/tree"),
                    ("GET", "/v1/blocks/{ref}/commit"), ("GET", "/v1/validators"), ("GET", "/v1/evidence"),
                    ("GET", "/v1/consensus/heights"), ("GET", "/v1/consensus/heights/{height}"),
                    ("GET", "/v1/contracts/{address}"), ("GET", "/v1/contracts/{address}/storage"),
                    ("GET", "/v1/contracts/{address}/storage/{key}"), ("POST", "/v1/contracts/{address}/query"),
                    ("GET", "/v1/assets"), ("GET", "/v1/assets/{asset}"), ("GET", "/v1/accounts/{address}/assets"),
                    ("GET", "/v1/accounts/{address}/orders"), ("GET", "/v1/accounts/{address}/fills"), ("GET", "/v1/markets"), ("GET", "/v1/markets/{market}"),
                    ("GET", "/v1/markets/{market}/book"), ("GET", "/v1/markets/{market}/trades"),
                    ("GET", "/v1/markets/{market}/candles"), ("GET", "/v1/orders/{id}"), ("GET", "/v1/blocks/{ref}/clearings")}
    c.result(ops == expected_ops, "spec documents exactly the node's routes",
             "" if ops == expected_ops else f"missing {sorted(expected_ops - ops)}, extra {sorted(ops - expected_ops)}")

    # -- a pending transaction first, so the mempool is not empty --------------
    pending_id = None
    if args.tx_hex:
        r = c.check("POST /v1/txs accepts --tx-hex", "POST", "/v1/txs", "/v1/txs", 202,
                    body=json.dumps({"tx": args.tx_hex}))
        pending_id = r.get("id") if isinstance(r, dict) else None
        if pending_id:
            c.check("GET /v1/txs/{id} of the posted transaction", "GET", f"/v1/txs/{pending_id}", "/v1/txs/{id}", 200,
                    extra=lambda j: None if j["id"] == pending_id else "wrong id")
            c.check("GET /v1/mempool right after the POST", "GET", "/v1/mempool", "/v1/mempool", 200)

    # -- meta -------------------------------------------------------------------
    status, ctype, raw = c.request("GET", "/openapi.yaml")
    ok = status == 200 and ctype.split(";")[0].strip() == "application/yaml"
    try:
        served = yaml.safe_load(raw)
        ok = ok and isinstance(served, dict) and str(served.get("openapi", "")).startswith("3.1")
    except yaml.YAMLError as e:
        ok, served = False, None
    c.result(ok, "GET /openapi.yaml serves an OpenAPI 3.1 YAML document", f"{status} {ctype}")
    if served is not None and served != spec:
        print(f"note: the document served at /openapi.yaml differs from {args.spec} "
              f"({len(served.get('paths') or {})} paths served, {len(spec.get('paths') or {})} in the file)")

    # -- network ----------------------------------------------------------------
    c.check("GET /v1/peers", "GET", "/v1/peers", "/v1/peers", 200)
    c.check("GET /v1/bans", "GET", "/v1/bans", "/v1/bans", 200)
    c.check("GET /v1/chain/tree", "GET", "/v1/chain/tree", "/v1/chain/tree", 200,
            extra=lambda j: None if any(b["id"] == j["tip"] and b["onBestChain"] for b in j["blocks"])
            else "the tip is not in the tree")
    c.check("GET /v1/chain/tree?depth=2", "GET", "/v1/chain/tree?depth=2", "/v1/chain/tree", 200,
            extra=lambda j: None if sum(1 for b in j["blocks"] if b["onBestChain"]) == min(2, j["height"] + 1)
            else "expected the last two best-chain blocks")
    c.check("GET /v1/chain/tree?depth=0", "GET", "/v1/chain/tree?depth=0", "/v1/chain/tree", 400, expect_code="bad_request")
    c.check("GET /v1/chain/tree?depth=501", "GET", "/v1/chain/tree?depth=501", "/v1/chain/tree", 400,
            expect_code="bad_request")

    # -- chain ------------------------------------------------------------------
    st = c.check("GET /v1/status", "GET", "/v1/status", "/v1/status", 200) or {}
    tip = st.get("height", 0)
    c.check("GET /v1/blocks", "GET", "/v1/blocks", "/v1/blocks", 200,
            extra=lambda j: None if len(j["blocks"]) == min(20, tip + 1) else f"{len(j['blocks'])} blocks")
    page = c.check("GET /v1/blocks?limit=2", "GET", "/v1/blocks?limit=2", "/v1/blocks", 200) or {}
    if "next" in page:
        c.check("GET /v1/blocks?before=next&limit=2 (next page)", "GET", f"/v1/blocks?before={page['next']}&limit=2",
                "/v1/blocks", 200,
                extra=lambda j: None if j["blocks"] and j["blocks"][0]["height"] == page["next"] - 1 else "page does not follow")
    c.check("GET /v1/blocks?before=1 (genesis only, no next)", "GET", "/v1/blocks?before=1", "/v1/blocks", 200,
            extra=lambda j: None if len(j["blocks"]) == 1 and "next" not in j else "expected just genesis")
    c.check("GET /v1/blocks/0 (genesis)", "GET", "/v1/blocks/0", "/v1/blocks/{ref}", 200)
    b1 = c.check("GET /v1/blocks/1", "GET", "/v1/blocks/1", "/v1/blocks/{ref}", 200) or {}
    block_schema = "/components/schemas/Block"
    full_schema = "/components/schemas/BlockWithTransactions"
    if b1.get("id"):
        c.check("GET /v1/blocks/{id}", "GET", f"/v1/blocks/{b1['id']}", "/v1/blocks/{ref}", 200,
                extra=lambda j: (None if not c.schema_errors(block_schema, j) else "not a Block (ids)"))
        c.check("GET /v1/blocks/{id}?txs=full", "GET", f"/v1/blocks/{b1['id']}?txs=full", "/v1/blocks/{ref}", 200,
                extra=lambda j: (None if not c.schema_errors(full_schema, j) else "not a BlockWithTransactions"))

    # Find the newest block with transactions (up to 1,000 blocks back).
    tx_block, before = None, None
    for _ in range(10):
        q = "/v1/blocks?limit=100" + (f"&before={before}" if before is not None else "")
        _, _, raw = c.request("GET", q)
        lst = json.loads(raw)
        tx_block = next((b for b in lst["blocks"] if b["txCount"] > 0), None)
        if tx_block or "next" not in lst:
            break
        before = lst["next"]
    confirmed_id, sender = None, None
    if tx_block:
        full = c.check("GET /v1/blocks/{id}?txs=full of a block with transactions", "GET",
                       f"/v1/blocks/{tx_block['id']}?txs=full", "/v1/blocks/{ref}", 200,
                       extra=lambda j: (None if j["transactions"] and isinstance(j["transactions"][0], dict)
                                        and not c.schema_errors(full_schema, j) else "transactions are not objects"))
        c.check("GET /v1/blocks/{height} of a block with transactions (ids)", "GET",
                f"/v1/blocks/{tx_block['height']}", "/v1/blocks/{ref}", 200,
                extra=lambda j: (None if j["transactions"] and isinstance(j["transactions"][0], str) else "ids expected"))
        confirmed_id = tx_block["transactions"][0]
        if full:
            sender = full["transactions"][0]["from"]
        c.check("GET /v1/txs/{id} (confirmed)", "GET", f"/v1/txs/{confirmed_id}", "/v1/txs/{id}", 200,
                extra=lambda j: None if j["status"] == "confirmed" else f"status {j['status']}")
    else:
        print("note: no block with transactions found; send one to check confirmed transactions")
    if pending_id:
        c.check("GET /v1/txs/{id} (the posted transaction, pending or mined since)", "GET", f"/v1/txs/{pending_id}",
                "/v1/txs/{id}", 200)

    # -- consensus ----------------------------------------------------------------
    check_consensus(c, st, b1)

    # -- contracts ----------------------------------------------------------------
    check_contracts(c, b1.get("header", {}).get("beneficiary"), args.contract)

    # -- exchange ---------------------------------------------------------------
    check_exchange(c, b1.get("header", {}).get("beneficiary"), tip)

    # -- accounts ---------------------------------------------------------------
    miner = b1.get("header", {}).get("beneficiary")
    if miner:
        c.check("GET /v1/accounts/{miner}", "GET", f"/v1/accounts/{miner}", "/v1/accounts/{address}", 200)
        c.check("GET /v1/accounts/{miner}?height=0", "GET", f"/v1/accounts/{miner}?height=0", "/v1/accounts/{address}", 200,
                extra=lambda j: None if j["height"] == 0 and j["balance"] == 0 else "expected an empty account at genesis")
        c.check("GET /v1/accounts/{miner uppercase}", "GET", f"/v1/accounts/{miner.upper()}", "/v1/accounts/{address}", 200)
        c.check("GET /v1/accounts/{miner}/txs", "GET", f"/v1/accounts/{miner}/txs", "/v1/accounts/{address}/txs", 200)
    if sender:
        c.check("GET /v1/accounts/{sender}", "GET", f"/v1/accounts/{sender}", "/v1/accounts/{address}", 200)
        hist = c.check("GET /v1/accounts/{sender}/txs", "GET", f"/v1/accounts/{sender}/txs",
                       "/v1/accounts/{address}/txs", 200,
                       extra=lambda j: None if j["transactions"] else "expected at least one transaction") or {}
        one = c.check("GET /v1/accounts/{sender}/txs?limit=1", "GET", f"/v1/accounts/{sender}/txs?limit=1",
                      "/v1/accounts/{address}/txs", 200,
                      extra=lambda j: None if "next" in j else "a full page should have next") or {}
        if "next" in one:
            c.check("GET /v1/accounts/{sender}/txs?before=next&limit=1", "GET",
                    f"/v1/accounts/{sender}/txs?before={one['next']}&limit=1", "/v1/accounts/{address}/txs", 200)

    # -- mempool ----------------------------------------------------------------
    c.check("GET /v1/mempool", "GET", "/v1/mempool", "/v1/mempool", 200)
    c.check("GET /v1/mempool?limit=1", "GET", "/v1/mempool?limit=1", "/v1/mempool", 200,
            extra=lambda j: None if len(j["transactions"]) <= 1 else "more than limit")

    # -- events -----------------------------------------------------------------
    check_events(c, args.events_wait)

    # -- errors -----------------------------------------------------------------
    zeros = "0" * 64
    c.check("unknown route", "GET", "/v1/nope", "/v1/status", 404, expect_code="not_found")
    c.check("bad hash in /v1/txs/{id}", "GET", "/v1/txs/xyz", "/v1/txs/{id}", 400, expect_code="bad_request")
    c.check("bad hash in /v1/blocks/{ref}", "GET", "/v1/blocks/abc", "/v1/blocks/{ref}", 400, expect_code="bad_request")
    c.check("unknown block id", "GET", f"/v1/blocks/{zeros}", "/v1/blocks/{ref}", 404, expect_code="not_found")
    c.check("unknown block height", "GET", f"/v1/blocks/{tip + 1000000}", "/v1/blocks/{ref}", 404, expect_code="not_found")
    c.check("unknown transaction id", "GET", f"/v1/txs/{zeros}", "/v1/txs/{id}", 404, expect_code="not_found")
    c.check("bad address", "GET", "/v1/accounts/notanaddress", "/v1/accounts/{address}", 400, expect_code="bad_address")
    c.check("bad address in history", "GET", "/v1/accounts/ksrt1xyz/txs", "/v1/accounts/{address}/txs", 400,
            expect_code="bad_address")
    if miner:
        other = miner.replace("ksrt1", "ksr1") if miner.startswith("ksrt1") else miner.replace("ksr1", "ksrt1")
        c.check("address with a bad checksum / other network", "GET", f"/v1/accounts/{other}", "/v1/accounts/{address}",
                400, expect_code="bad_address")
        c.check("account height above the tip", "GET", f"/v1/accounts/{miner}?height={tip + 1000000}",
                "/v1/accounts/{address}", 404, expect_code="not_found")
        c.check("account height not a number", "GET", f"/v1/accounts/{miner}?height=x", "/v1/accounts/{address}", 400,
                expect_code="bad_request")
    c.check("limit=0", "GET", "/v1/blocks?limit=0", "/v1/blocks", 400, expect_code="bad_request")
    c.check("limit=101", "GET", "/v1/blocks?limit=101", "/v1/blocks", 400, expect_code="bad_request")
    c.check("before not a number", "GET", "/v1/blocks?before=-1", "/v1/blocks", 400, expect_code="bad_request")
    c.check("mempool limit=0", "GET", "/v1/mempool?limit=0", "/v1/mempool", 400, expect_code="bad_request")
    c.check("mempool limit=10001", "GET", "/v1/mempool?limit=10001", "/v1/mempool", 400, expect_code="bad_request")
    c.check("POST garbage", "POST", "/v1/txs", "/v1/txs", 400, body="garbage", expect_code="bad_json")
    c.check("POST a JSON array", "POST", "/v1/txs", "/v1/txs", 400, body="[1]", expect_code="bad_request")
    c.check("POST {} (no tx)", "POST", "/v1/txs", "/v1/txs", 400, body="{}", expect_code="bad_request")
    c.check('POST {"tx": 5}', "POST", "/v1/txs", "/v1/txs", 422, body='{"tx": 5}', expect_code="wrong_type")
    c.check('POST {"tx": "zz"}', "POST", "/v1/txs", "/v1/txs", 400, body='{"tx": "zz"}', expect_code="bad_request")
    c.check('POST {"tx": "abc"} (odd length)', "POST", "/v1/txs", "/v1/txs", 400, body='{"tx": "abc"}',
            expect_code="bad_request")
    truncated = args.tx_hex[: len(args.tx_hex) // 2 // 2 * 2] if args.tx_hex else "00000003" + "ab" * 40
    c.check("POST a truncated transaction", "POST", "/v1/txs", "/v1/txs", 400, body=json.dumps({"tx": truncated}),
            expect_code="invalid_encoding")
    c.check("POST a transaction over 196,751 bytes", "POST", "/v1/txs", "/v1/txs", 413,
            body=json.dumps({"tx": "00" * 196752}), expect_code="too_large")
    c.check("POST a body over 512 KiB", "POST", "/v1/txs", "/v1/txs", 413,
            body=json.dumps({"tx": "00" * 270000}), expect_code="too_large")
    c.check('POST {"txs": []}', "POST", "/v1/txs", "/v1/txs", 400, body='{"txs": []}', expect_code="bad_request")
    c.check('POST {"txs": 5}', "POST", "/v1/txs", "/v1/txs", 422, body='{"txs": 5}', expect_code="wrong_type")
    c.check('POST {"txs": [5]}', "POST", "/v1/txs", "/v1/txs", 422, body='{"txs": [5]}', expect_code="wrong_type")
    c.check("POST a batch of 257", "POST", "/v1/txs", "/v1/txs", 413, body=json.dumps({"txs": ["00"] * 257}),
            expect_code="too_large")
    def batch_codes(parsed):
        codes = [r.get("error", {}).get("code") for r in parsed.get("results", [])]
        want = ["bad_request", "too_large", "invalid_encoding"]
        return None if codes == want and parsed.get("accepted") == 0 else f"results {codes}, expected {want}"
    c.check("POST a batch of bad items", "POST", "/v1/txs", "/v1/txs", 200,
            body=json.dumps({"txs": ["zz", "00" * 196752, truncated]}), extra=batch_codes)
    if args.tx_hex:
        c.check("POST the same transaction again", "POST", "/v1/txs", "/v1/txs", 422, body=json.dumps({"tx": args.tx_hex}),
                expect_code=["already_known", "nonce_too_low"])
        # Same bytes with a flipped signature bit: a mempool refusal, whatever the nonce.
        flipped = args.tx_hex[:-2] + format(int(args.tx_hex[-2:], 16) ^ 1, "02x")
        c.check("POST a transaction with a bad signature", "POST", "/v1/txs", "/v1/txs", 422,
                body=json.dumps({"tx": flipped}),
                expect_code=["bad_signature", "nonce_too_low", "replacement_underpriced"])

    print(f"{c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


def check_consensus(c, st, b1):
    """The BFT routes: full answers on a BFT chain, 404s that say why on a proof-of-work one."""
    tip = st.get("height", 0)
    zeros = "0" * 64
    if st.get("consensus") != "bft":
        c.check("GET /v1/blocks/1/commit on proof of work", "GET", "/v1/blocks/1/commit", "/v1/blocks/{ref}/commit", 404,
                expect_code="not_found")
        c.check("GET /v1/validators on proof of work", "GET", "/v1/validators", "/v1/validators", 404,
                expect_code="no_validators")
        c.check("GET /v1/evidence on proof of work", "GET", "/v1/evidence", "/v1/evidence", 404, expect_code="no_validators")
        c.check("GET /v1/consensus/heights on proof of work", "GET", "/v1/consensus/heights", "/v1/consensus/heights", 404,
                expect_code="no_validators")
        c.check("GET /v1/consensus/heights/1 on proof of work", "GET", "/v1/consensus/heights/1",
                "/v1/consensus/heights/{height}", 404, expect_code="no_validators")
        c.check("GET /v1/blocks/1 has no BFT fields", "GET", "/v1/blocks/1", "/v1/blocks/{ref}", 200,
                extra=lambda j: None if "bft" not in j["header"] and "lastCommit" not in j and "evidence" not in j
                else "BFT fields on a proof-of-work block")
        return
    c.check("GET /v1/blocks/0/commit (the genesis has none)", "GET", "/v1/blocks/0/commit", "/v1/blocks/{ref}/commit", 404,
            expect_code="not_found")
    c.check("GET /v1/blocks/{zeros}/commit", "GET", f"/v1/blocks/{zeros}/commit", "/v1/blocks/{ref}/commit", 404,
            expect_code="not_found")
    c.check("GET /v1/blocks/abc/commit", "GET", "/v1/blocks/abc/commit", "/v1/blocks/{ref}/commit", 400,
            expect_code="bad_request")
    c.check("GET /v1/blocks/{far}/commit", "GET", f"/v1/blocks/{tip + 1000000}/commit", "/v1/blocks/{ref}/commit", 404,
            expect_code="not_found")
    if tip >= 1:
        c.check("GET /v1/blocks/1/commit", "GET", "/v1/blocks/1/commit", "/v1/blocks/{ref}/commit", 200,
                extra=lambda j: None if j["blockId"] == b1.get("id") and j["height"] == 1
                and j["signedPower"] >= j["twoThirdsPlusOne"] else "not block 1's commit, or short of power")
        c.check("GET /v1/blocks/1 has a BFT header, evidence and no last commit", "GET", "/v1/blocks/1", "/v1/blocks/{ref}", 200,
                extra=lambda j: None if "bft" in j["header"] and "lastCommit" not in j and j.get("evidence") == []
                else "expected header.bft, evidence [] and no lastCommit")
        c.check("GET /v1/blocks/{tip}/commit", "GET", f"/v1/blocks/{tip}/commit", "/v1/blocks/{ref}/commit", 200)
        c.check("GET /v1/validators?height={tip}: hash is the header's validatorsHash", "GET", f"/v1/validators?height={tip}",
                "/v1/validators", 200, extra=lambda j: None if j["hash"] == c_header(c, tip).get("validatorsHash")
                else "hash differs from the header's validatorsHash")
        if tip >= 2:
            c.check("GET /v1/blocks/2?txs=full carries block 1's commit", "GET", "/v1/blocks/2?txs=full", "/v1/blocks/{ref}", 200,
                    extra=lambda j: None if j.get("lastCommit", {}).get("blockId") == b1.get("id")
                    else "lastCommit does not name block 1")
    c.check("GET /v1/validators (next height)", "GET", "/v1/validators", "/v1/validators", 200,
            extra=lambda j: None if j["height"] >= tip + 1 and j["validators"] else "expected the next height's set")
    c.check("GET /v1/validators?height=1 (no window)", "GET", "/v1/validators?height=1", "/v1/validators", 200,
            extra=lambda j: None if "window" not in j else "height 1 has no window")
    c.check("GET /v1/validators?height=0", "GET", "/v1/validators?height=0", "/v1/validators", 400, expect_code="bad_request")
    c.check("GET /v1/validators?height=x", "GET", "/v1/validators?height=x", "/v1/validators", 400, expect_code="bad_request")
    c.check("GET /v1/validators?height={far}", "GET", f"/v1/validators?height={tip + 1000000}", "/v1/validators", 404,
            expect_code="not_found")
    listed = c.check("GET /v1/evidence", "GET", "/v1/evidence", "/v1/evidence", 200) or {}
    for e in listed.get("evidence", [])[:1]:
        at = e["includedAt"]
        c.check("GET /v1/blocks/{includedAt}?txs=full of included evidence", "GET", f"/v1/blocks/{at}?txs=full",
                "/v1/blocks/{ref}", 200, extra=lambda j: None if any(
                    {k: v for k, v in e.items() if k != "includedAt"} == x for x in j.get("evidence", []))
                else "the block does not carry the evidence")
    c.check("GET /v1/evidence?limit=1", "GET", "/v1/evidence?limit=1", "/v1/evidence", 200,
            extra=lambda j: None if len(j["evidence"]) <= 1 else "more than limit")
    c.check("GET /v1/evidence?limit=0", "GET", "/v1/evidence?limit=0", "/v1/evidence", 400, expect_code="bad_request")
    check_rounds(c, tip)


def check_rounds(c, tip):
    """The consensus rounds a node saw: 200 where its driver ran the height, typed 404s elsewhere
    (and a 404 `not_found` for every height on a node that runs no consensus driver)."""
    path, one = "/v1/consensus/heights", "/v1/consensus/heights/{height}"
    c.check("GET /v1/consensus/heights/x", "GET", f"{path}/x", one, 400, expect_code="bad_request")
    c.check("GET /v1/consensus/heights?limit=0", "GET", f"{path}?limit=0", path, 400, expect_code="bad_request")
    c.check("GET /v1/consensus/heights/0 (the genesis)", "GET", f"{path}/0", one, 404, expect_code="not_found")
    c.check("GET /v1/consensus/heights/{far}", "GET", f"{path}/{tip + 1000000}", one, 404, expect_code="not_found")
    status, _, raw = c.request("GET", path)
    if status == 404:
        c.check("GET /v1/consensus/heights (no consensus driver)", "GET", path, path, 404, expect_code="not_found")
        return
    listed = c.check("GET /v1/consensus/heights", "GET", path, path, 200) or {}
    for h in listed.get("heights", [])[1:2]:
        c.check("GET /v1/consensus/heights/{recorded}", "GET", f"{path}/{h['height']}", one, 200,
                extra=lambda j: None if j["height"] == h["height"] and j["rounds"] else "not the height asked, or no rounds")


def check_contracts(c, plain, contract):
    """The contract routes: 404 for an account without code, 400s for bad input, and with
    `contract` (a deployed contract) its code, storage, one key with proofs and a query."""
    one, storage, key, query = ("/v1/contracts/{address}", "/v1/contracts/{address}/storage",
                                "/v1/contracts/{address}/storage/{key}", "/v1/contracts/{address}/query")
    c.check("GET /v1/contracts/x (bad address)", "GET", "/v1/contracts/x", one, 400, expect_code="bad_address")
    if plain:
        c.check("GET /v1/contracts/{plain account}", "GET", f"/v1/contracts/{plain}", one, 404, expect_code="not_found")
        c.check("GET /v1/contracts/{plain}/storage", "GET", f"/v1/contracts/{plain}/storage", storage, 404,
                expect_code="not_found")
        c.check("GET /v1/contracts/{plain}/storage/00", "GET", f"/v1/contracts/{plain}/storage/00", key, 404,
                expect_code="not_found")
        c.check("POST /v1/contracts/{plain}/query", "POST", f"/v1/contracts/{plain}/query", query, 404,
                body=json.dumps({"method": "get"}), expect_code="not_found")
        c.check("POST a query without a method", "POST", f"/v1/contracts/{plain}/query", query, 400,
                body="{}", expect_code="bad_request")
        c.check("POST a query with a bad method name", "POST", f"/v1/contracts/{plain}/query", query, 400,
                body=json.dumps({"method": "Bad-Name"}), expect_code="bad_request")
        c.check("POST a query with args 5", "POST", f"/v1/contracts/{plain}/query", query, 422,
                body=json.dumps({"method": "get", "args": 5}), expect_code="wrong_type")
        c.check("POST a query that is not JSON", "POST", f"/v1/contracts/{plain}/query", query, 400,
                body="{", expect_code="bad_json")
        c.check("GET /v1/contracts/{plain}/storage?prefix=zz", "GET", f"/v1/contracts/{plain}/storage?prefix=zz", storage,
                400, expect_code="bad_request")
        c.check("GET /v1/contracts/{plain}/storage?limit=1001", "GET", f"/v1/contracts/{plain}/storage?limit=1001",
                storage, 400, expect_code="bad_request")
    if not contract:
        return
    info = c.check("GET /v1/contracts/{contract}", "GET", f"/v1/contracts/{contract}", one, 200,
                   extra=lambda j: None if j["methods"] else "no methods") or {}
    listing = c.check("GET /v1/contracts/{contract}/storage", "GET", f"/v1/contracts/{contract}/storage", storage, 200,
                      extra=lambda j: None if j["entries"] else "expected stored entries") or {}
    c.check("GET /v1/contracts/{contract}/storage?limit=1", "GET", f"/v1/contracts/{contract}/storage?limit=1", storage, 200,
            extra=lambda j: None if len(j["entries"]) == 1 and ("next" in j) == (info.get("storageKeys", 0) > 1)
            else "expected one entry and a next cursor exactly when there are more")
    for entry in listing.get("entries", [])[:1]:
        c.check("GET /v1/contracts/{contract}/storage/{key}", "GET", f"/v1/contracts/{contract}/storage/{entry['key']}", key,
                200, extra=lambda j: None if j.get("value") == entry["value"] else "value differs from the listing")
    c.check("GET /v1/contracts/{contract}/storage/{absent key}", "GET", f"/v1/contracts/{contract}/storage/ffffffff", key,
            200, extra=lambda j: None if "value" not in j and j["proof"]["terminal"]["kind"] != "value" else "expected absence")
    for method in info.get("methods", [])[:2]:
        c.check(f"POST /v1/contracts/{{contract}}/query {method}", "POST", f"/v1/contracts/{contract}/query", query, 200,
                body=json.dumps({"method": method}))


def check_exchange(c, account, tip):
    """The exchange routes: assets (KSR first), markets and their book, trades and candles
    (200 for each market the node has), 404s for unknown assets, markets and orders, 400s
    for malformed names and parameters, and a block's clearings."""
    asset, market = "/v1/assets/{asset}", "/v1/markets/{market}"
    c.check("GET /v1/assets", "GET", "/v1/assets", "/v1/assets", 200,
            extra=lambda j: None if j["assets"] and j["assets"][0]["symbol"] == "KSR" else "KSR is not first")
    c.check("GET /v1/assets/0", "GET", "/v1/assets/0", asset, 200,
            extra=lambda j: None if j["symbol"] == "KSR" and "issuer" not in j else "asset 0 is not KSR")
    c.check("GET /v1/assets/ksr", "GET", "/v1/assets/ksr", asset, 200)
    c.check("GET /v1/assets/NOSUCH", "GET", "/v1/assets/NOSUCH", asset, 404, expect_code="not_found")
    c.check("GET /v1/assets/4294967296", "GET", "/v1/assets/4294967296", asset, 400, expect_code="bad_request")
    c.check("GET /v1/assets/9x", "GET", "/v1/assets/9x", asset, 400, expect_code="bad_request")
    markets = (c.check("GET /v1/markets", "GET", "/v1/markets", "/v1/markets", 200) or {}).get("markets", [])
    c.check("GET /v1/markets/NOSUCH-KSR", "GET", "/v1/markets/NOSUCH-KSR", market, 404, expect_code="not_found")
    c.check("GET /v1/markets/KSR", "GET", "/v1/markets/KSR", market, 400, expect_code="bad_request")
    c.check("GET /v1/markets/KSR-KSR/book", "GET", "/v1/markets/KSR-KSR/book", market + "/book", 404,
            expect_code="not_found")
    c.check("GET /v1/markets/0-1/trades", "GET", "/v1/markets/0-1/trades", market + "/trades", 404)
    c.check("GET /v1/markets/0-1/candles", "GET", "/v1/markets/0-1/candles", market + "/candles", 404)
    for m in markets[:2]:
        name = m["market"]
        c.check(f"GET /v1/markets/{name}", "GET", f"/v1/markets/{name}", market, 200)
        c.check(f"GET /v1/markets/{m['pair']}", "GET", f"/v1/markets/{m['pair']}", market, 200,
                extra=lambda j, n=name: None if j["market"] == n else "the pair names another market")
        c.check(f"GET /v1/markets/{name}/book?depth=5", "GET", f"/v1/markets/{name}/book?depth=5", market + "/book", 200,
                extra=lambda j: None if len(j["bids"]) <= 5 and len(j["asks"]) <= 5 else "more levels than depth")
        c.check(f"GET /v1/markets/{name}/book?depth=0", "GET", f"/v1/markets/{name}/book?depth=0", market + "/book", 400,
                expect_code="bad_request")
        trades = (c.check(f"GET /v1/markets/{name}/trades", "GET", f"/v1/markets/{name}/trades", market + "/trades", 200)
                  or {}).get("trades", [])
        for t in trades[:1]:
            audit = c.check(f"GET /v1/blocks/{t['height']}/clearings (a block that traded {name})", "GET",
                            f"/v1/blocks/{t['height']}/clearings", "/v1/blocks/{ref}/clearings", 200,
                            extra=lambda j, p=t["price"]: None if any(x["price"] == p for x in j["clearings"])
                            else "the trade's price is not among the block's clearings") or {}
            for fill in (audit.get("clearings") or [{}])[0].get("fills", [])[:1]:
                c.check("GET /v1/orders/{a filled order}", "GET", f"/v1/orders/{fill['order']}", "/v1/orders/{id}", 200,
                        extra=lambda j: None if j["fills"] else "the order shows no fills")
                c.check("GET /v1/txs/{an order's transaction}", "GET", f"/v1/txs/{fill['order']}", "/v1/txs/{id}", 200,
                        extra=lambda j: None if j["tx"].get("exchange", {}).get("action") == "place-order"
                        else "no exchange fields")
        c.check(f"GET /v1/markets/{name}/candles?interval=300", "GET", f"/v1/markets/{name}/candles?interval=300",
                market + "/candles", 200)
        c.check(f"GET /v1/markets/{name}/candles?interval=7", "GET", f"/v1/markets/{name}/candles?interval=7",
                market + "/candles", 400, expect_code="bad_request")
    c.check("GET /v1/orders/{unknown}", "GET", "/v1/orders/" + "0" * 64, "/v1/orders/{id}", 404, expect_code="not_found")
    c.check("GET /v1/orders/xyz", "GET", "/v1/orders/xyz", "/v1/orders/{id}", 400, expect_code="bad_request")
    if account:
        c.check("GET /v1/accounts/{miner}/assets", "GET", f"/v1/accounts/{account}/assets", "/v1/accounts/{address}/assets", 200,
                extra=lambda j: None if j["balances"] and j["balances"][0]["symbol"] == "KSR" else "KSR is not listed first")
        c.check("GET /v1/accounts/{miner}/orders", "GET", f"/v1/accounts/{account}/orders", "/v1/accounts/{address}/orders", 200)
        c.check("GET /v1/accounts/{miner}/fills", "GET", f"/v1/accounts/{account}/fills?limit=5", "/v1/accounts/{address}/fills", 200)
        c.check("GET /v1/accounts/{miner}/fills?limit=0", "GET", f"/v1/accounts/{account}/fills?limit=0",
                "/v1/accounts/{address}/fills", 400, expect_code="bad_request")
    c.check("GET /v1/accounts/x/assets", "GET", "/v1/accounts/x/assets", "/v1/accounts/{address}/assets", 400,
            expect_code="bad_address")
    c.check("GET /v1/blocks/{tip}/clearings", "GET", f"/v1/blocks/{tip}/clearings", "/v1/blocks/{ref}/clearings", 200)
    c.check("GET /v1/blocks/{tip+1}/clearings", "GET", f"/v1/blocks/{tip + 1000000}/clearings", "/v1/blocks/{ref}/clearings",
            404, expect_code="not_found")


def c_header(c, height):
    """The BFT fields of the header at `height` (empty when there are none)."""
    _, _, raw = c.request("GET", f"/v1/blocks/{height}")
    return json.loads(raw).get("header", {}).get("bft", {})


def check_events(c, wait):
    """Reads the event stream for a while and checks each event's data against its schema."""
    name = "GET /v1/events"
    schemas = {"block": "/components/schemas/BlockEvent", "tx": "/components/schemas/TxEvent",
               "reorg": "/components/schemas/ReorgEvent", "side": "/components/schemas/SideEvent",
               "trade": "/components/schemas/TradeEvent"}
    pointer, why = c.response_schema_pointer("/v1/events", "GET", 200, "text/event-stream")
    problems = [why] if why else []
    seen = []
    try:
        r = urllib.request.urlopen(c.base + "/v1/events", timeout=wait + 2)
    except Exception as e:
        c.result(False, name, str(e))
        return
    try:
        ctype = r.headers.get("Content-Type", "").split(";")[0].strip()
        if r.status != 200 or ctype != "text/event-stream":
            problems.append(f"status {r.status}, content type {ctype!r}")
        first = r.readline().decode()
        if first.strip() != ": connected":
            problems.append(f"first line {first!r}, expected ': connected'")
        deadline = time.time() + wait
        event = None
        while time.time() < deadline and not problems:
            line = r.readline().decode()
            if not line:
                break
            line = line.rstrip("\n")
            if line.startswith("event: "):
                event = line[len("event: "):]
            elif line.startswith("data: "):
                if event not in schemas:
                    problems.append(f"unknown event name {event!r}")
                    break
                errs = c.schema_errors(schemas[event], json.loads(line[len("data: "):]))
                if errs:
                    problems.append(f"{event} data: {errs}")
                seen.append(event)
            elif line == "":
                event = None
            if len(seen) >= 3:
                break
    except Exception as e:  # a read timeout: no events in time
        if not seen and "timed out" not in str(e):
            problems.append(str(e))
    finally:
        r.close()
    c.result(not problems, name, "; ".join(problems) if problems else
             f"200 text/event-stream, events seen: {', '.join(seen) or 'none within %.0fs' % wait}")


if __name__ == "__main__":
    sys.exit(main())
