"""Reading the small text files a planner writes by hand -- the analysis
policy (TOML) and a what-if scenario (JSON or TOML) -- with errors that
name the file and what is wrong with it, in Chinese and English."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from graph.errors import CobuildError

__all__ = ["read_data_file"]


def read_data_file(path: Path, what_zh: str, what_en: str, error: type[CobuildError],
                   formats: tuple[str, ...] = ("toml",)) -> Any:
    """The data of the UTF-8 file at ``path``: TOML when its suffix is
    ``.toml`` or TOML is the only format given, else JSON.

    ``what_zh``/``what_en`` name the kind of file in messages ("策略文件",
    "policy file"); every problem is raised as ``error``.
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise error(f"找不到{what_zh} {path}", f"{what_en} {path} not found") from None
    except UnicodeDecodeError:
        raise error(f"{what_zh} {path} 不是 UTF-8 文本", f"{what_en} {path} is not UTF-8 text") from None
    except OSError as e:
        raise error(f"无法读取{what_zh} {path}：{e.strerror or e}",
                    f"cannot read {what_en} {path}: {e}") from None
    toml = path.suffix.lower() == ".toml" or formats == ("toml",)
    try:
        return tomllib.loads(text) if toml else json.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as e:
        kind = "TOML" if toml else "JSON"
        raise error(f"{what_zh} {path} 不是有效的 {kind}：{e}",
                    f"{what_en} {path} is not valid {kind}: {e}") from None
