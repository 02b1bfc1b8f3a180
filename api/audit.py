"""The audit trail of personal data shown unmasked, in one place: how phone
numbers show in an answer (:class:`PhoneView`, masked unless the token may
see them) and the record of those shown (:class:`AuditLog`).

Every response that shows a phone number unmasked appends one JSON line to
``$COBUILD_HOME/audit.jsonl`` (file mode 0600): when, which token (id,
name, role), method and path, and the codes of the people whose numbers were
shown. The numbers themselves are never written here (nor anywhere else).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from pathlib import Path
from typing import Iterable

from api.auth import Principal
from graph.privacy import mask_phone

__all__ = ["AuditLog", "PhoneView"]


class PhoneView:
    """How phone numbers appear in one response.

    ``visible=False`` masks them (``138****1234``); ``visible=True`` shows
    them and remembers the person codes in ``shown`` for the audit record.

    >>> v = PhoneView(visible=False)
    >>> v("P1", "13812341234"), v.shown
    ('138****1234', set())
    """

    def __init__(self, visible: bool) -> None:
        self.visible = visible
        self.shown: set[str] = set()

    def __call__(self, person_code: str, phone: str | None) -> str | None:
        if phone is None:
            return None
        if self.visible:
            self.shown.add(person_code)
            return phone
        return mask_phone(phone)

    def note_drawn(self, G, drawn=None) -> None:
        """Remember the people of graph ``G`` drawn (all its nodes, or the
        ids ``drawn``) with their phone shown, when phones are visible."""
        if not self.visible:
            return
        for n in (G.nodes if drawn is None else drawn):
            a = G.nodes[n] if n in G else {}
            if a.get("label") == "Person" and a.get("phone"):
                self.shown.add(a["code"])


class AuditLog:
    """Append-only JSON-lines audit file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> log = AuditLog(pathlib.Path(tempfile.mkdtemp()) / "audit.jsonl")
    >>> p = Principal("t_1", "ops", "planner", None)
    >>> log.write(p, "GET", "/api/v1/people/P1", ["P1"])["persons"]
    ['P1']
    >>> log.read()[1]
    1
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()

    def write(self, who: Principal, method: str, path: str, persons: Iterable[str]) -> dict:
        """Append one record and return it."""
        rec = {
            "time": dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds"),
            "token_id": who.token_id,
            "token_name": who.name,
            "role": who.role,
            "street": who.street,
            "method": method,
            "path": path,
            "persons": sorted(set(persons)),
        }
        line = (json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)
        return rec

    def read(self, limit: int = 100, offset: int = 0) -> tuple[list[dict], int]:
        """Records newest first, a page of them, and how many there are."""
        try:
            with open(self.path, encoding="utf-8") as f:
                lines = [ln for ln in f if ln.strip()]
        except FileNotFoundError:
            return [], 0
        total = len(lines)
        end = total - offset
        start = max(0, end - limit)
        page = [json.loads(ln) for ln in reversed(lines[start:max(end, 0)])]
        return page, total
