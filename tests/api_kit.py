"""Helpers for the API tests: a real uvicorn server on a loopback socket,
an httpx client with a token, and a demo roster file.

Import from tests as ``from api_kit import ...``.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from pathlib import Path

import httpx
import uvicorn

from api.app import create_app
from api.auth import TokenStore
from graph.settings import Settings

#: The demo county's day: fixed, so the tests see the same posts counting.
AS_OF = dt.date(2025, 6, 30)
DEMO_SEED = 7


class LiveServer:
    """The API app served by uvicorn in a thread, on a free 127.0.0.1 port
    (the listening socket is bound first and handed over: no port race).

    Examples
    --------
    >>> with LiveServer(app) as srv:          # doctest: +SKIP
    ...     httpx.get(srv.url + "/healthz")
    """

    def __init__(self, app) -> None:
        self.app = app
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       daemon=True, name=f"uvicorn-{self.port}")

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)
        self.sock.close()


class Api:
    """A served app with its token store: ``client(role, street)`` gives an
    httpx client that sends a fresh token of that role."""

    def __init__(self, srv: LiveServer, home: Path) -> None:
        self.srv = srv
        self.url = srv.url
        self.home = home
        self.tokens = TokenStore(home / "tokens.json")
        self._clients: list[httpx.Client] = []

    def token(self, role: str, street: str | None = None, name: str | None = None) -> str:
        return self.tokens.create(role, street=street, name=name)[1]

    def client(self, role: str | None = "reader", street: str | None = None,
               name: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.token(role, street, name)}"} if role else {}
        c = httpx.Client(base_url=self.url, headers=headers, timeout=60)
        self._clients.append(c)
        return c

    def audit_lines(self) -> list[str]:
        path = self.home / "audit.jsonl"
        return path.read_text(encoding="utf-8").splitlines() if path.exists() else []

    def close(self) -> None:
        for c in self._clients:
            c.close()


def serve(source, home: Path):
    """Context manager: ``create_app`` on ``source`` with ``COBUILD_HOME=home``,
    served over a real socket; yields an :class:`Api`."""
    from contextlib import contextmanager

    @contextmanager
    def _cm():
        settings = Settings(cobuild_home=home)
        with LiveServer(create_app(settings, source)) as srv:
            api = Api(srv, settings.home)
            try:
                yield api
            finally:
                api.close()

    return _cm()


def demo_roster():
    """The demo county (fixed seed and day)."""
    from loaders.demo import generate

    return generate(seed=DEMO_SEED, scale=1.0, as_of=AS_OF)


def write_demo(folder: Path, suffix: str = ".xlsx") -> Path:
    """The demo county written as a roster file (``.xlsx``, or a CSV folder
    when ``suffix`` is empty)."""
    from loaders.writer import write_roster

    return write_roster(demo_roster(), folder / f"demo{suffix}")


def zip_folder(folder: Path, out: Path) -> Path:
    """A .zip of the CSV files in ``folder`` (what a planner uploads)."""
    import zipfile

    with zipfile.ZipFile(out, "w") as zf:
        for p in sorted(folder.iterdir()):
            zf.write(p, p.name)
    return out


class Oracle:
    """What the API should answer, worked out from the roster rows alone
    (not from the graph, the lookup module or the analysis' view)."""

    def __init__(self, roster, as_of: dt.date = AS_OF) -> None:
        from graph import schema

        self.roster = roster
        self.as_of = as_of
        self.rows = {t.key: [r.values for r in roster.rows(t.key)] for t in schema.TABLES}
        self.by_code = {k: {r["code"]: r for r in v if "code" in r} for k, v in self.rows.items()}
        self.unit_org_kinds = schema.UNIT_ORG_KINDS

    def counts(self, post: dict) -> bool:
        s, e = post.get("start"), post.get("end")
        return (s is None or s <= self.as_of) and (e is None or self.as_of <= e)

    def community_street(self, c: str) -> str:
        return self.by_code["communities"][c]["street"]

    def community_orgs(self, community: str) -> list[str]:
        from graph import schema

        return sorted(o["code"] for o in self.rows["party_orgs"]
                      if o.get("community") == community
                      and o["kind"] in schema.COMMUNITY_ORG_KINDS)

    def members(self, c_org: str) -> list[str]:
        return sorted(o["code"] for o in self.rows["party_orgs"]
                      if c_org in o.get("member_of", []) and o["kind"] in self.unit_org_kinds)

    def links(self, c_org: str, u_org: str) -> tuple[set[str], set[str]]:
        """People making U → C and C → U on the as-of date."""
        posts = [p for p in self.rows["posts"] if self.counts(p)]
        own = {(p["person"], p["org"]) for p in posts if p["post_type"] == "own"}
        part = {(p["person"], p["org"]) for p in posts if p["post_type"] == "part_time"}
        u_to_c = {person for person, org in part if org == c_org and (person, u_org) in own}
        c_to_u = {person for person, org in part if org == u_org and (person, c_org) in own}
        return u_to_c, c_to_u

    def org_streets(self, org: str) -> set[str]:
        o = self.by_code["party_orgs"][org]
        out = set()
        if o.get("street"):
            out.add(o["street"])
        if o.get("community"):
            out.add(self.community_street(o["community"]))
        if o.get("grid"):
            out.add(self.community_street(self.by_code["grids"][o["grid"]]["community"]))
        for u in o.get("units", []):
            out.add(self.community_street(self.by_code["units"][u]["community"]))
        return out

    def person_streets(self, person: str) -> set[str]:
        out = set()
        for p in self.rows["posts"]:
            if p["person"] == person:
                out |= self.org_streets(p["org"])
        for li in self.rows["liaisons"]:
            if li["person"] == person:
                t = li["target"]
                out.add(t if li["kind"] == "street_charge" else self.community_street(t))
        for h in self.rows["central_households"]:
            if h["person"] == person:
                out.add(self.community_street(self.by_code["grids"][h["grid"]]["community"]))
        for r in self.rows["registrations"]:
            if r["subject"] == person:
                out.add(self.community_street(r["community"]))
        return out

    def names_containing(self, q: str) -> set[tuple[str, str]]:
        """(label, code) of every node whose name/title or code contains q
        (case-insensitive)."""
        from graph import schema

        q = q.casefold()
        out = set()
        for k in schema.NODE_KINDS:
            for code, r in self.by_code[k.table].items():
                if q in str(r.get(k.name_key, "")).casefold() or q in code.casefold():
                    out.add((k.label, code))
        return out


def serve_demo(kind: str, request, tmp_path_factory, roster):
    """Generator for a module fixture: ``roster`` served from a roster file
    (``kind == "roster"``) or from the test Neo4j (``"neo4j"``, emptied
    before and after); yields an :class:`Api`."""
    from api.source import Neo4jSource, RosterSource
    from cobuild.database import connect
    from graph import queries, store
    from loaders.writer import write_roster

    db = None
    if kind == "roster":
        source = RosterSource(write_roster(roster, tmp_path_factory.mktemp("roster") / "demo.xlsx"))
    else:
        ts = request.getfixturevalue("neo4j_server")
        db = connect(ts.settings)
        db.run(queries.DELETE_ALL)
        store.import_roster(db, roster)
        source = Neo4jSource(db)
    try:
        with serve(source, tmp_path_factory.mktemp("home")) as a:
            a.kind = kind
            yield a
    finally:
        if db is not None:
            db.run(queries.DELETE_ALL)
            db.close()
