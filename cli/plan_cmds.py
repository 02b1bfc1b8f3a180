"""``cobuild recommend``, ``cobuild forecast`` and ``cobuild whatif``: the
planning commands. Nothing they do writes to the database.

Exit codes: 0 done; 1 the roster is invalid (the validation report is
printed); 2 any other error; 3 the plan failed its own check (a bug: please
report it with the JSON output).
"""

from __future__ import annotations

import argparse
import sys

from cli.common import (add_quiet_arg, add_report_args, add_scope_args, add_source_args, format_of,
                        print_roster_error, progress, refuse_overwrite, write_output)
from graph.errors import CobuildError, RosterError

__all__ = ["register", "cmd_recommend", "cmd_forecast", "cmd_whatif"]

_EPILOG_RECOMMEND = """\
示例 Examples:
  cobuild recommend 花名册.xlsx                                文本方案 / the plan on screen
  cobuild recommend 花名册.xlsx --street S01 --format xlsx --out 补齐方案.xlsx   上会用表 / the meeting sheet
  cobuild recommend 花名册.xlsx --budget 10                    至多10个新职务 / at most 10 new posts
  cobuild recommend 花名册.xlsx --format json --out 方案.json    供 whatif 使用 / a scenario for whatif
  cobuild recommend 花名册.xlsx --apply-to 新花名册.xlsx          写出加入拟任职务的花名册 / the roster with the posts
  cobuild recommend --db --community C01 --as-of 2026-06-30

说明 Notes:
  候选人按“双向进入”确定：单位→社区为成员单位党组织的在任人员（书记优先）任社区兼职委员；
  社区→单位为社区党组织在任人员到成员单位党组织任委员。任何人兼职不超过 max_part_time_posts（G07），
  方案不产生新缺口；策略文件 [plan] 节可设每个社区党组织的兼职委员上限、每人至多一个新职务、求解时间。
  Candidates follow two-way entry: a unit org's officer (secretary first) becomes a part-time
  member of the community org, or a community org's officer a committee member of the unit org.
  Nobody ends above max_part_time_posts (G07); no new finding appears. The policy's [plan] table
  sets the seat limit per community org, one new post per person, and the solver's time limit.
  本命令不写数据库；--apply-to 写出新花名册，经 cobuild check / import 后生效。
  Nothing is written to the database; --apply-to writes a new roster to check and import.

退出码 Exit codes: 0 完成 done;  1 花名册有错误 roster invalid;  2 其他错误 other errors;
  3 方案未通过自检（程序错误，请反馈）the plan failed its own check (a bug: please report it).
"""

_EPILOG_FORECAST = """\
示例 Examples:
  cobuild forecast 花名册.xlsx                          未来12个月 / the next 12 month ends
  cobuild forecast 花名册.xlsx --months 24 --format html --out 预测.html
  cobuild forecast --db --street S01 --format xlsx --out 预测.xlsx

换届断崖 cliffs: 同一社区党组织在同一个月到期的联系职务达到 cliff_min_posts（策略 [plan]，默认3）。
  a month in which cliff_min_posts (policy [plan], default 3) linking posts of one community org end.
"""

_EPILOG_WHATIF = """\
示例 Examples:
  cobuild whatif 花名册.xlsx --remove-person P0020             此人离任 / this person leaves
  cobuild whatif 花名册.xlsx --end-post P0020:O0005            一个任职结束 / one post ends
  cobuild whatif 花名册.xlsx --add-post P0157:O0005：兼职委员     新增任职 / a new post
  cobuild whatif 花名册.xlsx --remove-unit U0012               单位撤出 / a unit goes
  cobuild whatif 花名册.xlsx --scenario 方案.json               recommend 的 JSON 即情景 / a recommend JSON

情景文件 scenario file (JSON or TOML):
  {"remove_people": ["P1"], "remove_units": ["U3"], "end_posts": [{"person": "P2", "org": "O4"}],
   "add_posts": [{"person": "P5", "org": "O1", "role": "兼职委员", "post_type": "兼职"}]}
本命令不写任何数据 / nothing is written.
"""


def _common(p) -> None:
    add_source_args(p)
    add_scope_args(p)
    p.add_argument("--policy", metavar="FILE",
                   help="策略文件（TOML），含 [plan] 节 / policy file (TOML), with its [plan] table")
    add_quiet_arg(p)


