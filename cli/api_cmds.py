"""``cobuild serve`` and ``cobuild token create | list | revoke``: the HTTP API."""

from __future__ import annotations

import argparse
import errno
import os
import socket
import sys
from pathlib import Path

from graph.errors import CobuildError, DatabaseUnavailable
from graph.reference import doc_ref

_RAW = argparse.RawDescriptionHelpFormatter


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# serve
# ---------------------------------------------------------------------------

#: ``cobuild serve`` exit code when it cannot listen on the address.
EXIT_CANNOT_LISTEN = 3

SERVE_DESCRIPTION = """\
启动 HTTP 查询接口（/api/v1；交互式文档在 /docs，OpenAPI 文档在 /openapi.json）。
Start the HTTP API (/api/v1; interactive docs at /docs, the OpenAPI document at /openapi.json).

数据源 Data source:
  给出 --roster 时，读取该花名册文件（只读，不能通过接口导入）；
  否则使用 Neo4j：设置了 NEO4J_URI 时用它，否则用 `cobuild neo4j start` 启动的本地服务器。
  With --roster: that roster file (read-only; imports over HTTP are refused).
  Otherwise Neo4j: NEO4J_URI when set, else the local server of `cobuild neo4j start`.

访问令牌 Tokens：除 /healthz 外每个接口都需要令牌，先运行
  cobuild token create --role admin --name 管理员
Every endpoint but /healthz needs a bearer token; make one first (see above).

跨域 Cross-origin：默认关闭；--cors-origin 可多次给出允许的网页来源（或设置 COBUILD_CORS_ORIGINS，逗号分隔）。
  Off by default; --cors-origin (repeatable) or COBUILD_CORS_ORIGINS (comma separated) lists
  the web origins whose pages may call the API.

退出码 Exit codes:
  0  正常停止 stopped normally (Ctrl+C)
  2  参数、数据源或花名册有误 bad options, no data source, or an invalid roster
  3  无法在该地址监听（端口已被占用、无权限或地址无效）cannot listen on the address
     (the port is in use, no permission, or no such address)

例 examples:
  cobuild serve                                 # Neo4j, http://127.0.0.1:8000
  cobuild serve --roster 花名册.xlsx --port 8080  # 花名册文件，只读 / a roster file, read-only
  cobuild serve --cors-origin https://dash.example.org
  curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8000/api/v1/communities
"""


def _source(args: argparse.Namespace):
    from api.source import IMPORT_NOTICE, Neo4jSource, RosterSource
    from graph.settings import get_settings

    if args.roster:
        _say(f"读取花名册 reading the roster: {args.roster}")
        src = RosterSource(args.roster)
        _say(f"数据源 data source: 花名册文件（只读）roster file (read-only) {args.roster}")
        return src
    from cobuild.database import connect

    settings = get_settings()
    try:
        db = connect(settings)
    except DatabaseUnavailable as e:
        if settings.neo4j_uri:
            raise
        raise CobuildError(
            "没有可用的数据源：请运行 `cobuild neo4j start` 启动本地 Neo4j、设置 NEO4J_URI,"
            "或用 --roster 指定花名册文件（只读）",
            "no data source: start the local Neo4j (`cobuild neo4j start`), set NEO4J_URI, "
            "or give a roster file with --roster (read-only)",
        ) from e
    _say(f"数据源 data source: Neo4j {db.uri}")
    return Neo4jSource(db, notice=settings.home / IMPORT_NOTICE)


