"""``cobuild neo4j start | stop | status``: the local Neo4j server."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from cobuild import localserver as server

HELP = "本地 Neo4j 服务器：启动、停止、状态 / the local Neo4j server: start, stop, status"

DESCRIPTION = """\
在本机 127.0.0.1 上运行 Neo4j 社区版，数据和日志放在 $COBUILD_HOME/neo4j/（默认 ./.cobuild）。
首次启动会用 Maven 从 Maven Central 下载 Neo4j（约 120 MB），以后离线启动。需要 JDK 与 Maven。
Runs Neo4j Community on 127.0.0.1, data and logs under $COBUILD_HOME/neo4j/ (default
./.cobuild). The first start downloads Neo4j from Maven Central with Maven (about 120 MB);
later starts run offline. Needs a JDK and Maven.

服务器需要密码：首次启动时随机生成，保存在 $COBUILD_HOME/neo4j/credentials.json（仅本用户可读），
cobuild 的命令自动使用它；用其他工具（如 cypher-shell）连接时，用户名 neo4j，密码见该文件。
The server requires a password: made at random on the first start and kept in
$COBUILD_HOME/neo4j/credentials.json (readable by you only); cobuild's commands use it by
themselves. Other tools (e.g. cypher-shell) log in as user neo4j with the password in that file.

已有 Neo4j（Docker、Aura、自建）？不必启动本地服务器，设置 NEO4J_URI 即可。
Have a Neo4j already (Docker, Aura, your own)? Skip this and set NEO4J_URI instead.

环境变量 Environment:
  COBUILD_NEO4J_VERSION   Neo4j 版本 version （默认 default {default}; 例 e.g. 2026.08.1 需 needs Java 21+）
  COBUILD_NEO4J_HEAP      JVM 堆 heap（默认为本机内存的 1/4，512m–8g；事务内存为堆的 70%；
                          60 万行的花名册约需 2.3g 事务内存）
                          default: 1/4 of this machine's memory, 512m-8g (transactions may
                          use 70% of it; a 600k-row roster needs about 2.3g of that)
  COBUILD_NEO4J_PAGECACHE 页缓存 page cache（默认为本机内存的 1/32,64m–1g）
                          default: 1/32 of this machine's memory, 64m-1g
  COBUILD_NEO4J_TX_MEMORY 全部事务可用的内存 memory of all transactions together
                          （默认为堆的 70% / default 70% of the heap）
  JAVA_HOME               指定 JDK / the JDK to use
""".format(default=server.DEFAULT_VERSION)


def _describe(info: server.ServerInfo) -> str:
    since = dt.datetime.fromtimestamp(info.started_at).strftime("%Y-%m-%d %H:%M:%S")
    return (
        f"  Bolt URI: {info.bolt_uri}\n"
        f"  版本 version: Neo4j {info.version} (Java {info.java_major})\n"
        f"  进程 pid: {info.pid}, 启动于 started {since}\n"
        f"  目录 folder: {info.root}\n"
        f"  用户名与密码 user and password: {info.credentials_file} "
        f"（仅本用户可读 readable by you only）"
    )


def _note_override() -> None:
    """Say so when NEO4J_URI makes the product use another server."""
    from graph.settings import get_settings

    uri = get_settings().neo4j_uri
    if uri:
        print(f"注意：已设置 NEO4J_URI={uri},cobuild 的其他命令使用该服务器而非本地服务器\n"
              f"note: NEO4J_URI={uri} is set; cobuild's other commands use that server, "
              f"not the local one", file=sys.stderr)


def cmd_start(args: argparse.Namespace) -> int:
    """Start the server (or report the running one); print its Bolt URI."""
    info, started = server.start(port=args.port, timeout=args.timeout)
    if started:
        print("Neo4j 已启动 / Neo4j started")
    else:
        print("Neo4j 已在运行，未重复启动 / Neo4j is already running; not started again")
    print(_describe(info))
    print(info.bolt_uri)
    _note_override()
    return 0


def cmd_stop(args: argparse.Namespace) -> int:
    """Stop the server."""
    info = server.stop(timeout=args.timeout)
    if info is None:
        print("没有正在运行的本地 Neo4j / no local Neo4j is running")
    else:
        print(f"Neo4j 已停止（pid {info.pid}，端口 {info.port} 已关闭）/ "
              f"Neo4j stopped (pid {info.pid}, port {info.port} closed)")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Print the running server's Bolt URI; exit 1 when none runs."""
    info = server.status()
    if info is None:
        print("本地 Neo4j 未运行；用 `cobuild neo4j start` 启动 / "
              "the local Neo4j is not running; start it with `cobuild neo4j start`")
        return 1
    print("Neo4j 正在运行 / Neo4j is running")
    print(_describe(info))
    print(info.bolt_uri)
    _note_override()
    return 0


def register(sub) -> None:
    """Add ``cobuild neo4j`` to the ``cobuild`` parser."""
    p = sub.add_parser(
        "neo4j", help=HELP, description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.set_defaults(func=lambda a: (p.print_help(), 2)[1])
    actions = p.add_subparsers(dest="action", metavar="ACTION", title="操作 actions")

    s = actions.add_parser(
        "start", help="启动（已在运行则报告它）/ start (or report the running one)",
        description="启动本地 Neo4j 并打印 Bolt URI；已在运行时只报告它。"
                    "服务器应答后先预热：准备导入与分析要用的查询，并演练一次小规模导入"
                    "（随即撤销，不写入任何数据）。在双核机器上整个启动约需 35–50 秒，"
                    "此后第一次导入和分析不必再等待查询准备。\n"
                    "Start the local Neo4j and print its Bolt URI; if it runs already, "
                    "report it instead. Once the server answers, it is warmed up: the "
                    "statements of an import and an analysis are prepared and a small import "
                    "is rehearsed, then rolled back (nothing is written). On two cores the "
                    "whole start takes about 35–50 s; the first import and analysis after it "
                    "then do not wait for their statements to be prepared.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    s.add_argument("--port", type=int, default=None,
                   help="Bolt 端口（默认自动选空闲端口）/ Bolt port (default: a free one)")
    s.add_argument("--timeout", type=float, default=server.START_TIMEOUT,
                   help="等待启动的秒数 / seconds to wait for Bolt (default %(default)s)")
    s.set_defaults(func=cmd_start)

    t = actions.add_parser(
        "stop", help="停止 / stop",
        description="停止本地 Neo4j（先 SIGTERM，超时后 SIGKILL），并确认端口已关闭。\n"
                    "Stop the local Neo4j (SIGTERM, then SIGKILL after the timeout) and "
                    "check that its port is closed.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    t.add_argument("--timeout", type=float, default=server.STOP_TIMEOUT,
                   help="等待正常退出的秒数 / seconds to wait before SIGKILL "
                        "(default %(default)s)")
    t.set_defaults(func=cmd_stop)

    st = actions.add_parser(
        "status", help="状态与 Bolt URI / status and Bolt URI",
        description="显示本地 Neo4j 是否在运行及其 Bolt URI（未运行时退出码 1）。\n"
                    "Show whether the local Neo4j runs, and its Bolt URI (exit code 1 "
                    "when it does not).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    st.set_defaults(func=cmd_status)
