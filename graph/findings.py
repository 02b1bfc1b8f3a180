"""What the gap analysis reports: findings, in the shape of the JSON contract.

A finding names the rule, its severity, its subject (type, code, name), the
community and street it belongs to, a message in Chinese and one in English,
and the evidence (codes of the posts, people, orgs and units behind it).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["SEVERITIES", "Subject", "Finding"]

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
        return f"{self.type}:{self.code}"


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
