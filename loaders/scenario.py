"""Read a what-if scenario file: JSON (``.json``) or TOML (``.toml``).

The file lists changes (``remove_people``, ``remove_units``, ``end_posts``,
``add_posts``) or is a ``cobuild recommend`` JSON; see
:func:`graph.planning.changes.parse_scenario` for the form.
"""

from __future__ import annotations

import os
from pathlib import Path

from graph.planfiles import read_data_file
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
    data = read_data_file(p, "情景文件", "scenario file", ScenarioError, formats=("json", "toml"))
    return parse_scenario(data, source=p.name)
