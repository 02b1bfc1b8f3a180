"""The project's exceptions: one root, a few specific ones.

Every message a planner may read is bilingual: Chinese first, English beside.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = [
    "CobuildError",
    "Issue",
    "RosterError",
    "NotARosterError",
    "DatabaseUnavailable",
    "ServerError",
    "PolicyError",
    "NotFound",
]


class CobuildError(Exception):
    """Root of cobuild's errors. ``str(e)`` is ``"中文 / English"``."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(f"{message_zh} / {message_en}")


@dataclass(frozen=True)
class Issue:
    """One problem found in a roster: where it is, what it is.

    ``line`` is the row number the planner sees in Excel (0 when the issue
    concerns a whole table or file); ``severity`` is ``"error"`` (blocks the
    import) or ``"warning"`` (does not).
    """

    table: str
    line: int
    column: str
    value: Any
    message_zh: str
    message_en: str
    severity: str = "error"
    code: str = ""  # stable machine id of the check, e.g. "unknown_ref"

    def as_dict(self) -> dict:
        d = asdict(self)
        if d["value"] is not None and not isinstance(d["value"], (str, int, float, bool)):
            d["value"] = str(d["value"])
        return d

    def __str__(self) -> str:
        where = self.table + (f" 第{self.line}行 (row {self.line})" if self.line else "")
        col = f" [{self.column}]" if self.column else ""
        val = f" 值 value={self.value!r}" if self.value not in (None, "") else ""
        return f"{where}{col}{val}: {self.message_zh} / {self.message_en}"


class RosterError(CobuildError):
    """A roster that failed validation; ``issues`` lists every problem."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        errors = [i for i in issues if i.severity == "error"]
        super().__init__(
            f"花名册有 {len(errors)} 处错误，未写入任何数据",
            f"the roster has {len(errors)} error(s); nothing was written",
        )


class NotARosterError(CobuildError):
    """The file is not a readable roster at all (wrong type, encrypted,
    empty, unknown encoding, damaged, past a size limit)."""

    @classmethod
    def about(cls, name: str, why_zh: str, why_en: str) -> "NotARosterError":
        """``“name”不是花名册：why / 'name' is not a roster: why``."""
        return cls(f"“{name}”不是花名册：{why_zh}", f"{name!r} is not a roster: {why_en}")


class DatabaseUnavailable(CobuildError):
    """Neo4j cannot be reached or refused the work."""


class ServerError(CobuildError):
    """The local Neo4j server could not be fetched, started or stopped."""


class PolicyError(CobuildError):
    """An invalid analysis policy file."""


class NotFound(CobuildError):
    """A code that is not in the graph."""
