"""Tokens (hashed, 0600, atomic, revocable at once), the audit file, the
``cobuild token`` and ``cobuild serve`` commands, and the shared version
read of the Neo4j source."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from api_kit import serve
from roster_kit import rich_roster

from api.audit import AuditLog
from api.auth import Principal, TokenStore, hash_token
from api.source import RosterSource, _FreshVersion
from loaders.writer import write_roster


def _cobuild(home: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env["COBUILD_HOME"] = str(home)
    return subprocess.run([sys.executable, "-m", "cli.main", *args], env=env,
                          capture_output=True, text=True, timeout=120, **kw)


def test_tokens_are_stored_hashed_in_a_private_file(tmp_path):
    store = TokenStore(tmp_path / "tokens.json")
    rec, secret = store.create("planner", street="S1", name="组织办")
    text = (tmp_path / "tokens.json").read_text(encoding="utf-8")
    assert secret not in text
    assert hash_token(secret) in text
    assert stat.S_IMODE((tmp_path / "tokens.json").stat().st_mode) == 0o600
    assert len(secret) >= 40 and secret.startswith("cbt_")
    assert store.verify(secret) == rec
    assert store.verify(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    assert store.verify("") is None and store.verify(hash_token(secret)) is None
    assert [r.id for r in store.records()] == [rec.id]
    assert "sha256" not in rec.public()


def test_writes_are_atomic_and_concurrent_creates_all_land(tmp_path):
    store = TokenStore(tmp_path / "tokens.json")
    made = []

    def make(i):
        made.append(TokenStore(tmp_path / "tokens.json").create("reader", name=f"t{i}"))

    threads = [threading.Thread(target=make, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store.records()) == 20
    assert all(store.verify(secret) == rec for rec, secret in made)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tokens-")] == []


def test_token_cli_prints_the_token_once_as_its_last_line(tmp_path):
    out = _cobuild(tmp_path, "token", "create", "--role", "planner", "--street", "S1",
                   "--name", "城关街道")
    assert out.returncode == 0, out.stderr
    secret = out.stdout.strip().splitlines()[-1]
    rec = TokenStore(tmp_path / "tokens.json").verify(secret)
    assert (rec.role, rec.street, rec.name) == ("planner", "S1", "城关街道")
    listed = _cobuild(tmp_path, "token", "list")
    assert rec.id in listed.stdout and secret not in listed.stdout
    assert hash_token(secret) not in listed.stdout
    assert _cobuild(tmp_path, "token", "revoke", rec.id).returncode == 0
    assert TokenStore(tmp_path / "tokens.json").verify(secret) is None
    assert _cobuild(tmp_path, "token", "revoke", rec.id).returncode == 1
    bad = _cobuild(tmp_path, "token", "create", "--role", "owner")
    assert bad.returncode == 2 and "reader" in bad.stderr


def test_a_revoked_token_stops_working_in_the_running_server(tmp_path):
    path = write_roster(rich_roster(), tmp_path / "r.xlsx")
    with serve(RosterSource(path), tmp_path / "home") as api:
        rec, secret = api.tokens.create("reader")
        h = {"Authorization": f"Bearer {secret}"}
        assert httpx.get(api.url + "/api/v1/streets", headers=h).status_code == 200
        out = _cobuild(tmp_path / "home", "token", "revoke", rec.id)
        assert out.returncode == 0, out.stderr
        assert httpx.get(api.url + "/api/v1/streets", headers=h).status_code == 401
        # and a token made by the command works at once
        new = _cobuild(tmp_path / "home", "token", "create", "--role", "reader")
        secret2 = new.stdout.strip().splitlines()[-1]
        r = httpx.get(api.url + "/api/v1/streets", headers={"Authorization": f"Bearer {secret2}"})
        assert r.status_code == 200


def test_the_audit_file_is_private_and_holds_codes_not_numbers(tmp_path):
    log = AuditLog(tmp_path / "audit.jsonl")
    who = Principal("t_1", "ops", "planner", "S1")
    log.write(who, "GET", "/api/v1/people/P1", ["P2", "P1", "P1"])
    log.write(who, "GET", "/api/v1/people/P3", ["P3"])
    assert stat.S_IMODE((tmp_path / "audit.jsonl").stat().st_mode) == 0o600
    items, total = log.read(limit=1)
    assert total == 2 and items[0]["persons"] == ["P3"]
    items, _ = log.read(limit=5, offset=1)
    assert items[0]["persons"] == ["P1", "P2"] and items[0]["street"] == "S1"
    assert log.read(limit=5, offset=5) == ([], 2)


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_command_answers_over_http_with_a_roster_file(tmp_path, workers):
    path = write_roster(rich_roster(), tmp_path / "r.xlsx")
    token = _cobuild(tmp_path, "token", "create", "--role", "reader").stdout.splitlines()[-1]
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env["COBUILD_HOME"] = str(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "cli.main", "serve", "--roster", str(path),
                             "--port", str(port), "--workers", str(workers),
                             "--log-level", "warning"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(url + "/healthz")
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read()
                assert time.monotonic() < deadline
                time.sleep(0.2)
        r = httpx.get(url + "/api/v1/communities", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200 and r.json()["total"] == len(rich_roster().rows("communities"))
        assert httpx.get(url + "/readyz", headers={"Authorization": f"Bearer {token}"}
                         ).json()["source"] == "roster"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert "只读" in proc.stderr.read()


def test_serve_without_any_data_source_says_what_to_do(tmp_path):
    out = _cobuild(tmp_path, "serve", "--port", "1")
    assert out.returncode == 2
    assert "--roster" in out.stderr and "cobuild neo4j start" in out.stderr


def test_concurrent_version_reads_are_shared_but_never_older_than_the_request():
    """Each caller gets a read that started after it asked; callers that
    overlap share reads."""
    starts: list[float] = []
    lock = threading.Lock()

    def read():
        t = time.monotonic()
        with lock:
            starts.append(t)
        time.sleep(0.02)
        return t

    fresh = _FreshVersion(read)
    results: list[tuple[float, float]] = []

    def caller(delay):
        time.sleep(delay)
        asked = time.monotonic()
        results.append((asked, fresh.get()))

    threads = [threading.Thread(target=caller, args=(i * 0.003,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 40
    assert all(started >= asked for asked, started in results)
    assert len(starts) < 20, "overlapping callers share reads"


def test_a_failed_version_read_reaches_every_waiter():
    def read():
        time.sleep(0.01)
        raise ConnectionError("down")

    fresh = _FreshVersion(read)
    errors = []

    def caller():
        try:
            fresh.get()
        except ConnectionError as e:
            errors.append(e)

    threads = [threading.Thread(target=caller) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(errors) == 10


@pytest.mark.parametrize("path", ["/api/v1/communities", "/readyz"])
def test_openapi_is_public_and_data_is_not(tmp_path, path):
    roster = write_roster(rich_roster(), tmp_path / "r.xlsx")
    with serve(RosterSource(roster), tmp_path / "home") as api:
        assert httpx.get(api.url + "/openapi.json").status_code == 200
        assert httpx.get(api.url + path).status_code == 401
        doc = json.loads(httpx.get(api.url + "/openapi.json").text)
        assert "/docs" not in doc["paths"] and httpx.get(api.url + "/docs").status_code == 404
