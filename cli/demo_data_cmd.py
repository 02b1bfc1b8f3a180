"""``cobuild demo-data OUT``: write the demo county's roster."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from cli.common import date_arg, private_file_note
from graph import schema
from graph.errors import CobuildError

__all__ = ["register", "cmd_demo_data"]

DESCRIPTION = """\
生成演示县的花名册：一个虚构的县城（桐川县），按文章的比例构造 —— 169 家驻区单位、
40 名兼职委员、18 个网格党支部、46 个网格党小组、37 户党员中心户、50 个红色物业
示范小区，4–5 个街道、26–32 个社区；人名、单位名均为虚构。它不是一个“完美”的县：
docs/rules.md 的每条规则 G01–G13 和 G15–G23 都有真实的缺口可查。同一组 --seed、--scale、--as-of
得到完全相同的花名册；所有日期都相对 --as-of（默认今天）。
--scale 放大全部数量：10 约一个地级市，100 约一个省（约 17 万个节点），用于性能测试。

Write the demo county's roster: a fictional county seat （桐川县） in the
article's proportions -- 169 resident units, 40 part-time committee members,
18 grid party branches, 46 grid party groups, 37 central households, 50 model
compounds, 4-5 streets, 26-32 communities; all names invented. It is not a
perfect county: every rule G01–G13 and G15–G23 of docs/rules.md has real gaps to find. The same
--seed, --scale and --as-of give the identical roster; every date is relative
to --as-of (default today). --scale multiplies every figure: 10 is about a
city, 100 about a province (~170,000 nodes), for benchmarks.
"""

EPILOG = """\
输出 output:
  OUT 以 .xlsx 结尾时写一个工作簿，否则写一个 CSV 文件夹（每表一个文件）。
  OUT ending in .xlsx: one workbook; otherwise a folder of CSV files (one per table).

例 examples:
  cobuild demo-data 演示县.xlsx
  cobuild demo-data demo-csv/ --format csv --seed 7
  cobuild demo-data city.xlsx --scale 10 --as-of 2025-06-30
  cobuild analyze 演示县.xlsx --as-of 2025-06-30     # 然后分析 / then analyze it
"""


def _scale(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        v = float("nan")
    if not (v > 0):
        raise argparse.ArgumentTypeError(
            f"规模应为大于 0 的数（如 1、0.5、10），不是“{text}” / "
            f"the scale is a number above 0 (e.g. 1, 0.5, 10), not {text!r}")
    return v


def register(sub) -> None:
    """Add ``demo-data`` to the ``cobuild`` parser."""
    p = sub.add_parser(
        "demo-data",
        help="生成演示县花名册（含真实缺口）/ write the demo county's roster (with real gaps)",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("out", metavar="OUT",
                   help="输出：.xlsx 工作簿或 CSV 文件夹 / output: an .xlsx workbook or a CSV folder")
    p.add_argument("--seed", type=int, default=2024,
                   help="随机种子，默认 2024 / random seed (default 2024)")
    p.add_argument("--scale", type=_scale, default=1.0,
                   help="规模倍数，默认 1（一个县城）/ size multiplier (default 1: one county seat)")
    p.add_argument("--as-of", type=date_arg, metavar="YYYY-MM-DD",
                   help="花名册所描述的日期，默认今天；日期都相对它 / the day the roster describes "
                        "(default today); all dates are relative to it")
    p.add_argument("--format", choices=("xlsx", "csv"),
                   help="xlsx 或 csv；不填时按 OUT 的扩展名 / xlsx or csv (default: from OUT's suffix)")
    p.add_argument("--force", action="store_true",
                   help="OUT 已存在时覆盖 / overwrite OUT if it exists")
    p.add_argument("-q", "--quiet", action="store_true", help="不显示进度 / no progress on stderr")
    p.set_defaults(func=cmd_demo_data)


def _target(out: str, fmt: str | None) -> Path:
    path = Path(out)
    is_xlsx = path.suffix.lower() == ".xlsx"
    if fmt == "xlsx" and not is_xlsx:
        path = path.with_name(path.name + ".xlsx")
    elif fmt == "csv" and is_xlsx:
        raise CobuildError(
            f"--format csv 写的是文件夹，但“{out}”以 .xlsx 结尾；请换一个不带 .xlsx 的名字",
            f"--format csv writes a folder, but {out!r} ends in .xlsx; choose a name without .xlsx",
        )
    return path


def cmd_demo_data(args) -> int:
    """Run ``cobuild demo-data``."""
    from loaders import demo
    from loaders.writer import write_roster

    path = _target(args.out, args.format)
    if path.exists() and not args.force:
        raise CobuildError(
            f"“{path}”已存在；请换个名字，或加 --force 覆盖",
            f"{path} exists; choose another name or add --force",
        )
    as_of = args.as_of or date.today()
    say = None if args.quiet else (lambda m: print(m, file=sys.stderr, flush=True))
    t0 = time.perf_counter()
    if say:
        say(f"生成演示县 / generating the demo county (seed {args.seed}, scale {args.scale:g}, "
            f"as of {as_of.isoformat()})")
    # progress per stage only where it takes a while
    roster = demo.generate(args.seed, args.scale, as_of,
                           progress=say if say and args.scale >= 5 else None)
    t1 = time.perf_counter()
    written = write_roster(roster, path, progress=say if say and args.scale >= 5 else None)
    t2 = time.perf_counter()

    kind = "工作簿 workbook" if written.suffix.lower() == ".xlsx" else "CSV 文件夹 CSV folder"
    print(f"已写出演示县花名册 / wrote the demo roster: {written}（{kind}）")
    print(f"种子 seed {args.seed} · 规模 scale {args.scale:g} · 日期 as of {as_of.isoformat()}")
    print(private_file_note(written))
    counts = roster.counts()
    for key, n in counts.items():
        print(f"  {key:<20} {n:>8}  {schema.table(key).zh}")
    nodes = sum(n for k, n in counts.items() if schema.table(k).node)
    print(f"  节点 nodes {nodes} · 关系行 relationship rows "
          f"{sum(n for k, n in counts.items() if schema.table(k).edge)}")
    if say:
        say(f"用时 took {t1 - t0:.1f} s 生成 generate + {t2 - t1:.1f} s 写出 write")
    return 0
