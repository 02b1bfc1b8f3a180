"""``cobuild analyze`` (the product's main job) and ``cobuild demo``.

``analyze`` reads a roster file (no server needed) or, with ``--db``, the
graph stored in Neo4j, runs the gap rules on an as-of date and writes a
report. Exit codes: 0 done (findings are not errors), 1 the roster is
invalid (the validation report is printed), 2 any other error.

``demo`` generates the demo county's roster, analyzes it and writes every
report (and the explorer page) into one folder.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from cli.common import (add_quiet_arg, add_report_args, add_scope_args, add_source_args, date_arg,
                        format_of, print_roster_error, private_file_note, progress, write_text_atomic)
from graph.errors import CobuildError, RosterError
from graph.reference import doc_ref

__all__ = ["register", "cmd_analyze", "cmd_demo"]

_EPILOG_ANALYZE = """\
示例 Examples:
  cobuild analyze 花名册.xlsx                         文本报告 / text report on screen
  cobuild analyze 花名册.xlsx --format xlsx --out 缺口.xlsx
  cobuild analyze 花名册/ --community C01 --as-of 2024-12-31
  cobuild analyze --db --street S01 --format html --out 城关街道.html
  cobuild analyze 花名册.xlsx --policy 我的策略.toml     自定义阈值 / custom thresholds
  cobuild analyze --print-policy > 我的策略.toml         默认策略文件 / the default policy file

退出码 Exit codes: 0 完成（有缺口也是 0）/ done, findings included;
  1 花名册有错误 / roster invalid;  2 其他错误 / other errors.
"""


def register(sub) -> None:
    """Add ``analyze`` and ``demo`` to the ``cobuild`` parser."""
    from graph.report import FORMATS

    p = sub.add_parser(
        "analyze",
        help="找出共驻共建缺口并出报告 / find the coverage gaps and write a report",
        description="按缺口规则 G01–G23 找出双向进入、交叉任职及共建活动的缺口，并给出建议。\n"
                    "Find the gaps in two-way entry and cross-appointment and in the co-building activity (gap rules G01–G23), "
                    "with what to do next.",
        epilog=_EPILOG_ANALYZE + f"\n规则及阈值 rules and thresholds：{doc_ref('rules')}\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_source_args(p)
    add_scope_args(p, as_of_help="分析日期，默认今天；只计入当日有效的任职 / as-of date (default "
                                 "today); only posts that count on it count")
    p.add_argument("--policy", metavar="FILE",
                   help="策略文件（TOML），可改阈值、严重程度、关闭规则 / policy file (TOML): thresholds, "
                        "severities, rules switched off")
    add_report_args(p, FORMATS)
    p.add_argument("--print-policy", action="store_true",
                   help="打印带注释的默认策略文件后退出 / print the default policy file, commented, and exit")
    add_quiet_arg(p)
    p.set_defaults(func=cmd_analyze)

    d = sub.add_parser(
        "demo",
        help="生成演示县、分析并写出全部报告 / build the demo county, analyze it, write every report",
        description="生成一个按文章比例构造的演示县花名册（含各类真实缺口），分析后把花名册、报告和网络图写进一个文件夹。\n"
                    "Generate the demo county's roster (in the article's proportions, with real gaps of "
                    "every kind), analyze it, and write the roster, the reports and the explorer page "
                    "into one folder.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    d.add_argument("--out", metavar="DIR", default=None,
                   help="输出文件夹，默认 ./cobuild-demo / output folder (default ./cobuild-demo)")
    d.add_argument("--seed", type=int, default=2024, help="随机种子，默认 2024 / random seed (default 2024)")
    d.add_argument("--scale", type=float, default=1.0,
                   help="规模倍数，默认 1（一个县城）/ size multiplier (default 1: one county seat)")
    d.add_argument("--as-of", type=date_arg, metavar="YYYY-MM-DD", help="分析日期，默认今天 / as-of date (default today)")
    d.add_argument("-q", "--quiet", action="store_true", help="不显示进度 / no progress on stderr")
    d.set_defaults(func=cmd_demo)


def _format_of(args) -> str:
    return format_of(args.format, args.out)


def cmd_analyze(args) -> int:
    """Run ``cobuild analyze``."""
    from cobuild.analysis import analyze_scope
    from cobuild.sources import open_graph
    from graph.analysis.policy import Policy, example_toml, load_policy
    from graph.report import render, write

    if args.print_policy:
        sys.stdout.write(example_toml())
        return 0
    fmt = _format_of(args)
    if fmt == "xlsx" and not args.out:
        raise CobuildError("xlsx 报告需要用 --out 指定文件，例如 --out 缺口.xlsx",
                           "an xlsx report needs --out FILE, e.g. --out gaps.xlsx")
    say = progress(args.quiet)
    policy = load_policy(args.policy) if args.policy else Policy()  # fail before reading the roster
    try:
        G = open_graph(args.roster, db=args.db, street=args.street, community=args.community,
                       progress=say)
    except RosterError as e:
        print_roster_error(e)
        return 1
    result = analyze_scope(G, args.as_of, policy, say, street=args.street, community=args.community)
    result.source = "database" if args.db else "roster"
    if args.out:
        try:
            path = write(result, fmt, args.out)
        except OSError as e:
            raise CobuildError(f"无法写入 {args.out}:{e.strerror or e}", f"cannot write {args.out}: {e}") from None
        if say:
            say(f"已写入 wrote {path}")
        _print_headline(result, sys.stderr)
    else:
        sys.stdout.write(render(result, fmt))
    return 0


def _print_headline(result, stream) -> None:
    c = result.summary["county"]
    f = c["findings"]
    print(f"缺口 findings: {f['total']}（高 high {f['high']} · 中 medium {f['medium']} · 低 low {f['low']}）；"
          f"纳入大党委的单位党组织 unit orgs taken in {c['member_orgs']}，"
          f"纳入关系 membership pairs {c['members']}，其中双向进入 of which two-way {c['two_way']}"
          f"（{c['two_way_share']:.0%}）；兼职委员 part-time members {c['part_time_members']}",
          file=stream)


def _write_explorer(out_dir: Path, G, analysis) -> Path:
    """Write the county's explorer page ``explorer.html`` beside the reports."""
    from cobuild.explorer import draw_scope

    html = draw_scope(G, analysis.findings, title="共驻共建关系网络（演示县）/ Co-building network (demo county)",
                      as_of=analysis.as_of, view=analysis.view)
    return write_text_atomic(out_dir / "explorer.html", html)


