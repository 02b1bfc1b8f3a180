"""What the gap analysis reports: findings, in the shape of the JSON contract.

A finding names the rule, its severity, its subject (type, code, name), the
community and street it belongs to, a message in Chinese and one in English,
and the evidence (codes of the posts, people, orgs and units behind it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from graph import schema

__all__ = ["SEVERITIES", "Subject", "Finding", "select"]

#: Severities, most urgent first, with what a planner reads.
SEVERITIES: dict[str, tuple[str, str]] = {
    "high": ("高", "high"),
    "medium": ("中", "medium"),
    "low": ("低", "low"),
}


@dataclass(frozen=True)
class Subject:
    """What a finding is about: ``type`` is a node label of
    :mod:`graph.schema` (``"PartyOrg"``, ``"Unit"``, ``"Person"`` ...)."""

    type: str
    code: str
    name: str

    @property
    def node_id(self) -> str:
        return schema.node_id(self.type, self.code)


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    subject: Subject
    community: str | None
    street: str | None
    message_zh: str
    message_en: str
    evidence: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")

    def as_dict(self) -> dict:
        """The finding as the JSON contract writes it."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "subject": {"type": self.subject.type, "code": self.subject.code, "name": self.subject.name},
            "community": self.community,
            "street": self.street,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "evidence": list(self.evidence),
        }


def select(findings: Iterable[Finding], *, community: str | None = None, street: str | None = None,
           rules: Iterable[str] | None = None, severities: Iterable[str] | None = None,
           within: str | None = None,
           lies_in: Callable[[str, str], bool] | None = None) -> list[Finding]:
    """The findings that match, in their order: the one filter of findings
    by place (the analysis' scope, the API, the notebooks).

    Parameters
    ----------
    community, street : str, optional
        Keep the findings of this community / street (the finding's own
        ``community`` and ``street``).
    rules, severities : iterable of str, optional
        Keep these rule ids / severities (None or empty: all).
    within : str, optional
        A street the reader is limited to: a finding shows when it is of that
        street, or has no street and its subject lies in it
        (``lies_in(subject node id, street)``).

    Examples
    --------
    >>> f = Finding("G11", "high", Subject("Street", "S1", "城关"), None, "S1", "甲", "a")
    >>> [x.rule for x in select([f], street="S1")], select([f], street="S2")
    (['G11'], [])
    """
    rules = set(rules) if rules else None
    severities = set(severities) if severities else None
    out = []
    for f in findings:
        if community is not None and f.community != community:
            continue
        if street is not None and f.street != street:
            continue
        if rules is not None and f.rule not in rules:
            continue
        if severities is not None and f.severity not in severities:
            continue
        if within is not None and f.street != within:
            if f.street is not None or lies_in is None or not lies_in(f.subject.node_id, within):
                continue
        out.append(f)
    return out
