"""``cobuild import ROSTER``: check a roster and store it in Neo4j."""

from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

from graph import schema

_RAW = argparse.RawDescriptionHelpFormatter

DESCRIPTION = """\
把花名册（.xlsx 工作簿、CSV 文件夹或 CSV 的 .zip）检查后导入 Neo4j。
Check a roster (an .xlsx workbook, a folder of CSV files or a .zip of them) and
store it in Neo4j.

* 先检查整个花名册；有任何错误就列出全部错误，不写入任何数据。
  The whole roster is checked first; any error is listed (all of them) and
  nothing is written.
* 一个花名册管辖其“街道”表中的街道：导入会替换这些街道在数据库中的已有数据
  ——花名册中已删去的行，也从图中删去；其他街道的数据不受影响。写入之前先
  列出将新增、更新、删除的内容。
  A roster covers the streets of its 街道 table: importing it replaces what is
  stored for those streets -- rows gone from the roster are gone from the
  graph; other streets' data is untouched. What will be created, changed and
  deleted is listed before anything is written.
* 编码已属于其他街道（不在本花名册的街道内）的行，只能与已有数据完全一致；
  若会改写或迁移它（如把另一街道的单位放进本街道的社区），则报错并指出所在行，
  不写入任何数据。
  A row whose code belongs to another street's data (outside this roster's
  streets) may only repeat it as stored; a row that would rewrite or move it
  (another street's unit put into one of this roster's communities) is an
  error naming the row, and nothing is written.
* 要删除已有数据时需要确认：终端中会询问，脚本中请加 --yes。
  When stored data would be deleted you are asked to confirm (at a terminal),
  or must add --yes (in scripts).
* 整个花名册在一个事务中写入：要么全部写入，要么什么都不写。每次导入都留有记录
  （文件名、SHA-256、时间、数量）。与最近一次导入的花名册内容相同（各表各行与街道均相同）时，
  只说明这一点，不写入，也不新增记录。
  One transaction for the whole roster: all of it or nothing. Every import
  leaves a record (file name, SHA-256, time, counts). A roster with the
  same content as the latest import's (same rows, same streets) is said to
  be so and nothing is written, not even a record.

数据库连接见 NEO4J_URI 等环境变量，或 `cobuild neo4j start` 启动的本地服务器。
The database is NEO4J_URI & co., or the local server of `cobuild neo4j start`.

退出码 exit code: 0 已导入（或试运行完成）imported (or dry run done);
1 花名册有错误，或删除未确认 roster errors, or deletions not confirmed;
2 不是花名册或数据库不可用 not a roster, or the database is unavailable.

例 examples:
  cobuild import 花名册.xlsx --dry-run      只检查并列出将发生的变化 / check and show the plan only
  cobuild import 花名册.xlsx                导入 / import
  cobuild import 花名册.xlsx --yes          不询问，直接替换 / replace without asking
"""