def cmd_demo(args) -> int:
    """Run ``cobuild demo``."""
    from cobuild.analysis import analyze_scope
    from cobuild.sources import open_roster
    from graph.report import SUFFIXES, write
    from loaders.demo import generate
    from loaders.writer import write_roster

    say = progress(args.quiet)
    as_of = args.as_of or date.today()
    out_dir = Path(args.out) if args.out else Path.cwd() / "cobuild-demo"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CobuildError(f"无法创建文件夹 {out_dir}:{e}", f"cannot create folder {out_dir}: {e}") from None
    if say:
        say(f"生成演示花名册 / generating the demo roster (seed {args.seed}, scale {args.scale})")
    roster = generate(seed=args.seed, scale=args.scale, as_of=as_of)
    roster_path = write_roster(roster, out_dir / "roster.xlsx", progress=say)
    if say:
        say("读回并检查花名册 / reading the roster back and checking it")
    try:
        G = open_roster(roster_path, progress=say).graph
    except RosterError as e:
        print_roster_error(e)
        return 1
    result = analyze_scope(G, as_of, None, say)
    written = [("花名册 roster", roster_path)]
    for fmt, suffix in SUFFIXES.items():
        written.append((f"报告 report ({fmt})", write(result, fmt, out_dir / f"report{suffix}")))
    if say:
        say("网络图 / explorer page")
    written.append(("网络图 explorer", _write_explorer(out_dir, G, result)))

    print(f"演示县已分析，分析日期 {as_of.isoformat()} / demo county analyzed as of {as_of.isoformat()}")
    print(f"输出文件夹 output folder: {out_dir.resolve()}")
    for what, path in written:
        print(f"  {what}: {path.resolve()}")
    print(private_file_note(roster_path))
    c = result.summary["county"]
    print(f"街道 streets {c['streets']} · 社区 communities {c['communities']} · 驻区单位 units {c['units']} · "
          f"单位党组织 unit orgs {c['unit_orgs']}")
    _print_headline(result, sys.stdout)
    return 0
