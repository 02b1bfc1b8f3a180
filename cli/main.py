"""``cobuild``: the command line entry point.

Each command group lives in its own module with a ``register(subparsers)``
function; :data:`COMMAND_MODULES` lists them in the order ``--help`` shows.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from graph import product_version
from graph.errors import CobuildError

COMMAND_MODULES = (
    "cli.neo4j_cmd",
    "cli.roster_cmds",
    "cli.import_cmd",
    "cli.demo_data_cmd",
    "cli.analysis_cmds",
    "cli.plan_cmds",
    "cli.activity_cmds",
    "cli.explore_cmd",
    "cli.api_cmds",
    "cli.completion_cmd",
)

DESCRIPTION = """\
cobuild —— 城市社区党建“共驻共建”关系图谱与缺口分析
cobuild — co-building network of urban community party-building, and its gaps

常用 Common tasks:
  cobuild demo                      生成演示县并分析 / build and analyze the demo county
  cobuild check 花名册.xlsx           检查花名册 / validate a roster
  cobuild analyze 花名册.xlsx         找出缺口 / find the coverage gaps
  cobuild recommend 花名册.xlsx       补齐方案（拟任人员）/ the appointments that close the gaps
  cobuild forecast 花名册.xlsx        12个月预测 / what breaks in the next 12 months
  cobuild whatif 花名册.xlsx --remove-person P01   推演 / what if someone leaves
  cobuild stats 花名册.xlsx           统计表 / the statistics table
  cobuild match 花名册.xlsx           需求对接建议 / match open needs to resources
  cobuild import 花名册.xlsx          导入 Neo4j / import into Neo4j
  cobuild neo4j start               启动本地 Neo4j / start the local Neo4j

每个命令都有 --help / every command has --help.
命令补全 Tab completion:  eval "$(cobuild completion bash)"  (zsh: cobuild completion zsh)
"""


def build_parser() -> argparse.ArgumentParser:
    from graph.reference import doc_ref

    parser = argparse.ArgumentParser(
        prog="cobuild",
        description=DESCRIPTION + (
            f"\n用户文档 user documentation：{doc_ref('index')}\n"
            f"  花名册格式 roster format：{doc_ref('roster')}\n"
            f"  缺口规则 rules：{doc_ref('rules')}\n"
            f"  HTTP 接口 API：{doc_ref('api')}\n"
            f"  操作指引 walk-through：{doc_ref('walkthrough')}\n"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"cobuild {product_version()}",
                        help="显示版本并退出 / show the version and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="命令 commands")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except CobuildError as e:
        print(f"错误 error: {e.message_zh}\n          {e.message_en}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断 interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