def register(sub) -> None:
    """Add ``cobuild import`` to the ``cobuild`` parser."""
    p = sub.add_parser(
        "import",
        help="检查花名册并导入 Neo4j / check a roster and store it in Neo4j",
        description=DESCRIPTION,
        formatter_class=_RAW,
    )
    p.add_argument("roster", metavar="ROSTER",
                   help="花名册：.xlsx、CSV 文件夹或 .zip / the roster: .xlsx, CSV folder or .zip")
    p.add_argument("--dry-run", action="store_true",
                   help="只检查并列出将发生的变化，不写入 / check and show the plan; write nothing")
    p.add_argument("--yes", "-y", action="store_true",
                   help="要删除已有数据时不询问 / do not ask before deleting stored data")
    p.set_defaults(func=cmd_import)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class _StoreProgress:
    """Progress of the database work on stderr, for big rosters only."""

    def __init__(self, min_total: int) -> None:
        self.min_total = min_total
        self.last = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if total < self.min_total:
            return
        pct = 100 * done // max(total, 1)
        if (stage, pct // 10) != self.last or done == total:
            self.last = (stage, pct // 10)
            _say(f"  {stage} {done}/{total} ({pct}%)")


def _width(text: str) -> int:
    """Columns a text takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _ljust(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


def _rjust(text: str, width: int) -> str:
    return " " * max(width - _width(text), 0) + text


def _name_of(label_or_type: str) -> str:
    if label_or_type in schema.NODE_KINDS_BY_LABEL:
        return f"{schema.node_kind(label_or_type).zh} {label_or_type}"
    return f"关系 {schema.rel_kind(label_or_type).zh} {label_or_type}"


def _streets_text(roster) -> tuple[str, str]:
    names = {r["code"]: r.get("name", "") for r in roster.rows("streets")}
    codes = roster.jurisdiction
    zh = "、".join(f"{c} {names.get(c, '')}".strip() for c in codes)
    return zh, ", ".join(codes)


#: at most this many rows to delete / change are listed by name
PLAN_LIST = 20

#: Said when the roster is stored already (by the latest import).
NOTHING_WRITTEN = ("\n未写入任何数据，也不新增导入记录 / nothing was written, and no new import "
                   "record: 新增 created 0, 更新 changed 0, 删除 deleted 0")


def _node_ref(nid: str) -> str:
    label, code = schema.split_node_id(nid)
    kind = schema.NODE_KINDS_BY_LABEL.get(label)
    return f"{kind.zh if kind else label} {code}"


def _item_text(item: dict) -> str:
    """One stored item that changes or goes, as a planner reads it."""
    if "label" in item:
        text = f"{schema.node_kind(item['label']).zh} {item['name']}（{item['code']}）"
    else:
        text = (f"{schema.rel_kind(item['type']).zh}：{_node_ref(item['source'])} → "
                f"{_node_ref(item['target'])}")
    if item.get("fields"):
        text += f"；改动 fields：{'、'.join(item['fields'])}"
    return text


def _item_lines(title_zh: str, title_en: str, items: list[dict]) -> list[str]:
    if not items:
        return []
    lines = ["", f"{title_zh} / {title_en}（{len(items)}）："]
    lines += [f"  {i}. {_item_text(x)}" for i, x in enumerate(items[:PLAN_LIST], 1)]
    if len(items) > PLAN_LIST:
        more = len(items) - PLAN_LIST
        lines.append(f"  ……另有 {more} 项 / {more} more")
    return lines


def format_plan(plan, roster) -> str:
    """The replacement plan, in plain Chinese and English, before writing."""
    zh, en = _streets_text(roster)
    lines = []
    if plan.replaced:
        lines.append(f"将替换街道 {zh} 在数据库中的已有数据（现有 {plan.replaced} 个节点）；"
                     "花名册中已没有的行将从图中删除，其他街道的数据不变。")
        lines.append(f"This import replaces the stored data of streets {en} ({plan.replaced} "
                     "nodes stored now); rows no longer in the roster are deleted from the "
                     "graph; other streets' data stays as it is.")
    else:
        lines.append(f"数据库中尚无街道 {zh} 的数据：全部为新增。")
        lines.append(f"Nothing is stored yet for streets {en}: everything is new.")
    if plan.unchanged_since is not None:
        rec = plan.unchanged_since
        lines.append(f"与最近一次导入（记录 {rec['id']}，{rec.get('file') or ''}）的花名册完全相同"
                     "（内容与街道均相同）：不会有任何变化。")
        lines.append(f"Identical to the roster of the latest import (record {rec['id']}, "
                     f"{rec.get('file') or ''}: same content, same streets): nothing will change.")
        return "\n".join(lines)
    if plan.is_empty:
        lines.append("与数据库中已有的数据完全相同，不会有任何变化。")
        lines.append("Identical to the stored data: nothing will change.")
        return "\n".join(lines)
    rows = [(_name_of(k), c.created, c.changed, c.deleted)
            for k, c in (*plan.nodes.items(), *plan.rels.items()) if c]
    rows.append(("合计 total", plan.created, plan.changed, plan.deleted))
    width = max(_width(r[0]) for r in rows) + 2
    lines.append("")
    for name, *numbers in [("类别 kind", "新增 created", "更新 changed", "删除 deleted"), *rows]:
        lines.append("  " + _ljust(name, width) + "".join(_rjust(str(n), 14) for n in numbers))
    lines += _item_lines("将删除", "to be deleted", plan.deleted_items)
    lines += _item_lines("将更新", "to be changed", plan.changed_items)
    return "\n".join(lines)


def _stored_text(counts: dict[str, int]) -> str:
    nodes = ", ".join(f"{schema.node_kind(k).zh} {k} {n}" for k, n in counts.items()
                      if k in schema.NODE_KINDS_BY_LABEL and n)
    rels = ", ".join(f"{schema.rel_kind(k).zh} {k} {n}" for k, n in counts.items()
                     if k in schema.REL_KINDS_BY_TYPE and n)
    return (f"数据库现有 now stored:\n  节点 nodes: {nodes or '无 none'}\n"
            f"  关系 relationships: {rels or '无 none'}")


def _confirm(plan) -> bool:
    """Ask at a terminal; refuse in scripts (they must say --yes)."""
    if not sys.stdin.isatty():
        print(f"将删除 {plan.deleted} 项已有数据，未确认，未写入任何数据。确认请加 --yes。\n"
              f"{plan.deleted} stored item(s) would be deleted and this was not confirmed; "
              "nothing was written. Add --yes to confirm.")
        return False
    answer = input(f"确认删除 {plan.deleted} 项并导入? confirm deleting {plan.deleted} "
                   "item(s) and importing? [y/N] ")
    return answer.strip().casefold() in ("y", "yes", "是", "确认")


def cmd_import(args: argparse.Namespace) -> int:
    """Check the roster, show the plan, then store it (unless --dry-run)."""
    from cli.roster_cmds import format_report
    from cobuild.database import connect
    from cobuild.imports import plan_import, prepare_import, run_import
    from graph import store
    from graph.errors import RosterError

    # the server's notes on our own statements ("label Street does not exist"
    # on an empty database) are not for planners
    path = Path(args.roster)
    job = prepare_import(path, progress=_say)
    roster = job.roster
    if job.issues:
        print(format_report(str(path), roster.counts(), job.issues))
        print()
    if job.jurisdiction_issues:
        print(format_report(str(path), roster.counts(), job.jurisdiction_issues))
        print()
    if job.errors:
        print("未导入任何数据 / nothing was imported")
        return 1

    db = connect()
    try:
        _say("计算替换方案 computing what will change …")
        progress = _StoreProgress(2 * store.BATCH_SIZE)
        plan = plan_import(db, job, progress=progress)
        print(format_plan(plan, roster))
        if args.dry_run:
            print("\n试运行：未写入任何数据 / dry run: nothing was written")
            return 0
        if plan.unchanged_since is not None:
            print(NOTHING_WRITTEN)
            return 0
        if plan.deleted and not args.yes and not _confirm(plan):
            return 1
        _say("写入 Neo4j（一个事务）writing to Neo4j (one transaction) …")
        result = run_import(db, job, progress=progress, plan=plan)
    except RosterError as e:  # rows that would change another jurisdiction's data
        print(format_report(str(path), roster.counts(), e.issues))
        print("\n未导入任何数据 / nothing was imported")
        return 1
    finally:
        db.close()
    if result.plan.changes() != plan.changes():  # someone imported in between
        print("\n数据库在此期间有变化，实际执行如下 / the database changed meanwhile; "
              "what was actually done:")
        print(format_plan(result.plan, roster))
    if result.unchanged:  # the same roster was imported meanwhile
        print(NOTHING_WRITTEN)
        return 0
    print(f"\n已导入 imported: 新增 created {result.created}, 更新 changed {result.changed}, "
          f"删除 deleted {result.deleted} — 导入记录 import record {result.record_id}, "
          f"{result.seconds:.1f} s")
    print(_stored_text(result.counts))
    return 0
