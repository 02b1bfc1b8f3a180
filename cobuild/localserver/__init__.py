"""The local Neo4j server that ``cobuild neo4j start`` installs and supervises.

It is part of the product's use cases, not of the graph: :mod:`graph.db`
only connects to an address with credentials, and :func:`cobuild.database.connect`
finds them here when no ``NEO4J_URI`` is set. One module per section:

* :mod:`~cobuild.localserver.layout` -- the server's folder and Neo4j version;
* :mod:`~cobuild.localserver.credentials` -- its user and password;
* :mod:`~cobuild.localserver.java` -- the JDK that runs it;
* :mod:`~cobuild.localserver.maven` -- Neo4j's jars from Maven Central;
* :mod:`~cobuild.localserver.process` -- starting, watching and stopping it
  (its docstring describes the files under ``$COBUILD_HOME/neo4j/``).
"""

from cobuild.localserver.credentials import Credentials, credentials_file, read_credentials
from cobuild.localserver.java import JavaRuntime, find_java, java_majors_for
from cobuild.localserver.layout import DEFAULT_VERSION, neo4j_version, server_root
from cobuild.localserver.maven import fetch
from cobuild.localserver.process import (
    START_TIMEOUT,
    STOP_TIMEOUT,
    ServerInfo,
    entry_point,
    log_tail,
    start,
    status,
    stop,
)

__all__ = [
    "DEFAULT_VERSION",
    "START_TIMEOUT",
    "STOP_TIMEOUT",
    "ServerInfo",
    "JavaRuntime",
    "Credentials",
    "credentials_file",
    "read_credentials",
    "neo4j_version",
    "server_root",
    "java_majors_for",
    "find_java",
    "fetch",
    "start",
    "status",
    "stop",
    "log_tail",
    "entry_point",
]
