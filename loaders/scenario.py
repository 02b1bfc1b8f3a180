"""Read a what-if scenario file: JSON (``.json``) or TOML (``.toml``).

The file lists changes (``remove_people``, ``remove_units``, ``end_posts``,
``add_posts``) or is a ``cobuild recommend`` JSON; see
:func:`graph.planning.changes.parse_scenario` for the form.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

from graph.planning.changes import Change, ScenarioError, parse_scenario

__all__ = ["read_scenario"]


def read_scenario(path: str | os.PathLike) -> list[Change]:
    """The changes of the scenario file at ``path``.

    Raises
    ------
    ScenarioError
        The file is missing, is not UTF-8 JSON/TOML, or holds something that
        is not a scenario (the message names the file and the item).
    """
    p = Path(path)
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ScenarioError(f"找不到情景文件 {p}", f"scenario file {p} not found") from None
    except UnicodeDecodeError:
        raise ScenarioError(f"情景文件 {p} 不是 UTF-8 文本", f"scenario file {p} is not UTF-8 text") from None
    except OSError as e:
        raise ScenarioError(f"无法读取情景文件 {p}：{e}", f"cannot read scenario file {p}: {e}") from None
    try:
        data = tomllib.loads(text) if p.suffix.lower() == ".toml" else json.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as e:
        kind = "TOML" if p.suffix.lower() == ".toml" else "JSON"
        raise ScenarioError(f"情景文件 {p} 不是有效的 {kind}：{e}",
                            f"scenario file {p} is not valid {kind}: {e}") from None
    return parse_scenario(data, source=p.name)
