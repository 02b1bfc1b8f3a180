"""``cobuild stats`` (the 统计表 planners send upward) and ``cobuild match``
(proposals matching open needs to registered resources).

Both read a roster file (no server needed) or, with ``--db``, the graph
stored in Neo4j. Exit codes: 0 done, 1 the roster is invalid (the
validation report is printed), 2 any other error.
"""

from __future__ import annotations

import argparse

from cli.common import (add_quiet_arg, add_report_args, add_scope_args, add_source_args, format_of,
                        print_roster_error, progress, write_output)
from graph.errors import CobuildError, RosterError

__all__ = ["register", "cmd_stats", "cmd_match"]

_EPILOG_STATS = """\
示例 Examples:
  cobuild stats 花名册.xlsx                                 全县统计表 / the county's table on screen
  cobuild stats 花名册.xlsx --format xlsx --out 统计表.xlsx    打印上报用 / print-ready, to send upward
  cobuild stats --db --street S01 --as-of 2026-06-30 --format json
  cobuild stats 花名册/ --community C01

指标 Figures (roster-format-v2): 纳入率 taken-in rate、兼职委员人数/占比 part-time members/share、
双向进入比例 two-way share、组织覆盖率 party coverage、网格党组织覆盖率 grid coverage、
单位报到率 unit registration rate、党员报到率 member registration rate、协议签订率 agreement rate、
需求满足率 needs met、联席会议次数 joint meetings （365 天内 in the last 365 days）。
花名册缺少相应的表或列、或分母为 0 时显示“无数据 no data”，不显示 0。
A figure whose table or column is absent, or whose denominator is 0, reads "无数据 no data", never 0.

退出码 Exit codes: 0 完成 done; 1 花名册有错误 roster invalid; 2 其他错误 other errors.
"""

_EPILOG_MATCH = """\
示例 Examples:
  cobuild match 花名册.xlsx                                 建议列在屏幕上 / proposals on screen
  cobuild match 花名册.xlsx --format xlsx --out 需求对接建议.xlsx
  cobuild match --db --street S01 --format json

怎样对接 How needs are matched: 只对接待认领的需求（未认领、无认领主体、无在办项目）；
资源须与需求同类（需求类型 = 资源类型）；优先同社区，其次同街道、已纳入该社区大党委的单位、
以往评价高的单位；在满足尽可能多需求的前提下使总得分最高（最小费用最大流）。
Only open needs (not claimed, no claimant, no project under way); a resource must be of the
need's category; then same community, same street, a unit already in the community's big party
committee, better past ratings; as many needs as possible are served, with the greatest total score
(min-cost max-flow).
容量 Capacity: 场地、资金类资源一次服务 1 个需求，服务类资源 --capacity 个（默认 3），减去正在使用它的项目数。
A venue or funds serves one need at a time, a service --capacity needs (default 3), minus the
projects under way that use it.

退出码 Exit codes: 0 完成 done; 1 花名册有错误 roster invalid; 2 其他错误 other errors.
"""


def _args(p, formats: tuple[str, ...]) -> None:
    add_source_args(p)
    add_scope_args(p, exclusive=True, as_of_help="统计日期，默认今天 / as-of date (default today)")
    add_report_args(p, formats)
    add_quiet_arg(p)


def register(sub) -> None:
    """Add ``stats`` and ``match`` to the ``cobuild`` parser."""
    from graph.report import MATCH_FORMATS, STATS_FORMATS

    p = sub.add_parser(
        "stats",
        help="统计表：各社区、街道和全县的共建指标 / the statistics table per community, street and county",
        description="算出组织部门上报用的统计表：每个社区一行、街道小计、全县合计。\n"
                    "Compute the statistics table planners send upward: a row per community, a "
                    "subtotal per street, the county total.",
        epilog=_EPILOG_STATS, formatter_class=argparse.RawDescriptionHelpFormatter)
    _args(p, STATS_FORMATS)
    p.set_defaults(func=cmd_stats)

    m = sub.add_parser(
        "match",
        help="需求对接建议：为待认领的需求推荐资源和单位 / propose resources for the open needs",
        description="为待认领的需求推荐最合适的已登记资源（以及提供它的单位），每条建议都说明理由。\n"
                    "Propose, for every open need, the registered resource (and so the unit) that "
                    "should take it, each proposal with why.",
        epilog=_EPILOG_MATCH, formatter_class=argparse.RawDescriptionHelpFormatter)
    _args(m, MATCH_FORMATS)
    m.add_argument("--capacity", type=int, default=3, metavar="N",
                   help="服务类资源可同时对接的需求数，默认 3 / needs a service resource may take at "
                        "once (default 3)")
    m.set_defaults(func=cmd_match)


def _open(args, say):
    from cobuild.sources import open_graph

    return open_graph(args.roster, db=args.db, street=args.street, community=args.community,
                      progress=say)


def _run(args, formats, compute, render) -> int:
    fmt = format_of(args.format, args.out, formats)
    if fmt == "xlsx" and not args.out:
        raise CobuildError("xlsx 需要用 --out 指定文件，例如 --out 统计表.xlsx",
                           "xlsx needs --out FILE, e.g. --out stats.xlsx")
    say = progress(args.quiet)
    try:
        G = _open(args, say)
    except RosterError as e:
        print_roster_error(e)
        return 1
    path = write_output(render(compute(G), fmt), args.out)
    if path is not None and say:
        say(f"已写入 wrote {path}")
    return 0


def cmd_stats(args) -> int:
    """Run ``cobuild stats``."""
    from cobuild.activity import stats_scope
    from graph.report.stats import STATS_FORMATS, render_stats

    return _run(args, STATS_FORMATS,
                lambda G: stats_scope(G, args.as_of, street=args.street, community=args.community),
                render_stats)


def cmd_match(args) -> int:
    """Run ``cobuild match``."""
    from cobuild.activity import match_scope
    from graph.report.matching import MATCH_FORMATS, render_matching

    if args.capacity < 1:
        raise CobuildError("--capacity 应为不小于 1 的整数", "--capacity must be a whole number of at least 1")
    return _run(args, MATCH_FORMATS,
                lambda G: match_scope(G, args.as_of, street=args.street, community=args.community,
                                      service_capacity=args.capacity),
                render_matching)