def _can_listen(host: str, port: int) -> tuple[str, str] | None:
    """``None`` when ``host:port`` can be listened on (tried as uvicorn
    will: the same address family and ``SO_REUSEADDR``), else what is wrong,
    in Chinese and English."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((host, port))
    except OSError as e:
        where = f"{host}:{port}"
        if e.errno == errno.EADDRINUSE:
            return (f"端口 {port} 已被占用（{where}），可能另一个 cobuild serve 正在运行；"
                    f"请停止它，或用 --port 换一个端口",
                    f"port {port} is already in use ({where}), perhaps by another cobuild serve; "
                    "stop it or choose another port with --port")
        if e.errno == errno.EACCES:
            return (f"无权在 {where} 上监听（1024 以下的端口需要管理员权限）；请用 --port 换一个端口",
                    f"no permission to listen on {where} (ports below 1024 need root); choose "
                    "another port with --port")
        return (f"无法在 {where} 上监听：{e.strerror or e}；请检查 --host 和 --port",
                f"cannot listen on {where}: {e.strerror or e}; check --host and --port")
    return None


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the API with uvicorn until interrupted."""
    import uvicorn

    from api.auth import TokenStore
    from api.cors import parse_origins
    from graph.settings import get_settings

    settings = get_settings()
    if not 0 < args.port < 65536:
        raise CobuildError(f"端口应在 1–65535 之间，不是 {args.port}",
                           f"the port must be 1–65535, not {args.port}")
    if args.cors_origin:
        origins = parse_origins(args.cors_origin)
        settings = settings.model_copy(update={"cobuild_cors_origins": ",".join(origins)})
        os.environ["COBUILD_CORS_ORIGINS"] = settings.cobuild_cors_origins  # for --workers
    origins = parse_origins(settings.cobuild_cors_origins)
    problem = _can_listen(args.host, args.port)
    if problem:
        print(f"错误 error: {problem[0]}\n          {problem[1]}", file=sys.stderr)
        return EXIT_CANNOT_LISTEN
    source = _source(args)  # checked here: a bad roster or no database stops it at once
    if not TokenStore(settings.home / "tokens.json").records():
        _say("提示：还没有访问令牌，请运行 cobuild token create --role admin / "
             "note: no tokens yet; run `cobuild token create --role admin`")
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        _say(f"注意：在 {args.host} 上监听，令牌以明文 HTTP 传输，请置于 HTTPS 反向代理之后 / "
             f"note: listening on {args.host}; tokens travel in clear over HTTP, put it "
             "behind an HTTPS reverse proxy")
    if origins:
        _say("允许跨域来源 cross-origin access allowed from: " + ", ".join(origins))
    _say(f"接口地址 API at http://{args.host}:{args.port}/api/v1 （Ctrl+C 停止 to stop）")
    _say(f"接口文档 API docs at http://{args.host}:{args.port}/docs")
    options = dict(host=args.host, port=args.port, log_level=args.log_level,
                   access_log=args.log_level in ("info", "debug"))
    if args.workers > 1:
        # each worker process builds its own app (and cache) from the settings; this
        # process only supervises them, so it builds none
        source.close()
        if args.roster:
            os.environ["COBUILD_API_ROSTER"] = str(Path(args.roster).resolve())
        else:
            os.environ.pop("COBUILD_API_ROSTER", None)
        _say(f"工作进程 worker processes: {args.workers}")
        uvicorn.run("api.app:app_from_env", factory=True, workers=args.workers, **options)
        return 0
    try:
        from api.app import create_app

        uvicorn.run(create_app(settings, source), **options)
    finally:
        source.close()
    return 0


# ---------------------------------------------------------------------------
# token
# ---------------------------------------------------------------------------

TOKEN_DESCRIPTION = """\
管理接口访问令牌。令牌保存在 $COBUILD_HOME/tokens.json（只存哈希），两种数据源通用。
Manage the API's bearer tokens. They live in $COBUILD_HOME/tokens.json (hashes only) and
work with either data source.

角色 roles:
  reader   只读，手机号打码（138****1234）/ read-only, phone numbers masked
  planner  可见完整手机号（每次查看都记入审计）/ may see phone numbers (each view audited)
  admin    另可导入花名册、查看审计记录 / may also import rosters and list the audit

例 examples:
  cobuild token create --role planner --street S1 --name 城关街道组织办
  cobuild token list
  cobuild token revoke t_1a2b3c4d
"""


def _store():
    from api.auth import TokenStore
    from graph.settings import get_settings

    return TokenStore(get_settings().home / "tokens.json")


def _known_streets(args: argparse.Namespace) -> tuple[list[str] | None, str]:
    """The street codes of the configured data source and what it is, or
    ``(None, why not)`` when no source can be read: the roster of
    ``--roster`` (or the ``COBUILD_API_ROSTER`` setting), else Neo4j
    (``NEO4J_URI``, or the local server of ``cobuild neo4j start``)."""
    from graph.settings import get_settings

    settings = get_settings()
    roster_path = args.roster or settings.cobuild_api_roster
    if roster_path:
        from loaders import load_roster

        return sorted(load_roster(Path(roster_path)).jurisdiction), f"花名册 roster {roster_path}"
    from cobuild.database import connect
    from graph import store

    try:
        with connect(settings) as db:
            return store.street_codes(db), f"Neo4j {db.uri}"
    except DatabaseUnavailable as e:
        return None, f"{e.message_zh} / {e.message_en}"


def _check_street(args: argparse.Namespace) -> None:
    """Refuse a street the data source does not have; warn when there is
    no source to check against."""
    codes, source = _known_streets(args)
    if codes is None:
        _say(f"注意：无法核对街道 {args.street} 是否存在（没有可读的数据源）。/ note: cannot check "
             f"that street {args.street} exists (no data source to read): {source}")
        return
    if args.street not in codes:
        shown = "、".join(codes[:20]) or "无"
        raise CobuildError(
            f"数据源（{source}）中没有街道 {args.street}；已有的街道：{shown}。未创建令牌",
            f"the data source ({source}) has no street {args.street}; its streets: "
            f"{', '.join(codes[:20]) or 'none'}. No token was made",
        )


