"""Schemathesis hooks for the API contract run (scripts/schemathesis): valid values for
what a JSON Schema cannot spell out.

`format: kusari-address` (docs/openapi.yaml) marks an address path parameter. Its
pattern fixes the alphabet and the length; a bech32m checksum and the network cannot be
said in a pattern, so schema-valid data would be a wrong-checksum address that the node
rightly refuses. This strategy makes real devnet addresses (random 20-byte payloads,
encoded by the independent checker in conformance/check.py), lower- or upper-case.
"""
import pathlib
import sys

import schemathesis
from hypothesis import strategies as st

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "conformance"))
from check import encode_address  # noqa: E402  (the conformance checker's bech32m encoder)

schemathesis.openapi.format(
    "kusari-address",
    st.tuples(st.binary(min_size=20, max_size=20), st.booleans()).map(
        lambda pair: encode_address("ksrt", pair[0]).upper() if pair[1] else encode_address("ksrt", pair[0])),
)

from check import AddressError, parse_address  # noqa: E402

ADDRESS_PATHS = {"/v1/accounts/{address}", "/v1/accounts/{address}/txs", "/v1/contracts/{address}",
                 "/v1/contracts/{address}/storage", "/v1/contracts/{address}/storage/{key}",
                 "/v1/contracts/{address}/query", "/v1/accounts/{address}/assets", "/v1/accounts/{address}/orders",
                 "/v1/accounts/{address}/fills"}


@schemathesis.check
def bad_address_only_for_bad_addresses(ctx, response, case):
    """`400 bad_address` only for an address the independent checker also refuses on devnet.

    The run lets the address routes answer schema-valid data with 400 (scripts/schemathesis.toml:
    a pattern cannot hold the checksum); this check keeps that allowance honest."""
    if case.operation.path not in ADDRESS_PATHS or response.status_code != 400:
        return None
    error = response.json().get("error") or {}
    if error.get("code") != "bad_address":
        return None
    if str(error.get("message", "")).startswith("caller:"):
        return None   # a query's `caller` (body) was refused, not the path's address
    address = case.path_parameters["address"]
    try:
        parse_address(address, "devnet")
    except AddressError:
        return None
    raise AssertionError(f"the node refused {address!r} with bad_address, but it is a valid devnet address")


@schemathesis.check
def submissions_refused_for_a_documented_reason(ctx, response, case):
    """POST /v1/txs refuses only with the codes its 400, 413, 422 and 429 answers document."""
    if case.operation.path != "/v1/txs" or response.status_code not in (400, 413, 422, 429):
        return None
    documented = {400: {"bad_json", "bad_request", "invalid_encoding"}, 413: {"too_large"},
                  422: {"wrong_type", "wrong_chain", "bad_signature", "already_known", "nonce_too_low",
                        "nonce_too_far_ahead", "fee_too_low", "replacement_underpriced", "insufficient_balance",
                        "exchange_refused"},
                  429: {"rate_limited", "mempool_full"}}
    code = (response.json().get("error") or {}).get("code")
    if code not in documented[response.status_code]:
        raise AssertionError(f"POST /v1/txs answered {response.status_code} with code {code!r}, not one it documents")
    return None



import re  # noqa: E402

EXCHANGE_NAMES = {"/v1/assets/{asset}": ("asset", re.compile(r"^([0-9]{1,10}|[A-Za-z][A-Za-z0-9]{1,11})$"))}
for _path in ("/v1/markets/{market}", "/v1/markets/{market}/book", "/v1/markets/{market}/trades", "/v1/markets/{market}/candles"):
    EXCHANGE_NAMES[_path] = ("market", re.compile(
        r"^([0-9]{1,10}|[A-Za-z][A-Za-z0-9]{1,11})-([0-9]{1,10}|[A-Za-z][A-Za-z0-9]{1,11})$"))


@schemathesis.check
def bad_request_only_for_asset_ids_past_u32(ctx, response, case):
    """The exchange's names answer a name that matches its pattern with 400 only when an
    asset id in it is above 2^32 - 1 (scripts/schemathesis.toml allows the 400 for that)."""
    if case.operation.path not in EXCHANGE_NAMES or response.status_code != 400:
        return None
    name, pattern = EXCHANGE_NAMES[case.operation.path]
    value = str((case.path_parameters or {}).get(name, ""))
    message = str((response.json().get("error") or {}).get("message", ""))
    if not pattern.match(value) or "asset ids go up to 4294967295" in message:
        return None
    if message.split(":")[0] in ("depth", "limit", "before", "interval"):
        return None   # a query parameter outside its documented bounds
    raise AssertionError(f"{case.operation.path} answered 400 for {name} {value!r}: {message}")
