"""What every command needs the same way: dates, progress, overwriting,
the roster report on stderr, an atomic write."""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path
from typing import Callable

from graph.errors import CobuildError, RosterError

__all__ = ["add_source_args", "add_scope_args", "add_report_args", "add_quiet_arg", "format_of",
           "write_output", "date_arg", "progress", "say", "refuse_overwrite", "print_roster_error",
           "write_text_atomic", "PRIVATE_MODE", "private_file_note"]

#: The mode of every file holding unmasked personal data (whole phone
#: numbers): readable and writable by its owner only.
PRIVATE_MODE = 0o600


def private_file_note(path: Path) -> str:
    """What a command prints after writing a file with unmasked personal
    data (the file is :data:`PRIVATE_MODE`)."""
    return (f"注意：{path} 含完整手机号（个人信息），已设为仅本人可读写（权限 0600），"
            f"转发前请确认对方有权查看 / note: {path} holds whole phone numbers (personal data); "
            f"it is readable by you only (mode 0600): check the recipient may see them before "
            f"forwarding it")


def date_arg(text: str) -> date:
    """argparse type of an ``--as-of`` date: the forms a roster's date cell
    takes (``2025-06-30``, ``2025/6/30``, ``2025年6月30日``, ``20250630`` ...,
    :func:`loaders.cells.parse_date`)."""
    from loaders.cells import CellError, parse_date

    try:
        return parse_date(text)
    except CellError as e:
        raise argparse.ArgumentTypeError(f"{e.message_zh} / {e.message_en}") from None


def say(message: str) -> None:
    """One progress line on stderr."""
    print(message, file=sys.stderr, flush=True)


def progress(quiet: bool) -> Callable[[str], None] | None:
    """A progress callback printing elapsed seconds on stderr, or ``None``
    with ``--quiet``."""
    if quiet:
        return None
    t0 = time.perf_counter()

    def _say(msg: str) -> None:
        print(f"[{time.perf_counter() - t0:6.2f}s] {msg}", file=sys.stderr, flush=True)
    return _say


def refuse_overwrite(out: Path, force: bool) -> None:
    """Refuse to overwrite ``out`` unless ``--force``."""
    if out.exists() and not force:
        raise CobuildError(
            f"“{out}”已存在；为免覆盖已有文件，请换个文件名，或加 --force 覆盖",
            f"{out} exists; to avoid overwriting it, choose another name or add --force",
        )


def print_roster_error(e: RosterError, limit: int = 200) -> None:
    """The errors of an invalid roster on stderr (at most ``limit``)."""
    print(f"花名册未通过检查 / the roster is invalid: {e.message_zh} / {e.message_en}", file=sys.stderr)
    errors = [i for i in e.issues if i.severity == "error"]
    for issue in errors[:limit]:
        print(f"  {issue}", file=sys.stderr)
    if len(errors) > limit:
        print(f"  ……另有 {len(errors) - limit} 处错误 / {len(errors) - limit} more errors "
              f"（cobuild check 可查看全部 / run cobuild check to see all）", file=sys.stderr)


def write_text_atomic(path: Path, text: str, *, private: bool = False) -> Path:
    """Write ``text`` to ``path`` through a temporary file: never half a file.
    ``private`` (a file holding unmasked personal data) writes it
    :data:`PRIVATE_MODE` from the start (never readable by others, not even
    for a moment)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
        fd = os.open(tmp, flags, PRIVATE_MODE) if private else os.open(tmp, flags, 0o666)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        if private:
            os.chmod(tmp, PRIVATE_MODE)
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise CobuildError(f"无法写入 {path}:{e.strerror or e}", f"cannot write {path}: {e}") from None
    return path


def add_source_args(p: argparse.ArgumentParser) -> None:
    """The ROSTER argument and ``--db``: where a command reads the graph."""
    p.add_argument("roster", nargs="?", metavar="ROSTER",
                   help="花名册：.xlsx 工作簿、CSV 文件夹或 .zip（用 --db 时不填）/ roster: .xlsx workbook, "
                        "folder of CSV files or .zip (leave out with --db)")
    p.add_argument("--db", action="store_true",
                   help="从 Neo4j 数据库读取已导入的图 / read the graph stored in Neo4j")


def add_scope_args(p: argparse.ArgumentParser, *, exclusive: bool = False,
                   as_of_help: str = "分析日期，默认今天 / as-of date (default today)") -> None:
    """``--street``, ``--community`` (at most one of them when ``exclusive``)
    and ``--as-of``: what part of the graph a command looks at, and when."""
    where = p.add_mutually_exclusive_group() if exclusive else p
    where.add_argument("--street", metavar="S", help="只看这个街道（编码）/ only this street (code)")
    where.add_argument("--community", metavar="C", help="只看这个社区（编码）/ only this community (code)")
    p.add_argument("--as-of", type=date_arg, metavar="YYYY-MM-DD", help=as_of_help)


def add_report_args(p: argparse.ArgumentParser, formats: tuple[str, ...], *,
                    force: bool = False) -> None:
    """``--format`` (one of ``formats``), ``--out`` and, with ``force``,
    ``--force``: how and where a command writes its report."""
    p.add_argument("--format", choices=formats,
                   help=f"报告格式：{'、'.join(formats)}（默认 text；不填时按 --out 的扩展名）/ report "
                        "format (default text, or from the --out suffix)")
    p.add_argument("--out", metavar="FILE",
                   help="写入文件（xlsx 必填）；不填则输出到屏幕 / write to this file (required for xlsx); "
                        "default: the screen")
    if force:
        p.add_argument("--force", action="store_true", help="覆盖已有文件 / overwrite existing files")


def add_quiet_arg(p: argparse.ArgumentParser) -> None:
    """``-q/--quiet``: no progress on stderr."""
    p.add_argument("-q", "--quiet", action="store_true", help="不显示进度 / no progress on stderr")


def format_of(fmt: str | None, out: str | None, formats=("text", "json", "xlsx", "html")) -> str:
    """The report format: ``--format``, else from the ``--out`` suffix
    (``.txt .json .xlsx .html/.htm``), else text."""
    if fmt:
        return fmt
    if out:
        low = out.lower()
        for f, suffix in (("text", ".txt"), ("json", ".json"), ("xlsx", ".xlsx"), ("html", ".html"),
                          ("html", ".htm")):
            if f in formats and low.endswith(suffix):
                return f
    return "text"


def write_output(content: str | bytes, out: str | None) -> Path | None:
    """Write a report to ``out`` atomically, or to stdout when ``out`` is
    None (bytes need a file)."""
    if out is None:
        sys.stdout.write(content if isinstance(content, str) else content.decode("utf-8"))
        return None
    path = Path(out)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise CobuildError(f"无法写入 {path}：{e.strerror or e}", f"cannot write {path}: {e}") from None
    return path
