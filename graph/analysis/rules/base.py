"""What a gap rule is: its identity, its parameters, and its check."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from graph.analysis.evidence import evidence_texts
from graph.findings import SEVERITIES, Finding, Subject

__all__ = ["Param", "Rule", "RuleConfig", "make_finding"]


@dataclass(frozen=True)
class Param:
    """A threshold a planner may change in the policy file.

    ``type`` is ``"int"``, ``"float"``, ``"bool"`` or ``"severity"``; ``minimum`` and
    ``maximum`` bound it (inclusive, ``None`` = unbounded).
    """

    name: str
    type: str
    default: Any
    description_zh: str
    description_en: str
    minimum: float | None = None
    maximum: float | None = None

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "type": self.type,
            "default": self.default,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "description_zh": self.description_zh,
            "description_en": self.description_en,
        }


@dataclass(frozen=True)
class RuleConfig:
    """A rule's settings under a policy: on/off, severity, thresholds."""

    rule: str
    enabled: bool
    severity: str
    params: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.params[name]

    def as_dict(self) -> dict:
        return {"enabled": self.enabled, "severity": self.severity, **self.params}


@dataclass(frozen=True)
class Rule:
    """One coverage-gap rule of ``rules.md``.

    ``check(view, config)`` yields the rule's findings on a
    :class:`graph.analysis.view.View`.
    """

    id: str
    name_zh: str
    name_en: str
    subject_type: str
    default_severity: str
    description_zh: str
    description_en: str
    check: Callable[..., Iterable[Finding]]
    params: tuple[Param, ...] = ()
    #: the roster tables (``"registrations"``) and columns
    #: (``"party_orgs.member_count"``) the rule reads beyond version 1: when
    #: one is absent the rule is not checked (:mod:`graph.analysis.presence`)
    requires: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.default_severity not in SEVERITIES:
            raise ValueError(f"{self.id}: unknown severity {self.default_severity}")

    def default_config(self) -> RuleConfig:
        return RuleConfig(self.id, True, self.default_severity,
                          {p.name: p.default for p in self.params})

    def as_dict(self) -> dict:
        """The rule's metadata (what the CLI, API, report and docs show)."""
        return {
            "id": self.id,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "subject_type": self.subject_type,
            "default_severity": self.default_severity,
            "description_zh": self.description_zh,
            "description_en": self.description_en,
            "params": [p.as_dict() for p in self.params],
            "requires": list(self.requires),
        }


def make_finding(view, config: RuleConfig, subject_type: str, code: str, *,
                 severity: str | None = None, community: str | None = None,
                 street: str | None = None, zh: str, en: str,
                 evidence: Iterable[str] = (), key: Iterable[str] = ()) -> Finding:
    """A finding of ``config.rule`` about node ``subject_type:code``; the
    subject's name is read from the graph, the street from the community
    when not given. ``key``: the evidence that tells this finding from the
    rule's other findings on the same subject (its stable id,
    :func:`graph.findings.finding_id`)."""
    if street is None and community is not None:
        street = view.street_of(community)
    keys = tuple(dict.fromkeys(evidence))
    return Finding(
        rule=config.rule,
        severity=severity or config.severity,
        subject=Subject(subject_type, code, view.name(subject_type, code)),
        community=community,
        street=street,
        message_zh=zh,
        message_en=en,
        evidence=keys,
        evidence_text=evidence_texts(view, keys),
        key=tuple(key),
    )
