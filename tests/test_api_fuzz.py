"""Schemathesis fuzzing of the served OpenAPI document, over a real socket,
with a bounded number of cases: no 5xx, every status documented, every
response valid against its own schema, bad input rejected with 4xx.

Source: the demo county from a roster file; token: an admin's (so every
operation is reachable; imports answer the documented 409). Every read
answer with an ETag is asked again with ``If-None-Match``: a documented 304.
"""

from __future__ import annotations

import atexit
import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pytest
import schemathesis
from api_kit import serve, write_demo
from hypothesis import HealthCheck, settings

from api.auth import TokenStore
from api.source import RosterSource

#: Cases per operation (positive and negative together); ~25 operations.
MAX_EXAMPLES = 40

#: Seconds a case may take: a plan for a new as-of date solves afresh, which
#: on a loaded CI machine can pass the client's default of 10 s.
TIMEOUT = 120


#: The server's COBUILD_HOME and an admin token in it, made at collection
#: so that schemathesis knows the token as the document's bearer scheme (its
#: negative cases then leave the token alone instead of dropping it).
HOME = Path(tempfile.mkdtemp(prefix="cobuild-fuzz-"))
atexit.register(shutil.rmtree, HOME, True)  # also when only collected
ADMIN = TokenStore(HOME / "tokens.json").create("admin", name="schemathesis")[1]


@pytest.fixture(scope="module")
def fuzz_api(tmp_path_factory):
    source = RosterSource(write_demo(tmp_path_factory.mktemp("roster")))
    with serve(source, HOME) as api:
        yield api


class _DocumentOnly:
    """Enough of a data source to build the app and its OpenAPI document."""

    kind = "roster"
    read_only = True


def _document() -> dict:
    from api.app import create_app
    from graph.settings import Settings

    return create_app(Settings(cobuild_home="/nonexistent"), _DocumentOnly()).openapi()


#: The document the server serves (checked below), loaded when the module is
#: collected: schemathesis 4's lazy fixture loader does not run under pytest 9.
schema = schemathesis.openapi.from_dict(
    _document(),
    config=schemathesis.Config.from_dict({"auth": {"openapi": {"bearer": {"bearer": ADMIN}}}}),
)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_openapi_fuzz(case, fuzz_api):
    day = dt.date.today()
    response = case.call_and_validate(base_url=fuzz_api.url, timeout=TIMEOUT)
    tag = response.headers.get("etag")
    if response.status_code == 200 and tag:
        # the conditional request: the same case with the answer's ETag is a
        # documented 304 without a body (the validator's list form)
        tag = tag[0] if isinstance(tag, list) else tag
        again = case.call(base_url=fuzz_api.url, headers={"If-None-Match": f'W/"x", {tag}'},
                          timeout=TIMEOUT)
        if dt.date.today() != day:
            return  # midnight passed between the two: an ETag covers today, so a new day is a new answer
        assert again.status_code == 304, again.text
        assert again.content == b""
        case.validate_response(again)


def test_the_served_document_describes_every_route(fuzz_api):
    import httpx

    doc = httpx.get(fuzz_api.url + "/openapi.json").json()
    assert doc == schema.raw_schema, "the fuzzed document is the served one"
    paths = set(doc["paths"])
    for p in ("/healthz", "/readyz", "/api/v1/communities", "/api/v1/communities/{code}",
              "/api/v1/communities/{code}/gaps", "/api/v1/communities/{code}/network",
              "/api/v1/communities/{code}/explorer", "/api/v1/streets", "/api/v1/streets/{code}",
              "/api/v1/units/{code}", "/api/v1/orgs/{code}", "/api/v1/people/{code}",
              "/api/v1/gaps", "/api/v1/rules", "/api/v1/search", "/api/v1/imports",
              "/api/v1/audit"):
        assert p in paths, p
    community = doc["paths"]["/api/v1/communities/{code}"]["get"]
    assert community["responses"]["200"]["content"]["application/json"]["schema"]["$ref"] \
        .endswith("/Community")