def cmd_token_create(args: argparse.Namespace) -> int:
    """Make a token; its secret is printed once, as the last line."""
    if args.street:
        _check_street(args)
    rec, secret = _store().create(args.role, street=args.street, name=args.name)
    where = f"街道 street {rec.street}" if rec.street else "全县 whole county"
    print(f"已创建令牌 token created: {rec.id}  角色 role {rec.role}  {where}"
          + (f"  名称 name {rec.name}" if rec.name else ""))
    print("请立即保存，令牌只显示这一次 / save it now, it is shown only this once:")
    print(secret)
    return 0


def cmd_token_list(args: argparse.Namespace) -> int:
    """List tokens (never their secrets)."""
    records = _store().records()
    if not records:
        print("没有令牌 / no tokens (cobuild token create --role admin)")
        return 0
    print(f"{'id':<12}{'角色 role':<12}{'街道 street':<14}{'创建 created':<28}名称 name")
    for r in records:
        print(f"{r.id:<12}{r.role:<12}{(r.street or '-'):<14}{r.created:<28}{r.name or ''}")
    return 0


def cmd_token_revoke(args: argparse.Namespace) -> int:
    """Revoke a token by id; takes effect at once, also in a running server."""
    if _store().revoke(args.id):
        print(f"已吊销令牌 token revoked: {args.id}")
        return 0
    print(f"没有这个令牌 no such token: {args.id}(cobuild token list)", file=sys.stderr)
    return 1


def register(sub) -> None:
    """Add ``serve`` and ``token`` to the ``cobuild`` parser."""
    from api.auth import ROLES

    p = sub.add_parser("serve", help="启动 HTTP 查询接口 / start the HTTP API",
                       description=SERVE_DESCRIPTION, formatter_class=_RAW,
                       epilog=f"接口说明 API guide：{doc_ref('api')}")
    p.add_argument("--host", default="127.0.0.1",
                   help="监听地址 address to listen on （默认 default 127.0.0.1）")
    p.add_argument("--port", type=int, default=8000, help="端口 port （默认 default 8000）")
    p.add_argument("--roster", metavar="FILE",
                   help="花名册文件（.xlsx、CSV 文件夹或 .zip），只读 / a roster file, read-only")
    p.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1),
                   help="工作进程数，默认 2（单核机器为 1）；2 核机器上 2 个进程答复更多请求，p95 延迟更低"
                        "（benchmarks/load_api.py）/ worker processes (default 2, or 1 on a one-core "
                        "machine): on 2 cores two workers answer more requests with a lower p95 "
                        "latency (benchmarks/load_api.py)")
    p.add_argument("--cors-origin", action="append", metavar="ORIGIN",
                   help="允许其网页跨域调用接口的来源，如 https://dash.example.org；可多次给出。"
                        "默认不允许 / a web origin whose pages may call the API, e.g. "
                        "https://dash.example.org; repeat for several (default: none)")
    p.add_argument("--log-level", default="info",
                   choices=("critical", "error", "warning", "info", "debug"),
                   help="日志级别 log level （默认 default info）")
    p.set_defaults(func=cmd_serve)

    t = sub.add_parser("token", help="管理访问令牌 / manage API tokens",
                       description=TOKEN_DESCRIPTION, formatter_class=_RAW)
    tsub = t.add_subparsers(dest="token_command", metavar="ACTION", title="操作 actions")
    roles = ", ".join(f"{k}: {zh} / {en}" for k, (zh, en) in ROLES.items())
    c = tsub.add_parser("create", help="创建令牌（只显示一次）/ make a token (shown once)",
                        description="创建令牌，令牌本身打印在最后一行，只显示这一次。/ Make a "
                                    "token; it is printed once, as the last line.\n" + roles,
                        formatter_class=_RAW)
    c.add_argument("--role", required=True, choices=tuple(ROLES),
                   help="角色 role: reader | planner | admin")
    c.add_argument("--street", metavar="CODE",
                   help="只能查看该街道；数据源中没有该街道时拒绝创建 / limit the token to this street "
                        "code; refused when the data source has no such street")
    c.add_argument("--roster", metavar="FILE",
                   help="用该花名册核对 --street（与 serve --roster 相同）；默认核对 Neo4j / check "
                        "--street against this roster file (as served with serve --roster); "
                        "default: against Neo4j")
    c.add_argument("--name", help="备注名称，如使用单位 a name to recognise it by")
    c.set_defaults(func=cmd_token_create)
    ls = tsub.add_parser("list", help="列出令牌（不显示令牌本身）/ list tokens (no secrets)")
    ls.set_defaults(func=cmd_token_list)
    r = tsub.add_parser("revoke", help="吊销令牌 / revoke a token")
    r.add_argument("id", help="令牌 id（见 token list）token id, from `token list`")
    r.set_defaults(func=cmd_token_revoke)

    def _token_help(args: argparse.Namespace) -> int:
        t.print_help()
        return 2

    t.set_defaults(func=_token_help)
