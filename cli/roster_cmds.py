"""``cobuild check | template | export``: rosters in and out."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from cli.common import private_file_note, refuse_overwrite, say
from graph import limits, schema
from graph.reference import doc_ref
from graph.errors import CobuildError, Issue, NotARosterError

_RAW = argparse.RawDescriptionHelpFormatter


# ---------------------------------------------------------------------------
# check
# ---------------------------------------------------------------------------

CHECK_DESCRIPTION = """\
检查花名册（.xlsx 工作簿、CSV 文件夹或 CSV 的 .zip），一次列出全部问题：
必填项为空、编码重复或找不到、日期无法识别、终止早于起始、值不在可选范围、
联合党支部少于两个单位等。错误会阻止导入；警告（未知列、没有任职的单位党组织
等）不阻止。不写入任何数据。
Check a roster (an .xlsx workbook, a folder of CSV files or a .zip of them) and
list every problem at once: empty required cells, duplicate or unknown codes,
unreadable dates, end before start, values outside their sets, a joint branch
with fewer than two units ... Errors block an import; warnings (unknown
columns, a unit party organization with no posts ...) do not. Writes nothing.

上限（所有文件形式相同）：每张表最多 {L.MAX_ROWS:,} 行、{L.MAX_TABLE_CELLS:,} 个单元格；编码最多
{L.CODE_CHARS} 个字符，文字最多 {text_chars:,} 个；日期在 {L.MIN_DATE.year}–{L.MAX_DATE.year} 年之间；公式要有计算结果。
Limits (the same for every file form): a table holds at most {L.MAX_ROWS:,} rows and
{L.MAX_TABLE_CELLS:,} cells; a code at most {L.CODE_CHARS} characters, text {text_chars:,};
dates within {L.MIN_DATE.year}–{L.MAX_DATE.year}; a formula cell needs its calculated value.

退出码 exit code: 0 没有错误（可有警告）no errors (warnings allowed);
1 有错误 errors; 2 不是花名册 not a roster at all.
手机号不会出现在报告中 / phone numbers never appear in the report.

例 example:  cobuild check 花名册.xlsx
            cobuild check rosters/2024/ --format json > report.json
""".format(L=limits, text_chars=limits.MAX_CHARS["text"])


def _count_line(errors: int, warnings: int) -> str:
    if errors:
        verdict = "不能导入，请改正错误后重新检查 / cannot be imported; fix the errors and check again"
    else:
        verdict = "可以导入 / ready to import"
    return (f"共 {errors} 个错误、{warnings} 个警告 / {errors} error(s), {warnings} warning(s) — "
            + verdict)


def format_report(source: str, counts: dict[str, int], issues: list[Issue]) -> str:
    """The text report of a check: issues grouped by table, Chinese with
    English beside, and a count line."""
    lines = [f"花名册 roster: {source}"]
    if counts:
        lines.append("行数 rows: " + ", ".join(
            f"{schema.table(k).zh} {k} {n}" for k, n in counts.items()))
    current = None
    for i in issues:
        if i.table != current:
            current = i.table
            n_err = sum(1 for j in issues if j.table == current and j.severity == "error")
            n_warn = sum(1 for j in issues if j.table == current and j.severity != "error")
            lines.append("")
            lines.append(f"== {current} ==  （{n_err} 错误 errors, {n_warn} 警告 warnings）")
        sev = "错误 error  " if i.severity == "error" else "警告 warning"
        where = f"第 {i.line} 行 row {i.line}" if i.line else "整表 table"
        col = f" [{i.column}]" if i.column else ""
        val = f" 值 value “{i.value}”" if i.value not in (None, "") else ""
        lines.append(f"  {sev} {where}{col}{val}")
        lines.append(f"      {i.message_zh}")
        lines.append(f"      {i.message_en}")
    errors = sum(1 for i in issues if i.severity == "error")
    lines.append("")
    lines.append(_count_line(errors, len(issues) - errors))
    return "\n".join(lines)


def cmd_check(args: argparse.Namespace) -> int:
    """Check a roster; exit 0 when it has no error, 1 when it has."""
    from loaders import check_roster

    path = Path(args.roster)
    try:
        roster, issues = check_roster(path, progress=say)
    except NotARosterError as e:
        if args.format != "json":
            raise
        print(json.dumps({"roster": str(path), "ok": False, "not_a_roster": True,
                          "message_zh": e.message_zh, "message_en": e.message_en},
                         ensure_ascii=False, indent=2))
        return 2
    errors = sum(1 for i in issues if i.severity == "error")
    if args.format == "json":
        print(json.dumps({
            "roster": str(path),
            "sha256": roster.sha256,
            "ok": errors == 0,
            "errors": errors,
            "warnings": len(issues) - errors,
            "counts": roster.counts(),
            "issues": [i.as_dict() for i in issues],
        }, ensure_ascii=False, indent=2))
    else:
        print(format_report(str(path), roster.counts(), issues))
    return 1 if errors else 0


# ---------------------------------------------------------------------------
# template
# ---------------------------------------------------------------------------

TEMPLATE_DESCRIPTION = """\
写出一个空白花名册工作簿供填写：每张表一个工作表，带标题行、填写说明行和表头
（带 * 的列必填），类型、职务、是/否等列有下拉列表，编码列设为文本格式（前导零
不会丢失），另有“说明”工作表解释各表和可选值。已存在的文件不会被覆盖（除非加
--force）。
Write an empty roster workbook to fill in: one sheet per table with a title row,
a note row and the header (columns marked * are required), drop-down lists on
kind, role, yes/no ... columns, code columns formatted as text (leading zeros
survive), and a 说明 sheet explaining the tables and value sets. An existing file
is not overwritten unless --force is given.

