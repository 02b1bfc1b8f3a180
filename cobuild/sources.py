"""Where a graph comes from: a roster file (no server) or the Neo4j database.

One function for every caller that lets the user choose -- the ``analyze``
and ``explore`` commands, the notebooks -- so each of them opens a roster, or
the database, the same way and says the same thing when it cannot.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

import networkx as nx

from cobuild.database import database_configured
from graph.errors import CobuildError, NotFound

__all__ = ["open_graph", "database_configured"]


def open_graph(roster: str | os.PathLike | None = None, *, db: bool = False,
               street: str | None = None, community: str | None = None,
               progress: Callable[[str], None] | None = None) -> nx.MultiDiGraph:
    """The co-building graph of a roster file, or of the database.

    Parameters
    ----------
    roster : path, optional
        An .xlsx workbook, a folder of CSV files or a .zip of CSV files. It is
        read and validated as a whole (:func:`loaders.load_roster`); an
        invalid roster raises :class:`~graph.errors.RosterError`.
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
        raise CobuildError("使用数据库(--db)时不要再给花名册", "with --db give no roster")
    if db:
        from cobuild.database import connect
        from graph import store

        if progress:
            progress("读取 Neo4j / reading the graph from Neo4j")
        with connect() as database:
            G = store.load_graph(database, street=street, community=community)
        _check_present(G, street, community, "数据库 the database")
        return G

    if not roster:
        raise CobuildError("请给出花名册文件或文件夹,或使用 --db 读取数据库",
                           "give a roster file or folder, or use --db to read the database")
    if not Path(roster).exists():
        raise CobuildError(f"找不到花名册 {roster}", f"roster {roster} not found")
    import loaders
    from graph.build import roster_to_graph
    from graph.scope import subgraph

    r = loaders.load_roster(roster, progress=progress)
    if progress:
        progress("建图 / building the graph")
    G = roster_to_graph(r)
    _check_present(G, street, community, "花名册 the roster")
    if street or community:
        G = subgraph(G, street=street, community=community)
    return G


def _check_present(G: nx.MultiDiGraph, street: str | None, community: str | None, where: str) -> None:
    for label, code, zh in (("Street", street, "街道"), ("Community", community, "社区")):
        if code and f"{label}:{code}" not in G:
            raise NotFound(f"{where.split()[0]}中没有编码为 {code} 的{zh}",
                           f"no {label.lower()} with code {code} in {' '.join(where.split()[1:])}")
