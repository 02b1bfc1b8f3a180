"""Reference tables of the user documentation, generated so they cannot drift:
the rules with their severities and thresholds (from the rule registry), the
roster tables and columns and the value sets (from :mod:`graph.schema`).

The Markdown files under ``docs/`` hold each table between the markers
``<!-- generated: NAME -->`` and ``<!-- /generated -->``; ``python -m
graph.reference docs`` rewrites those blocks, and the tests check that the
docs hold exactly what :func:`blocks` gives.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from graph import schema

__all__ = ["blocks", "rules_table", "roster_tables", "value_sets_table", "docs_dir", "doc_ref", "update",
           "DOCS"]

#: The user documents, by what they are about.
DOCS = {
    "index": "README.md",
    "roster": "roster-format.md",
    "rules": "rules.md",
    "api": "api.md",
    "walkthrough": "walkthrough.md",
}

_SEVERITY_ZH = {"high": "高 high", "medium": "中 medium", "low": "低 low"}


def docs_dir() -> Path | None:
    """The ``docs/`` folder of the cobuild source this module runs from, or
    ``None`` when cobuild was installed without it."""
    d = Path(__file__).resolve().parents[1] / "docs"
    return d if (d / DOCS["index"]).is_file() else None


def doc_ref(key: str) -> str:
    """Where a planner finds document ``key`` (see :data:`DOCS`): the file's
    absolute path when the docs are at hand, else ``docs/<file>`` in the
    cobuild source."""
    d = docs_dir()
    return str(d / DOCS[key]) if d else f"docs/{DOCS[key]}"


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def rules_table() -> str:
    """Every rule: id, name, default severity, thresholds with their defaults
    and bounds, what it finds."""
    from graph.analysis.rules import RULES

    lines = ["| 规则 rule | 名称 name | 默认严重程度 default severity | 阈值 thresholds （默认 default） | 说明 what it finds |",
             "| --- | --- | --- | --- | --- |"]
    for r in RULES:
        params = []
        for p in r.params:
            bounds = ""
            if p.minimum is not None or p.maximum is not None:
                lo = "" if p.minimum is None else f"{p.minimum:g}"
                hi = "" if p.maximum is None else f"{p.maximum:g}"
                bounds = f"，范围 range {lo}–{hi}"
            params.append(f"`{p.name}` = {p.default}（{p.description_zh} / {p.description_en}{bounds}）")
        lines.append(f"| {r.id} | {_cell(r.name_zh)} / {_cell(r.name_en)} | {_SEVERITY_ZH[r.default_severity]} | "
                     f"{_cell('<br>'.join(params) or '—')} | {_cell(r.description_zh)}<br>{_cell(r.description_en)} |")
    return "\n".join(lines)


def _column_type(c: schema.Column) -> str:
    if c.value_set is not None:
        return f"{c.value_set.zh}（见下表 see below）"
    if c.ref:
        refs = "、".join(schema.table(r).zh for r in c.ref)
        return f"{'多个编码 codes' if c.type == 'refs' else '编码 code'} → {refs}"
    return {"code": "编码 code", "date": "日期 date", "bool": "是/否 yes/no", "phone": "电话 phone",
            "credit_code": "统一社会信用代码 credit code", "text": "文字 text", "int": "整数 whole number",
            "float": "数 number"}.get(c.type, c.type)


def roster_tables() -> str:
    """Every roster table: sheet name, alias, required or not, and its
    columns (header, alias, required, type)."""
    out = []
    for t in schema.TABLES:
        out.append(f"### {t.zh}（{t.key}）— {t.en}{'（选填 optional）' if t.optional else ''}")
        out.append("")
        out.append("| 列 column | 别名 alias | 必填 required | 类型 type | 说明 note |")
        out.append("| --- | --- | --- | --- | --- |")
        for c in t.columns:
            out.append(f"| {_cell(c.zh)} | `{c.key}` | {'是 yes' if c.required else ''} | {_cell(_column_type(c))} | "
                       f"{_cell(c.note_zh)} |")
        out.append("")
    return "\n".join(out).rstrip()


def value_sets_table() -> str:
    """Every value set with its Chinese words and codes."""
    lines = ["| 值集 value set | 中文 Chinese | 代码 code | 含义 meaning |", "| --- | --- | --- | --- |"]
    for vs in schema.VALUE_SETS:
        title = f"{vs.zh} {vs.en}" + ("（可填其他文字 free text allowed）" if vs.open else "")
        for i, m in enumerate(vs.members):
            lines.append(f"| {_cell(title) if i == 0 else ''} | {_cell(m.zh)} | `{m.code}` | {_cell(m.en)} |")
    return "\n".join(lines)


def blocks() -> dict[str, str]:
    """Generated block name -> its Markdown."""
    return {"rules": rules_table(), "roster-tables": roster_tables(), "value-sets": value_sets_table()}


_BLOCK = re.compile(r"(<!-- generated: ([\w-]+) -->)(.*?)(<!-- /generated -->)", re.S)


def update(folder: str | Path) -> list[Path]:
    """Rewrite the generated blocks of the Markdown files in ``folder``;
    returns the files changed."""
    gen = blocks()
    changed = []
    for path in sorted(Path(folder).glob("*.md")):
        text = path.read_text(encoding="utf-8")
        new = _BLOCK.sub(lambda m: f"{m.group(1)}\n{gen[m.group(2)]}\n{m.group(4)}", text)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed


if __name__ == "__main__":  # python -m graph.reference docs
    for p in update(sys.argv[1] if len(sys.argv) > 1 else "docs"):
        print(f"updated {p}")
