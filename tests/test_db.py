"""graph.db against the session's real Neo4j."""

from __future__ import annotations

import socket

import pytest

from cobuild import localserver as server
from graph import queries
from cobuild.database import connect
from graph.db import Database
from graph.errors import DatabaseUnavailable
from graph.settings import Settings


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends


# Test probes only (a label outside the domain schema); product Cypher is in graph/queries.py.
CREATE_PROBE = "CREATE (:Probe {code: $code, name: $name})"
PROBE_NAMES = "MATCH (p:Probe) RETURN p.name AS name ORDER BY name"
SCALE = "UNWIND $xs AS x RETURN x * $k AS y"


def _create_person(tx, code: str, name: str) -> None:
    tx.run(CREATE_PROBE, code=code, name=name).consume()


def _names(tx) -> list[str]:
    return [r["name"] for r in tx.run(PROBE_NAMES)]


def test_write_read_round_trip(neo4j_db: Database) -> None:
    neo4j_db.execute_write(_create_person, "P1", "张三")
    neo4j_db.execute_write(_create_person, "P2", "李四")
    assert neo4j_db.execute_read(_names) == ["张三", "李四"]  # code point order
    assert neo4j_db.run(queries.COUNT_NODES) == [{"nodes": 2}]


def test_fixture_starts_empty(neo4j_db: Database) -> None:
    # the previous test wrote nodes; the fixture must have removed them
    assert neo4j_db.run(queries.COUNT_NODES) == [{"nodes": 0}]


def test_run_passes_parameters(neo4j_db: Database) -> None:
    rows = neo4j_db.run(SCALE, xs=[1, 2, 3], k=10)
    assert [r["y"] for r in rows] == [10, 20, 30]


def test_connect_finds_the_configured_server(neo4j_server) -> None:
    if neo4j_server.private:
        # no NEO4J_URI: connect() finds the server recorded under COBUILD_HOME
        settings = Settings(cobuild_home=neo4j_server.home, neo4j_uri=None)
    else:
        settings = neo4j_server.settings
    with connect(settings) as db:
        assert db.uri == neo4j_server.uri
        assert db.server_version().startswith("Neo4j/")


def test_private_server_refuses_a_login_without_its_password(neo4j_server) -> None:
    if not neo4j_server.private:
        pytest.skip("NEO4J_URI is set: its authentication is that server's business")
    with pytest.raises(DatabaseUnavailable) as err:
        connect(Settings(neo4j_uri=neo4j_server.uri, neo4j_password=None))
    assert "拒绝了用户名或密码" in err.value.message_zh
    assert "rejected the user name or password" in err.value.message_en
    assert err.value.__cause__ is not None


def test_connect_closed_port_is_bilingual_unavailable() -> None:
    port = _closed_port()
    settings = Settings(neo4j_uri=f"bolt://127.0.0.1:{port}")
    with pytest.raises(DatabaseUnavailable) as err:
        connect(settings)
    assert f"127.0.0.1:{port}" in err.value.message_en
    assert "cobuild neo4j start" in err.value.message_en
    assert "无法连接" in err.value.message_zh
    assert err.value.__cause__ is not None  # the driver's error is kept for debugging


def test_connect_without_any_server_says_how_to_get_one(tmp_path) -> None:
    with pytest.raises(DatabaseUnavailable) as err:
        connect(Settings(cobuild_home=tmp_path, neo4j_uri=None))
    assert "cobuild neo4j start" in err.value.message_zh
    assert "NEO4J_URI" in err.value.message_en


def test_unknown_database_is_unavailable(neo4j_server) -> None:
    if neo4j_server.private:  # the private server's password is in its credentials file
        user, password = server.read_credentials(neo4j_server.home).auth
    else:
        user, password = neo4j_server.settings.neo4j_user, neo4j_server.settings.neo4j_password
    settings = Settings(neo4j_uri=neo4j_server.uri, neo4j_database="nosuchdb",
                        neo4j_password=password, neo4j_user=user)
    with pytest.raises(DatabaseUnavailable) as err:
        connect(settings)
    assert "nosuchdb" in err.value.message_en


def test_wipe_removes_data_constraints_and_indexes(neo4j_db: Database) -> None:
    import conftest

    for statement in queries.CREATE_CONSTRAINTS[:2] + queries.CREATE_INDEXES:
        neo4j_db.run(statement)
    neo4j_db.execute_write(_create_person, "P1", "张三")
    assert neo4j_db.run(queries.LIST_CONSTRAINTS) and neo4j_db.run(queries.LIST_INDEXES)
    conftest._wipe(neo4j_db)
    assert neo4j_db.run(queries.COUNT_NODES) == [{"nodes": 0}]
    assert neo4j_db.run(queries.LIST_CONSTRAINTS) == []
    assert neo4j_db.run(queries.LIST_INDEXES) == []
