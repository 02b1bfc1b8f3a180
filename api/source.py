"""Where the API's data comes from: the Neo4j store, or a roster file.

Both sources hand out a :class:`Snapshot`: the graph of one data version,
its :class:`api.lookup.Lookup` indexes, and the gap analysis per as-of
date (computed once, then cached). Every read endpoint works on a snapshot,
so both sources answer it the same way.

Design choice: the graph is small enough to hold in memory (the demo county
is a few thousand nodes; a city is ~100k), and every lookup needs links in
two directions, part-time members and coverage that the analysis computes
on the whole graph anyway. So :class:`Neo4jSource` loads the graph once per
data version and keeps it; it reads the version with one tiny query
(:func:`graph.store.data_version`, the id of the latest import), shared by
the requests of the next :data:`VERSION_MAX_AGE` seconds, and reloads only
when that changed. A community lookup is then a dictionary walk, not a
round of Cypher queries.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import os
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable

import networkx as nx

from graph.db import READ_ACCESS, Database
from graph.errors import CobuildError
from api.lookup import Lookup

log = logging.getLogger("cobuild.api")

__all__ = ["canonical", "NOT_YET", "VERSION_MAX_AGE", "IMPORT_NOTICE", "Snapshot", "DataSource",
           "Neo4jSource", "RosterSource", "ReadOnlySource", "DeletionsNotConfirmed",
           "deletion_code"]


class ReadOnlySource(CobuildError):
    """The roster-file source cannot import."""


def deletion_code(data_version: str, roster_sha256: str | None, plan) -> str:
    """What ``?confirm=`` must say to let an import delete: 12 hex digits
    bound to the stored data (its version), the roster file and the
    deletions themselves -- a confirmation given for one plan never lets
    another one through."""
    deleted = sorted((k, c["deleted"]) for k, c in plan.changes().items() if c["deleted"])
    text = "\x1f".join((data_version, roster_sha256 or "", repr(deleted)))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=6).hexdigest()


class DeletionsNotConfirmed(CobuildError):
    """An import would delete stored data and ``confirm`` does not match
    its :func:`deletion_code` (the API's 409, like the CLI's ``--yes``).
    ``details`` lists the deletions per label and relationship type."""

    def __init__(self, plan, code: str) -> None:
        from graph import schema

        self.code = code
        self.details = []
        for kind, c in sorted(plan.changes().items()):
            if not c["deleted"]:
                continue
            zh = (schema.node_kind(kind).zh if kind in schema.NODE_KINDS_BY_LABEL
                  else "关系“" + schema.rel_kind(kind).zh + "”")
            self.details.append({
                "kind": kind, "deleted": c["deleted"], "code": "would_delete",
                "message_zh": f"将删除 {c['deleted']} 个{zh}（{kind}）",
                "message_en": f"{c['deleted']} {kind} would be deleted",
            })
        super().__init__(
            f"导入将删除 {plan.deleted} 项已有数据（见 details），未写入任何数据；"
            f"确认删除请以同一文件重新提交，并加上 ?confirm={code}",
            f"the import would delete {plan.deleted} stored item(s) (see details); nothing was "
            f"written. To confirm, send the same file again with ?confirm={code}",
        )


def canonical(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """The same graph with nodes and edges in sorted order.

    A graph read from Neo4j and one built from the roster file hold the same
    nodes and edges in different orders; whatever iterates the graph (the
    explorer's edge ids, for one) then answers the same for both sources.
    """
    H = nx.MultiDiGraph()
    H.graph.update(G.graph)  # the roster's tables and columns (rules not checked)
    H.add_nodes_from(sorted(G.nodes(data=True), key=lambda x: x[0]))
    H.add_edges_from(sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])))
    return H


class Snapshot:
    """One data version: the graph, its lookup indexes, the view and gap
    analysis per as-of date (cached).

    Parameters
    ----------
    version : str
        Identifies the data (an import id, or the roster file's SHA-256).
    G : networkx.MultiDiGraph
        The co-building graph.
    max_analyses : int
        How many as-of dates keep their view and analysis cached.
    """

    def __init__(self, version: str, G: nx.MultiDiGraph, max_analyses: int = 16) -> None:
        self.version = version
        self.graph = canonical(G)
        self.lookup = Lookup(G)
        self._facts: OrderedDict[dt.date, tuple[Any, Any]] = OrderedDict()
        self._max = max_analyses
        self._lock = threading.Lock()
        self._memo: OrderedDict[tuple, Any] = OrderedDict()
        self._memo_lock = threading.Lock()

    def facts(self, as_of: dt.date):
        """``(view, analysis)`` on ``as_of``: the analysis' indexed
        :class:`graph.analysis.view.View` and :func:`graph.analysis.analyze`
        (findings and coverage summary; no structural figures), computed
        once per date -- one view, read by the analysis and the lookups."""
        from cobuild.analysis import analyze_scope

        with self._lock:
            hit = self._facts.get(as_of)
            if hit is None:
                analysis = analyze_scope(self.graph, as_of, with_structure=False)
                hit = (analysis.view, analysis)
                self._facts[as_of] = hit
                while len(self._facts) > self._max:
                    self._facts.popitem(last=False)
            else:
                self._facts.move_to_end(as_of)
            return hit


    def scope(self, as_of: dt.date, *, community: str | None = None,
              street: str | None = None) -> tuple[nx.MultiDiGraph, Any]:
        """``(graph, view)`` of one community's or street's scope on
        ``as_of``: the scope's graph and its :class:`graph.analysis.view.View`,
        built once and shared by its network and its explorer page."""
        from cobuild.explorer import scope_graph
        from graph.analysis.view import View

        def build():
            sub = scope_graph(self.graph, community=community, street=street)
            return sub, View(sub, as_of)

        return self.memo(("scope", community, street, as_of), build)

    def recall(self, key: tuple) -> Any:
        """What :meth:`memo` remembers under ``key``, or :data:`NOT_YET`."""
        with self._memo_lock:
            hit = self._memo.get(key, NOT_YET)
            if hit is not NOT_YET:
                self._memo.move_to_end(key)
            return hit

    def memo(self, key: tuple, build: Callable[[], Any], max_entries: int = 2048) -> Any:
        """``build()``, remembered under ``key`` for this data version (a
        rendered answer: the same question on the same data gets the same
        bytes). Least recently used entries go first."""
        hit = self.recall(key)
        if hit is not NOT_YET:
            return hit
        value = build()
        with self._memo_lock:
            self._memo[key] = value
            while len(self._memo) > max_entries:
                self._memo.popitem(last=False)
        return value


#: :meth:`Snapshot.recall` finds nothing remembered.
NOT_YET = object()


class DataSource:
    """What the API reads from. ``kind`` is ``"neo4j"`` or ``"roster"``."""

    kind: str = ""
    read_only: bool = True

    def snapshot(self) -> Snapshot:  # pragma: no cover - interface
        """The current data."""
        raise NotImplementedError

    async def snapshot_async(self) -> Snapshot:
        """:meth:`snapshot` for the event loop (no blocking while waiting)."""
        return self.snapshot()

    async def version_async(self) -> str:
        """The current data version (what :meth:`snapshot_async` would
        hand out)."""
        return (await self.snapshot_async()).version

    def ready(self) -> str | None:  # pragma: no cover - interface
        """Check the source answers; returns the data version. Raises
        :class:`DatabaseUnavailable` when it does not."""
        raise NotImplementedError

    def require_writable(self) -> None:
        """Raise :class:`ReadOnlySource` (409) when imports are not possible."""
        if self.read_only:
            raise ReadOnlySource(
                "当前数据源是只读的花名册文件，不能导入；请连接 Neo4j 数据库后再导入",
                "the data source is a read-only roster file; imports need the Neo4j database "
                "(start the server without --roster)",
            )

    def import_roster(self, roster, dry_run: bool = False,
                      within: str | None = None,
                      confirm: str | None = None):  # pragma: no cover - interface
        """Store a validated roster (replacing its jurisdiction); ``within``:
        the street the caller is limited to (:mod:`graph.ownership`). When
        that deletes stored data, ``confirm`` must be the plan's
        :func:`deletion_code`; otherwise :class:`DeletionsNotConfirmed`."""
        raise NotImplementedError

    def import_history(self, limit: int = 50) -> list[dict]:  # pragma: no cover - interface
        """Past imports, newest first."""
        raise NotImplementedError

    def close(self) -> None:
        """Release what the source holds."""


class RosterSource(DataSource):
    """A roster file (.xlsx, a CSV folder, a .zip of CSVs), read once at
    start, read-only.

    Parameters
    ----------
    path : str or Path
        The roster. It is validated as ``cobuild check`` does; a roster with
        errors raises :class:`graph.errors.RosterError`.
    """

    kind = "roster"
    read_only = True

    def __init__(self, path: str | Path) -> None:
        from cobuild.sources import open_roster

        self.path = Path(path)
        roster, _, G = open_roster(self.path)
        self.roster = roster
        version = "roster:" + (roster.sha256 or self.path.name)[:16]
        self._snapshot = Snapshot(version, G)

    def snapshot(self) -> Snapshot:
        return self._snapshot

    def ready(self) -> str | None:
        return self._snapshot.version

    def import_roster(self, roster, dry_run: bool = False, within: str | None = None,
                      confirm: str | None = None):
        self.require_writable()

    def import_history(self, limit: int = 50) -> list[dict]:
        return []


class _QuickReads(Database):
    """The same connection, for the per-request version check: one
    auto-commit read, which the driver does not retry -- a server that is
    not there fails at once (instead of ~30 s of retries), so the caller
    gets its 503 quickly."""

    def run(self, query: str, **params: Any) -> list[dict]:
        with self._guard(), self.driver.session(database=self.database,
                                                default_access_mode=READ_ACCESS) as session:
            return [r.data() for r in session.run(query, params)]


class _FreshVersion:
    """The data version, read for callers, with concurrent callers sharing
    reads (like a group commit); :meth:`get` for threads, :meth:`aget` for
    the event loop (callers wait on a future; the read runs in a worker
    thread, one per round of callers).

    A caller gets the result of a read that started at most ``max_age``
    seconds before it asked (with ``max_age=0``: a read that *started after
    it asked*, so it never sees data older than its request); callers that
    arrive while a read is under way wait for the next one, which serves
    them all. Under load that is one tiny query per round trip instead of
    one per request -- or, with ``max_age``, one per ``max_age`` at most.
    :meth:`invalidate` makes the next caller read again whatever its age.
    """

    def __init__(self, read: Callable[[], str], max_age: float = 0.0) -> None:
        self._read = read
        self.max_age = max_age
        self._cond = threading.Condition()
        self._started = 0  # reads started (by get)
        self._done = 0  # reads finished (by get)
        self._result: tuple[bool, Any] = (True, None)
        self._rounds: dict[int, list] = {}  # aget, per event loop: [next future, running]
        self._tasks: set = set()
        self._recent: tuple[float, str] | None = None  # (read started, value) of a good read
        self._epoch = 0  # invalidations: a read under way when one happens is not kept

    def invalidate(self) -> None:
        """Forget the last read: the next caller reads again."""
        self._epoch += 1
        self._recent = None

    def _recent_enough(self) -> str | None:
        recent = self._recent
        if self.max_age and recent is not None and time.monotonic() - recent[0] <= self.max_age:
            return recent[1]
        return None

    def _timed_read(self) -> str:
        started, epoch = time.monotonic(), self._epoch
        value = self._read()
        if epoch == self._epoch:
            self._recent = (started, value)
        return value

    def get(self) -> str:
        value = self._recent_enough()
        if value is not None:
            return value
        with self._cond:
            target = self._started + 1  # the first read to start after now
            while self._done < target:
                if self._started < target and self._started == self._done:
                    self._started += 1
                    self._cond.release()
                    try:
                        try:
                            result = (True, self._timed_read())
                        except BaseException as e:  # handed to every waiter
                            result = (False, e)
                    finally:
                        self._cond.acquire()
                    self._result = result
                    self._done = self._started
                    self._cond.notify_all()
                else:
                    self._cond.wait()
            ok, value = self._result
        if not ok:
            raise value
        return value

    async def aget(self) -> str:
        """:meth:`get` on the event loop. A version past half its age starts
        the next read in the background (nobody waits for it), so under
        steady load requests seldom wait for a read at all."""
        recent = self._recent
        if self.max_age and recent is not None:
            age = time.monotonic() - recent[0]
            if age <= self.max_age:
                if age > self.max_age / 2 and not self._reading():
                    self._next_round()
                return recent[1]
        return await asyncio.shield(self._next_round())

    def _reading(self) -> bool:
        """A read is under way on this event loop."""
        state = self._rounds.get(id(asyncio.get_running_loop()))
        return state is not None and state[1]

    def _next_round(self):
        """The future of the next read on this event loop, started now
        unless one is under way (then it starts when that one ends)."""
        import anyio.to_thread

        loop = asyncio.get_running_loop()
        state = self._rounds.setdefault(id(loop), [None, False])
        if state[0] is None:
            state[0] = loop.create_future()
        fut = state[0]
        if not state[1]:
            state[1] = True

            async def rounds():
                try:
                    while state[0] is not None:
                        this, state[0] = state[0], None
                        try:
                            this.set_result(await anyio.to_thread.run_sync(self._timed_read))
                        except BaseException as e:  # handed to every waiter
                            this.set_exception(e)
                            this.exception()  # retrieved: a background read may have no waiter
                finally:
                    state[1] = False

            task = loop.create_task(rounds())
            self._tasks.add(task)  # held until done (the loop keeps only a weak reference)
            task.add_done_callback(self._tasks.discard)
        return fut


#: Seconds a data version read from Neo4j serves later requests: an import
#: made elsewhere (the CLI, another machine) shows in the API at most this
#: late; one made through the API shows at once, in every worker.
VERSION_MAX_AGE = 0.1

#: The notice file of :class:`Neo4jSource` in ``$COBUILD_HOME``.
IMPORT_NOTICE = "api-import.stamp"


class Neo4jSource(DataSource):
    """The Neo4j store. The graph is loaded once per data version (the id of
    the latest import) and kept; the version is read with one tiny query,
    shared by the requests of the next ``max_age`` seconds, and the graph is
    reloaded only when it changed.

    Parameters
    ----------
    db : graph.db.Database
        An open database (``cobuild.database.connect()``).
    notice : Path, optional
        A file rewritten after each import made through this source and
        watched (one ``stat`` per request) for the imports of other
        processes sharing it -- the workers of ``cobuild serve --workers N``:
        an import through any of them is seen by all at once.
    max_age : float
        Seconds a version read serves (:data:`VERSION_MAX_AGE`; ``0``:
        every request reads it).
    """

    kind = "neo4j"
    read_only = False

    def __init__(self, db, notice: Path | None = None, max_age: float = VERSION_MAX_AGE) -> None:
        self.db = db
        self._quick = _QuickReads(db.driver, db.database, db.uri)
        self._fresh = _FreshVersion(self._read_version, max_age)
        self._notice = os.fspath(notice) if notice is not None else None
        self._notice_stamp = self._notice_stat()
        self._snapshot: Snapshot | None = None
        self._load_lock = threading.Lock()
        self._import_lock = threading.Lock()

    def _read_version(self) -> str:
        from graph import store

        v = store.data_version(self._quick)
        return "neo4j:" + (str(v) if v is not None else "empty")

    def _notice_stat(self) -> tuple[int, int, int] | None:
        if self._notice is None:
            return None
        try:
            st = os.stat(self._notice)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_ino, st.st_size)

    def _check_notice(self) -> None:
        """Another process imported through this source's notice file:
        forget the version read."""
        if self._notice is not None:
            stamp = self._notice_stat()
            if stamp != self._notice_stamp:
                self._notice_stamp = stamp
                self._fresh.invalidate()

    def _imported(self) -> None:
        """After an import: read the version again at once, here and (the
        notice file) in the other processes."""
        self._fresh.invalidate()
        if self._notice is None:
            return
        notice = Path(self._notice)
        try:
            notice.parent.mkdir(parents=True, exist_ok=True)
            tmp = notice.with_name(f".{notice.name}.{os.getpid()}")
            tmp.write_text(f"{os.getpid()} {time.time_ns()}\n", encoding="utf-8")
            os.replace(tmp, notice)  # a new inode: every watcher sees the change
        except OSError as e:
            log.warning("cannot write %s (%s): other workers see the import within %.1f s",
                        self._notice, type(e).__name__, self._fresh.max_age)
        self._notice_stamp = self._notice_stat()

    def _version(self) -> str:
        self._check_notice()
        return self._fresh.get()

    async def version_async(self) -> str:
        self._check_notice()
        return await self._fresh.aget()

    def snapshot(self) -> Snapshot:
        return self._snapshot_of(self._version())

    async def snapshot_async(self) -> Snapshot:
        version = await self.version_async()
        snap = self._snapshot
        if snap is not None and snap.version == version:
            return snap
        import anyio.to_thread

        return await anyio.to_thread.run_sync(self._snapshot_of, version)

    def _snapshot_of(self, version: str) -> Snapshot:
        """The snapshot of ``version``, loading the graph when it changed."""
        from cobuild.sources import database_graph

        snap = self._snapshot
        if snap is not None and snap.version == version:
            return snap
        with self._load_lock:
            snap = self._snapshot
            if snap is not None and snap.version == version:
                return snap
            G = database_graph(self.db)
            snap = Snapshot(version, G)
            self._snapshot = snap
            return snap

    def ready(self) -> str | None:
        return self._read_version()  # asks the database now

    def import_roster(self, roster, dry_run: bool = False, within: str | None = None,
                      confirm: str | None = None):
        from graph import store
        from graph.build import roster_to_graph

        version = self._read_version()  # now; a database that is down fails here at once
        with self._import_lock:
            G = roster_to_graph(roster)  # once, for the plan and the import
            if not dry_run:
                plan = store.plan_import(self.db, roster, graph=G, within=within)
                if plan.deleted:
                    code = deletion_code(version, roster.sha256, plan)
                    if confirm != code:
                        raise DeletionsNotConfirmed(plan, code)
            try:
                return store.import_graph(self.db, roster, G, dry_run=dry_run, within=within)
            finally:
                if not dry_run:
                    self._imported()

    def import_history(self, limit: int = 50) -> list[dict]:
        from graph import store

        return list(store.import_history(self._quick, limit))

    def close(self) -> None:
        self.db.close()
