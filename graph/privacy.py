"""Personal data: phone numbers are shown masked unless the caller may see
them (a planner or admin token, or a planner's own command line)."""

from __future__ import annotations

import re

__all__ = ["mask_phone", "PERSONAL_FIELDS"]

#: Node properties that are personal data, per label.
PERSONAL_FIELDS: dict[str, tuple[str, ...]] = {"Person": ("phone",)}

_DIGITS = re.compile(r"\d")


def mask_phone(phone: str | None) -> str | None:
    """``13812341234`` -> ``138****1234``; shorter numbers keep only their
    last four digits.

    >>> mask_phone("13812341234")
    '138****1234'
    >>> mask_phone("0931-8812345")
    '****2345'
    >>> mask_phone(None) is None
    True
    """
    if phone is None:
        return None
    s = str(phone).strip()
    if re.fullmatch(r"1\d{10}", s):
        return f"{s[:3]}****{s[-4:]}"
    digits = _DIGITS.findall(s)
    return "****" + "".join(digits[-4:]) if digits else "****"
