"""``cobuild explore``: write the network explorer page of a community, a
street or the whole county.

The page is one HTML file that loads nothing from the network (it opens on
an intranet with no internet). The analysis always sees the whole graph; the
page shows the part asked for.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from cli.common import (add_source_args, date_arg, print_roster_error, private_file_note, progress,
                        write_text_atomic)
from graph.errors import CobuildError, RosterError
from graph.reference import doc_ref

__all__ = ["register", "cmd_explore"]

_EPILOG = """\
示例 Examples:
  cobuild explore 花名册.xlsx --community C01 --out 东关社区.html
  cobuild explore 花名册/ --street S01 --as-of 2024-12-31 --out 城关街道.html
  cobuild explore 花名册.xlsx --county --out 全县.html
  cobuild explore --db --community C01 --role planner --out 东关社区.html

页面说明 Reading the page:
  形状和颜色表示类型（左侧图例）/ shape and colour: the kind (legend on the left);
  绿色粗线 = 双向进入，橙色箭头 = 单向进入，红色虚线 = 缺失的联系 /
  thick green = two-way link, orange arrow = one-way link, dashed red = missing link;
  红/橙/黄边框 = 高/中/低风险的发现 / red, orange, yellow border: high, medium, low findings;
  搜索框按名称或编码查找；勾选框按类型、风险筛选；点击节点突出其相邻节点。
  search by name or code; tick boxes filter by kind and severity; click a node to
  highlight its neighbourhood.
  --role reader（默认）的页面中手机号打码 / a reader's page (the default) masks phone numbers.

全县视图：图中节点超过 2000 个时，每个社区的驻区单位（连同其党组织和人员）合为一个点，
网格、小区、其他人员等合为另一个点；打开社区或街道可看到每个节点。
County view: with more than 2,000 nodes, each community's units (with their orgs and staff)
are drawn as one node, and its grids, compounds and other people as another; open the
community or street to see every node.

退出码 Exit codes: 0 完成 done; 1 花名册有错误 roster invalid; 2 其他错误 other errors.
"""


def register(sub) -> None:
    """Add ``explore`` to the ``cobuild`` parser."""
    p = sub.add_parser(
        "explore",
        help="生成可交互的关系网络图（离线 HTML）/ write the interactive network page (offline HTML)",
        description="把一个社区、街道或全县的共驻共建关系画成一个可交互的网页（单个 HTML 文件，不联网也能打开），"
                    "缺口用颜色标出。\n"
                    "Draw the co-building network of a community, a street or the whole county as one "
                    "interactive web page (a single HTML file that needs no internet), gaps in colour.",
        epilog=_EPILOG + f"\n操作指引 walk-through：{doc_ref('walkthrough')}\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_source_args(p)
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--community", metavar="C", help="画这个社区（编码）/ draw this community (code)")
    where.add_argument("--street", metavar="S", help="画这个街道（编码）/ draw this street (code)")
    where.add_argument("--county", action="store_true", help="画全县 / draw the whole county")
    p.add_argument("--as-of", type=date_arg, metavar="YYYY-MM-DD",
                   help="分析日期，默认今天；只计入当日有效的任职 / as-of date (default today); only posts "
                        "that count on it count")
    p.add_argument("--role", choices=("reader", "planner"), default="reader",
                   help="页面给谁看：reader（默认，手机号打码）或 planner（显示完整手机号）/ who the page is "
                        "for: reader (default, phone numbers masked) or planner (whole numbers)")
    p.add_argument("--policy", metavar="FILE",
                   help="策略文件（TOML），同 cobuild analyze / policy file (TOML), as for cobuild analyze")
    p.add_argument("--no-overview", action="store_true",
                   help="县、街道页面不以概览打开，直接显示完整网络 / open a county or street page on its "
                        "whole network, not on the overview")
    p.add_argument("--title", help="页面标题，默认按范围生成 / page title (default: from the scope)")
    p.add_argument("--out", metavar="FILE", required=True,
                   help="写入的 HTML 文件，例如 东关社区.html / the HTML file to write, e.g. east.html")
    p.add_argument("-q", "--quiet", action="store_true", help="不显示进度 / no progress on stderr")
    p.set_defaults(func=cmd_explore)


def cmd_explore(args) -> int:
    """Run ``cobuild explore``."""
    from cobuild.explorer import explore
    from cobuild.sources import open_graph
    from graph.analysis.policy import Policy, load_policy

    say = progress(args.quiet)
    policy = load_policy(args.policy) if args.policy else Policy()
    out = Path(args.out)
    if out.is_dir():
        raise CobuildError(f"{out} 是文件夹，请给出 .html 文件名", f"{out} is a folder: give an .html file name")
    try:
        G = open_graph(args.roster, db=args.db, progress=say)
    except RosterError as e:
        print_roster_error(e)
        return 1
    planner = args.role == "planner"
    html = explore(G, args.as_of or date.today(), community=args.community, street=args.street,
                   policy=policy, title=args.title, show_phones=planner, progress=say,
                   overview=False if args.no_overview else None)
    write_text_atomic(out, html, private=planner)
    if say:
        say(f"已写入 wrote {out} ({len(html.encode('utf-8')) // 1024} KB)")
    if planner:
        print(private_file_note(out), file=sys.stderr)
    return 0