def register(sub) -> None:
    """Add ``recommend``, ``forecast`` and ``whatif`` to the ``cobuild`` parser."""
    p = sub.add_parser(
        "recommend",
        help="补齐方案：用最少的新任职补齐缺口 / the fewest new appointments that close the gaps",
        description="求出补齐 G01、G04、G05、G06、G08、G13 缺口的最优任职方案（OR-Tools CP-SAT），"
                    "逐条说明理由，列出无法补齐的缺口及原因，并重新运行全部规则自检。\n"
                    "The optimal set of new appointments (OR-Tools CP-SAT) that closes the G01, G04, G05, "
                    "G06, G08 and G13 findings, each with its reason, the findings no appointment closes "
                    "with why, checked by re-running every rule.",
        epilog=_EPILOG_RECOMMEND, formatter_class=argparse.RawDescriptionHelpFormatter)
    _common(p)
    p.add_argument("--budget", type=int, metavar="K",
                   help="至多 K 个新职务：按严重程度加权，补齐尽量多的缺口 / at most K new posts: close the "
                        "most findings, weighted by severity")
    p.add_argument("--method", choices=("cp-sat", "greedy"), default="cp-sat",
                   help="cp-sat（最优，默认）或 greedy（贪心基线，供对比）/ cp-sat (optimal, default) or "
                        "greedy (the baseline, to compare)")
    add_report_args(p, ("text", "json", "xlsx", "html"), force=True)
    p.add_argument("--apply-to", metavar="NEW_ROSTER",
                   help="另写一份加入拟任职务的完整花名册（.xlsx 或 CSV 文件夹），起始日期为分析日期 / also "
                        "write the whole roster with the proposed posts added (start = the as-of date)")
    p.set_defaults(func=cmd_recommend)

    f = sub.add_parser(
        "forecast",
        help="12个月预测：何时低于要求、何时恢复、换届断崖 / the next 12 months: what breaks, what recovers",
        description="在分析日期及之后每个月末重新分析，按社区党组织列出何时低于要求、何时恢复，以及换届断崖。\n"
                    "Re-run the analysis at the as-of date and each following month end: per community "
                    "org, when it falls below the policy and when it recovers, and the 换届 cliffs.",
        epilog=_EPILOG_FORECAST, formatter_class=argparse.RawDescriptionHelpFormatter)
    _common(f)
    f.add_argument("--months", type=int, default=12, help="月数，默认12 / months ahead (default 12)")
    add_report_args(f, ("text", "json", "xlsx", "html"), force=True)
    f.set_defaults(func=cmd_forecast)

    w = sub.add_parser(
        "whatif",
        help="推演：有人离任、单位撤出、任职增减时缺口如何变化 / what if people leave, units go, posts change",
        description="把变动用于图的副本，重新运行全部规则，列出出现和消除的缺口及覆盖情况；不写任何数据。\n"
                    "Apply the changes to a copy of the graph, re-run every rule, and list the findings "
                    "that appear and go and the coverage figures before and after. Nothing is written.",
        epilog=_EPILOG_WHATIF, formatter_class=argparse.RawDescriptionHelpFormatter)
    _common(w)
    w.add_argument("--remove-person", action="append", default=[], metavar="P",
                   help="此人离任（全部任职和联系结束），可重复 / this person leaves; repeatable")
    w.add_argument("--remove-unit", action="append", default=[], metavar="U",
                   help="此单位撤出，可重复 / this unit goes; repeatable")
    w.add_argument("--end-post", action="append", default=[], metavar="PERSON:ORG",
                   help="此人在该党组织的任职结束，可重复 / the person's post(s) in the org end; repeatable")
    w.add_argument("--add-post", action="append", default=[], metavar="PERSON:ORG:ROLE[:TYPE]",
                   help="新增任职（职务如 兼职委员、委员；类型 兼职（默认）或 本职），可重复 / a new post "
                        "（ROLE e.g. 兼职委员 or 委员；TYPE 兼职 (default) or 本职）；repeatable")
    w.add_argument("--scenario", metavar="FILE",
                   help="情景文件（JSON/TOML），recommend 的 JSON 亦可 / a scenario file; a recommend JSON works")
    add_report_args(w, ("text", "json"), force=True)
    w.set_defaults(func=cmd_whatif)


def _policy(args):
    from graph.analysis.policy import Policy, load_policy

    return load_policy(args.policy) if args.policy else Policy()


