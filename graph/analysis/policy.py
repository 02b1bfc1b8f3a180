"""The analysis policy: which rules run, at what thresholds and severities.

The defaults are those of ``docs/rules.md`` (each rule's ``params``
in :mod:`graph.analysis.rules`). A planner changes them in a TOML file::

    [rules.G01]
    min_part_time_members = 2

    [rules.G12]
    enabled = false

    [structure]
    betweenness_exact_max_nodes = 3000

    [plan]
    max_part_time_seats = 9

Every rule table takes ``enabled`` (true/false), ``severity``
(``"high"``/``"medium"``/``"low"``) and the rule's own parameters. Anything
else -- a rule id that does not exist, an unknown key, a wrong type, a value
out of range -- is a :class:`graph.errors.PolicyError` naming the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from graph.errors import PolicyError
from graph.planfiles import read_data_file
from graph.findings import SEVERITIES
from graph.analysis.rules import RULES, RULES_BY_ID
from graph.analysis.rules.base import Param, RuleConfig

__all__ = ["Policy", "StructureSettings", "PlanSettings", "load_policy", "STRUCTURE_PARAMS", "PLAN_PARAMS"]

#: Settings of the structural figures (section ``[structure]``).
STRUCTURE_PARAMS: tuple[Param, ...] = (
    Param("betweenness_exact_max_nodes", "int", 2000,
          "人员–党组织网络的连通分量不超过此节点数时精确计算介数中心性，更大时抽样",
          "components of the person–org network up to this many nodes get exact betweenness; "
          "larger ones are sampled", minimum=0, maximum=10_000_000),
    Param("betweenness_sample_k", "int", 64, "抽样计算介数中心性时的起点数",
          "number of sample sources for sampled betweenness", minimum=1, maximum=100_000),
    Param("seed", "int", 42, "抽样的随机种子（结果可重现）", "random seed of the sampling (reproducible)",
          minimum=0, maximum=2**31 - 1),
    Param("top_n", "int", 10, "各排行榜列出的人数", "how many entries each ranking lists",
          minimum=1, maximum=10_000),
)


#: Settings of the 补齐方案, the forecast and the what-if (section ``[plan]``,
#: read by :mod:`graph.planning`).
PLAN_PARAMS: tuple[Param, ...] = (
    Param("max_part_time_seats", "int", 0,
          "每个社区党组织的兼职委员（兼职人员）上限，0 表示不限（地方惯例：7–9）",
          "most part-time members per community party organization; 0 = no limit (local practice: 7–9)",
          minimum=0, maximum=1000),
    Param("one_new_post_per_person", "bool", False,
          "每人至多新增一个职务", "at most one new post per person"),
    Param("cliff_min_posts", "int", 3,
          "同一月份内同一社区党组织到期的联系职务达到此数即为换届断崖",
          "a month in which this many linking posts of one community organization end is a 换届 cliff",
          minimum=1, maximum=1000),
    Param("time_limit_seconds", "float", 60.0,
          "求解时间上限（秒），超时则报告与最优的差距",
          "solver time limit in seconds; when it stops the solve the gap to the optimum is reported",
          minimum=0.1, maximum=86_400.0),
    Param("workers", "int", 1,
          "求解线程数（1 时结果可完全重现）",
          "solver threads (1 gives exactly reproducible plans)", minimum=1, maximum=64),
)


@dataclass(frozen=True)
class PlanSettings:
    """Settings of :mod:`graph.planning` (defaults in :data:`PLAN_PARAMS`)."""

    max_part_time_seats: int
    one_new_post_per_person: bool
    cliff_min_posts: int
    time_limit_seconds: float
    workers: int

    @classmethod
    def default(cls) -> "PlanSettings":
        return cls(**{p.name: p.default for p in PLAN_PARAMS})

    def as_dict(self) -> dict:
        return {p.name: getattr(self, p.name) for p in PLAN_PARAMS}


@dataclass(frozen=True)
class StructureSettings:
    """Settings of :mod:`graph.analysis.structure` (defaults in
    :data:`STRUCTURE_PARAMS`)."""

    betweenness_exact_max_nodes: int
    betweenness_sample_k: int
    seed: int
    top_n: int

    @classmethod
    def default(cls) -> "StructureSettings":
        return cls(**{p.name: p.default for p in STRUCTURE_PARAMS})

    def as_dict(self) -> dict:
        return {p.name: getattr(self, p.name) for p in STRUCTURE_PARAMS}


def _default_rules() -> dict[str, RuleConfig]:
    return {r.id: r.default_config() for r in RULES}


@dataclass(frozen=True)
class Policy:
    """Rule settings and structure settings; ``Policy()`` is the default
    policy of rules.md.

    Examples
    --------
    >>> p = Policy()
    >>> p.rule("G01")["min_part_time_members"], p.rule("G01").severity
    (3, 'medium')
    """

    rules: dict[str, RuleConfig] = field(default_factory=_default_rules)
    structure: StructureSettings = field(default_factory=lambda: StructureSettings.default())
    source: str | None = None
    plan: PlanSettings = field(default_factory=lambda: PlanSettings.default())

    def rule(self, rule_id: str) -> RuleConfig:
        """The settings of rule ``rule_id`` (``"G01"``)."""
        return self.rules[rule_id]

    @property
    def enabled(self) -> list[str]:
        """Ids of the rules switched on."""
        return [r for r, c in self.rules.items() if c.enabled]

    def as_dict(self) -> dict:
        """The policy as the JSON contract writes it."""
        return {
            "source": self.source,
            "rules": {rid: self.rules[rid].as_dict() for rid in sorted(self.rules)},
            "structure": self.structure.as_dict(),
            "plan": self.plan.as_dict(),
        }

    @classmethod
    def from_dict(cls, data: Any, source: str | None = None) -> "Policy":
        """A policy from parsed TOML/JSON data, checked; raises
        :class:`PolicyError` listing every problem."""
        problems: list[tuple[str, str]] = []
        where = f"{source}: " if source else ""
        if not isinstance(data, dict):
            raise PolicyError(f"{where}策略必须是一个表（键值对）", f"{where}a policy must be a table of keys")
        rules = _default_rules()
        for key in data:
            if key not in ("rules", "structure", "plan"):
                problems.append((f"未知的键 “{key}”（只允许 rules、structure、plan）",
                                 f"unknown key '{key}' (only 'rules', 'structure' and 'plan' are allowed)"))
        rules_data = data.get("rules", {})
        if not isinstance(rules_data, dict):
            problems.append(("“rules” 必须是表", "'rules' must be a table"))
            rules_data = {}
        for rid, table in rules_data.items():
            rule = RULES_BY_ID.get(rid)
            if rule is None:
                problems.append((f"未知的规则编号 “{rid}”（可用：{', '.join(RULES_BY_ID)}）",
                                 f"unknown rule id '{rid}' (known: {', '.join(RULES_BY_ID)})"))
                continue
            if not isinstance(table, dict):
                problems.append((f"rules.{rid} 必须是表", f"rules.{rid} must be a table"))
                continue
            cfg = rules[rid]
            params = dict(cfg.params)
            known = {p.name: p for p in rule.params}
            for key, value in table.items():
                path = f"rules.{rid}.{key}"
                if key == "enabled":
                    if isinstance(value, bool):
                        cfg = replace(cfg, enabled=value)
                    else:
                        problems.append((f"{path} 必须是 true 或 false，而不是 {value!r}",
                                         f"{path} must be true or false, not {value!r}"))
                elif key == "severity":
                    ok, v, prob = _check(Param("severity", "severity", None, "", ""), value, path)
                    if ok:
                        cfg = replace(cfg, severity=v)
                    else:
                        problems.append(prob)
                elif key in known:
                    ok, v, prob = _check(known[key], value, path)
                    if ok:
                        params[key] = v
                    else:
                        problems.append(prob)
                else:
                    allowed = ", ".join(["enabled", "severity", *known])
                    problems.append((f"{path}：规则 {rid} 没有参数 “{key}”（可用：{allowed}）",
                                     f"{path}: rule {rid} has no parameter '{key}' (known: {allowed})"))
            rules[rid] = replace(cfg, params=params)
        skw = _section(data, "structure", STRUCTURE_PARAMS, problems)
        pkw = _section(data, "plan", PLAN_PARAMS, problems)
        if problems:
            raise PolicyError(
                f"{where}分析策略有 {len(problems)} 处错误：\n" + "\n".join(f"  - {z}" for z, _ in problems),
                f"{where}the analysis policy has {len(problems)} error(s):\n"
                + "\n".join(f"  - {e}" for _, e in problems),
            )
        return cls(rules=rules, structure=replace(StructureSettings.default(), **skw), source=source,
                   plan=replace(PlanSettings.default(), **pkw))


def _section(data: dict, name: str, params: tuple[Param, ...], problems: list) -> dict:
    """The checked keys of a settings section (``[structure]``, ``[plan]``);
    problems are appended to ``problems``."""
    sdata = data.get(name, {})
    if not isinstance(sdata, dict):
        problems.append((f"“{name}” 必须是表", f"'{name}' must be a table"))
        return {}
    out = {}
    known = {p.name: p for p in params}
    for key, value in sdata.items():
        path = f"{name}.{key}"
        if key not in known:
            problems.append((f"未知的键 “{path}”（可用：{', '.join(known)}）",
                             f"unknown key '{path}' (known: {', '.join(known)})"))
            continue
        ok, v, prob = _check(known[key], value, path)
        if ok:
            out[key] = v
        else:
            problems.append(prob)
    return out


def _check(param: Param, value: Any, path: str) -> tuple[bool, Any, tuple[str, str] | None]:
    """(ok, normalized value, (zh, en) problem)."""
    if param.type == "severity":
        if isinstance(value, str) and value in SEVERITIES:
            return True, value, None
        allowed = ", ".join(f'"{s}"' for s in SEVERITIES)
        return False, None, (f"{path} 的值 {value!r} 无效，应为 {allowed} 之一",
                             f"{path} = {value!r} is not valid; use one of {allowed}")
    if param.type == "bool":
        if isinstance(value, bool):
            return True, value, None
        return False, None, (f"{path} 必须是 true 或 false，而不是 {value!r}",
                             f"{path} must be true or false, not {value!r}")
    if param.type == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return False, None, (f"{path} 必须是整数，而不是 {value!r}", f"{path} must be an integer, not {value!r}")
    elif param.type == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return False, None, (f"{path} 必须是数字，而不是 {value!r}", f"{path} must be a number, not {value!r}")
        value = float(value)
    lo, hi = param.minimum, param.maximum
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        rng = f"{lo}–{hi}" if hi is not None else f"≥ {lo}"
        return False, None, (f"{path} = {value!r} 超出允许范围 {rng}", f"{path} = {value!r} is out of range {rng}")
    return True, value, None


def load_policy(path: str | Path) -> Policy:
    """Read and check a policy TOML file.

    Raises
    ------
    graph.errors.PolicyError
        The file is missing, is not TOML, or has an unknown rule id, unknown
        key, wrong type or out-of-range value (every problem is listed).
    """
    p = Path(path)
    data = read_data_file(p, "策略文件", "policy file", PolicyError)
    return Policy.from_dict(data, source=str(p))


def example_toml() -> str:
    """A commented policy file with every rule and its defaults (what
    ``policy.example.toml`` holds)."""
    lines = [
        "# cobuild 分析策略 / analysis policy",
        "# 修改阈值、严重程度（high/medium/low），或以 enabled = false 关闭规则。",
        "# Change thresholds and severities (high/medium/low), or switch a rule off with enabled = false.",
        "# 未写出的键取 docs/rules.md 中的默认值 / keys left out keep the defaults of docs/rules.md.",
        "",
    ]
    for r in RULES:
        lines.append(f"# {r.id} {r.name_zh} / {r.name_en}: {r.description_zh}")
        lines.append(f"[rules.{r.id}]")
        lines.append("enabled = true")
        lines.append(f'severity = "{r.default_severity}"')
        for p in r.params:
            v = f'"{p.default}"' if p.type == "severity" else repr(p.default)
            lines.append(f"{p.name} = {v}  # {p.description_zh} / {p.description_en}")
        lines.append("")
    lines.append("# 结构指标 / structural figures")
    lines.append("[structure]")
    for p in STRUCTURE_PARAMS:
        lines.append(f"{p.name} = {p.default!r}  # {p.description_zh} / {p.description_en}")
    lines.append("")
    lines.append("# 补齐方案、预测与推演 / the 补齐方案 (recommend), forecast and what-if")
    lines.append("[plan]")
    for p in PLAN_PARAMS:
        v = str(p.default).lower() if p.type == "bool" else repr(p.default)
        lines.append(f"{p.name} = {v}  # {p.description_zh} / {p.description_en}")
    return "\n".join(lines) + "\n"