例 example:  cobuild template 花名册模板.xlsx
"""


def cmd_template(args: argparse.Namespace) -> int:
    """Write the empty roster template."""
    from loaders.template import write_template

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise CobuildError(f"模板必须是 .xlsx 文件：{out}", f"the template must be an .xlsx file: {out}")
    refuse_overwrite(out, args.force)
    write_template(out)
    print(f"已写出空白花名册模板 / wrote the empty roster template: {out}")
    return 0


# ---------------------------------------------------------------------------
# export
# ---------------------------------------------------------------------------

EXPORT_DESCRIPTION = """\
把 Neo4j 中保存的花名册导出为同一格式的花名册（.xlsx，或不以 .xlsx 结尾时为
CSV 文件夹），可再次导入：导入 → 导出 → 导入不丢失任何内容。
Export the roster stored in Neo4j in the same roster format (.xlsx, or a folder
of CSV files when OUT does not end in .xlsx); it can be imported again: import
→ export → import loses nothing.

导出的工作簿与模板一样：有“说明”表、下拉列表和文本格式，改完可直接再导入。
The exported workbook is laid out like the template （its 说明 sheet, drop-down
lists, text formats）：edit it and import it again.
文件权限为 0600（仅本人可读写）/ the file is written 0600 (readable by you only).

注意 NOTE: 导出文件含未遮盖的手机号（个人信息），这是规划人员自己的命令；
请妥善保管，不要外发。
The export holds phone numbers UNMASKED (personal data): this is the planner's
own command; keep the file safe and do not pass it on.

--street / --community 只导出一个街道或社区（含与之相连的组织），便于查看；
重新导入请用整个县的导出。
--street / --community export one street or community (with the organizations
linked to it) for reading; to re-import, export the whole county.

数据库连接见 NEO4J_URI 等环境变量，或 `cobuild neo4j start` 启动的本地服务器。
The database is NEO4J_URI & co., or the local server of `cobuild neo4j start`.

例 example:  cobuild export 导出花名册.xlsx
            cobuild export 城关街道.xlsx --street 001
"""


def cmd_export(args: argparse.Namespace) -> int:
    """Export the stored graph as a roster."""
    from cobuild.database import connect
    from graph.store import load_graph
    from loaders.export import graph_to_roster
    from loaders.writer import write_roster

    out = Path(args.out)
    refuse_overwrite(out, args.force)
    db = connect()
    try:
        say("读取数据库 reading the database …")
        G = load_graph(db, street=args.street, community=args.community)
    finally:
        db.close()
    roster = graph_to_roster(G)
    if not G.number_of_nodes():
        say("数据库中没有花名册数据，导出的是空花名册 / the database holds no roster; "
                  "the export is empty")
    write_roster(roster, out, progress=say, as_template=True)
    counts = ", ".join(f"{schema.table(k).zh} {n}" for k, n in roster.counts().items())
    print(f"已导出 exported: {out} ({counts or '空 empty'})")
    print(private_file_note(out))
    return 0


def register(sub) -> None:
    """Add ``check``, ``template`` and ``export`` to the ``cobuild`` parser."""
    c = sub.add_parser("check", help="检查花名册 / validate a roster",
                       description=CHECK_DESCRIPTION, formatter_class=_RAW,
                       epilog=f"花名册格式 roster format：{doc_ref('roster')}")
    c.add_argument("roster", metavar="ROSTER",
                   help="花名册：.xlsx、CSV 文件夹或 .zip / roster: .xlsx, CSV folder or .zip")
    c.add_argument("--format", choices=("text", "json"), default="text",
                   help="报告格式 / report format (default %(default)s)")
    c.set_defaults(func=cmd_check)

    t = sub.add_parser("template", help="写出空白花名册模板 / write the empty roster template",
                       description=TEMPLATE_DESCRIPTION, formatter_class=_RAW,
                       epilog=f"花名册格式 roster format：{doc_ref('roster')}")
    t.add_argument("out", metavar="OUT.xlsx", help="模板文件 / template file to write")
    t.add_argument("--force", action="store_true", help="覆盖已有文件 / overwrite an existing file")
    t.set_defaults(func=cmd_template)

    e = sub.add_parser("export", help="把数据库导出为花名册（含手机号）/ export the stored roster "
                                      "(phones unmasked)",
                       description=EXPORT_DESCRIPTION, formatter_class=_RAW)
    e.add_argument("out", metavar="OUT.xlsx",
                   help="输出 .xlsx，或 CSV 文件夹 / output .xlsx, or a CSV folder")
    scope = e.add_mutually_exclusive_group()
    scope.add_argument("--street", metavar="S", help="只导出这个街道编码 / only this street code")
    scope.add_argument("--community", metavar="C",
                       help="只导出这个社区编码 / only this community code")
    e.add_argument("--force", action="store_true", help="覆盖已有文件 / overwrite an existing file")
    e.set_defaults(func=cmd_export)
