"""Where a graph comes from: a roster file (no server) or the Neo4j database.

The one place every face opens a source -- the ``analyze``, ``explore`` and
``demo`` commands, the API's roster and database sources, the notebooks --
so each of them reads a roster, or the database, the same way and says the
same thing when it cannot:

* :func:`open_roster` -- a roster file read, checked and built into the
  graph (once);
* :func:`database_graph` -- the graph stored in an open database, or one
  street's / community's scope of it;
* :func:`open_graph` -- either of them, as the user chose.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, NamedTuple

import networkx as nx

from cobuild.database import database_configured
from graph import schema
from graph.errors import CobuildError, Issue, NotFound, RosterError

__all__ = ["RosterGraph", "open_roster", "database_graph", "open_graph", "database_configured"]


class RosterGraph(NamedTuple):
    """A roster file opened: the roster, its issues (errors and warnings) and
    its graph (None when the roster has errors)."""

    roster: object
    issues: list[Issue]
    graph: nx.MultiDiGraph | None


def open_roster(path: str | os.PathLike, *, progress: Callable[[str], None] | None = None,
                strict: bool = True) -> RosterGraph:
    """Read and check a roster file and build its graph.

    Parameters
    ----------
    path : path
        An .xlsx workbook, a folder of CSV files or a .zip of CSV files
        (:func:`loaders.check_roster`).
    strict : bool
        Raise :class:`~graph.errors.RosterError` (with every issue) when the
        roster has errors (default); otherwise return it with no graph.

    Raises
    ------
    CobuildError
        The file is missing (or :class:`~graph.errors.NotARosterError`: it
        is not a roster at all).
    """
    if not Path(path).exists():
        raise CobuildError(f"找不到花名册 {path}", f"roster {path} not found")
    import loaders
    from graph.build import roster_to_graph

    roster, issues = loaders.check_roster(path, progress=progress)
    if any(i.severity == "error" for i in issues):
        if strict:
            raise RosterError(issues)
        return RosterGraph(roster, issues, None)
    if progress:
        progress("建图 / building the graph")
    return RosterGraph(roster, issues, roster_to_graph(roster))


def database_graph(database, *, street: str | None = None,
                   community: str | None = None) -> nx.MultiDiGraph:
    """The graph stored in ``database`` (:class:`graph.db.Database`), or the
    scope of one street / community (read by the same walk as a roster's).

    Raises
    ------
    NotFound
        The street or community is not stored.
    """
    from graph import store

    G = store.load_graph(database, street=street, community=community)
    _check_present(G, street, community, "数据库 the database")
    return G


def open_graph(roster: str | os.PathLike | None = None, *, db: bool = False,
               street: str | None = None, community: str | None = None,
               progress: Callable[[str], None] | None = None) -> nx.MultiDiGraph:
    """The co-building graph of a roster file, or of the database.

    Parameters
    ----------
    roster : path, optional
        An .xlsx workbook, a folder of CSV files or a .zip of CSV files. It is
        read and validated as a whole (:func:`open_roster`); an invalid
        roster raises :class:`~graph.errors.RosterError`.
    db : bool
        Read the stored graph from Neo4j instead (:func:`cobuild.database.connect`).
    street, community : str, optional
        Only this street's / community's scope (:mod:`graph.scope`); at most
        one of them.

    Raises
    ------
    CobuildError
        Neither or both sources given, the roster missing, both scopes given.
    NotFound
        The street or community is not in the graph.
    """
    if street and community:
        raise CobuildError("--street 和 --community 只能选一个", "give --street or --community, not both")
    if db and roster:
        raise CobuildError("使用数据库（--db）时不要再给花名册", "with --db give no roster")
    if db:
        from cobuild.database import connect

        if progress:
            progress("读取 Neo4j / reading the graph from Neo4j")
        with connect() as database:
            return database_graph(database, street=street, community=community)

    if not roster:
        raise CobuildError("请给出花名册文件或文件夹，或使用 --db 读取数据库",
                           "give a roster file or folder, or use --db to read the database")
    from graph.scope import subgraph

    G = open_roster(roster, progress=progress).graph
    _check_present(G, street, community, "花名册 the roster")
    if street or community:
        G = subgraph(G, street=street, community=community)
    return G


def _check_present(G: nx.MultiDiGraph, street: str | None, community: str | None, where: str) -> None:
    for label, code, zh in (("Street", street, "街道"), ("Community", community, "社区")):
        if code and schema.node_id(label, code) not in G:
            raise NotFound(f"{where.split()[0]}中没有编码为 {code} 的{zh}",
                           f"no {label.lower()} with code {code} in {' '.join(where.split()[1:])}")
