"""What the gap analysis reports: findings, in the shape of the JSON contract.

A finding names the rule, its severity, its subject (type, code, name), the
community and street it belongs to, a message in Chinese and one in English,
and the evidence: the keys of the posts, people, orgs and units behind it
(``evidence``, for programs) and the same as a planner reads it
(``evidence_text``, see :mod:`graph.analysis.evidence`).
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
    #: the evidence as a planner reads it (``人员 王建国（P0017）`` ...), one
    #: text per key of ``evidence``; not part of a finding's identity
    evidence_text: tuple[str, ...] = field(default_factory=tuple, compare=False)

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
            "evidence_text": list(self.evidence_text),
        }
