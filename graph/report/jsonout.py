"""The JSON report: the contract of issue 4 (``Analysis.as_dict()``)."""

from __future__ import annotations

import json

__all__ = ["render_json"]


def render_json(analysis) -> str:
    """The analysis as pretty-printed UTF-8 JSON text."""
    return json.dumps(analysis.as_dict(), ensure_ascii=False, indent=2) + "\n"