def _graph(args, say):
    from cobuild.sources import open_graph

    return open_graph(args.roster, db=args.db, street=args.street, community=args.community, progress=say)


def _check_out(args, fmt: str) -> None:
    if fmt == "xlsx" and not args.out:
        raise CobuildError("xlsx 需要用 --out 指定文件，例如 --out 补齐方案.xlsx",
                           "xlsx needs --out FILE, e.g. --out plan.xlsx")
    if args.out:
        from pathlib import Path
        refuse_overwrite(Path(args.out), args.force)


def cmd_recommend(args) -> int:
    """Run ``cobuild recommend``."""
    from pathlib import Path

    from cobuild.planning import recommend_scope, write_roster_with_plan
    from graph.report.planning import render_plan

    fmt = format_of(args.format, args.out)
    _check_out(args, fmt)
    if args.apply_to:
        refuse_overwrite(Path(args.apply_to), args.force)
    if args.budget is not None and args.budget < 0:
        raise CobuildError("--budget 不能为负数", "--budget cannot be negative")
    say = progress(args.quiet)
    policy = _policy(args)
    try:
        G = _graph(args, say)
    except RosterError as e:
        print_roster_error(e)
        return 1
    plan = recommend_scope(G, args.as_of, policy, say, street=args.street, community=args.community,
                           budget=args.budget, method=args.method)
    path = write_output(render_plan(plan, fmt), args.out)
    if path and say:
        say(f"已写入 wrote {path}")
    if args.apply_to:
        out = write_roster_with_plan(plan, args.apply_to, roster=args.roster, db=args.db, progress=say)
        print(f"已写出加入 {len(plan.proposals)} 个拟任职务的花名册 / wrote the roster with "
              f"{len(plan.proposals)} proposed posts: {out}（请先 cobuild check 再 import / check it, "
              f"then import）", file=sys.stderr)
    s = plan.solution
    print(f"新增职务 new posts {len(plan.proposals)}；补齐缺口 findings closed {sum(plan.closed_counts().values())}；"
          f"无法补齐 not closable {len(plan.unclosable)}；"
          f"{'最优 optimal' if s.optimal else '未证明最优 not proven optimal'}；"
          f"自检 check {'通过 passed' if plan.check.ok else '未通过 FAILED'}", file=sys.stderr)
    return 0 if plan.check.ok else 3


def cmd_forecast(args) -> int:
    """Run ``cobuild forecast``."""
    from cobuild.planning import forecast_scope
    from graph.report.planning import render_forecast

    fmt = format_of(args.format, args.out)
    _check_out(args, fmt)
    say = progress(args.quiet)
    policy = _policy(args)
    try:
        G = _graph(args, say)
    except RosterError as e:
        print_roster_error(e)
        return 1
    fc = forecast_scope(G, args.as_of, args.months, policy, say, street=args.street, community=args.community)
    path = write_output(render_forecast(fc, fmt), args.out)
    if path and say:
        say(f"已写入 wrote {path}")
    print(f"变化 events {len(fc.events)}；换届断崖 cliffs {len(fc.cliffs)}", file=sys.stderr)
    return 0


def cmd_whatif(args) -> int:
    """Run ``cobuild whatif``."""
    from cobuild.planning import read_scenario, simulate
    from graph.planning.changes import parse_change_arg
    from graph.report.planning import render_whatif

    fmt = format_of(args.format, args.out, formats=("text", "json"))
    _check_out(args, fmt)
    changes = []
    for kind in ("remove_person", "remove_unit", "end_post", "add_post"):
        changes += [parse_change_arg(kind, v) for v in getattr(args, kind)]
    if args.scenario:
        changes += read_scenario(args.scenario)
    if not changes:
        raise CobuildError("没有变动：请给出 --remove-person、--remove-unit、--end-post、--add-post 或 --scenario",
                           "no change given: use --remove-person, --remove-unit, --end-post, --add-post or "
                           "--scenario")
    say = progress(args.quiet)
    policy = _policy(args)
    try:
        G = _graph(args, say)
    except RosterError as e:
        print_roster_error(e)
        return 1
    result = simulate(G, changes, args.as_of, policy, street=args.street, community=args.community)
    path = write_output(render_whatif(result, fmt), args.out)
    if path and say:
        say(f"已写入 wrote {path}")
    return 0
