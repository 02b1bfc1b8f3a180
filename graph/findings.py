"""What the gap analysis reports: findings, in the shape of the JSON contract.

A finding names the rule, its severity, its subject (type, code, name), the
community and street it belongs to, a message in Chinese and one in English,
and the evidence: the keys of the posts, people, orgs and units behind it
(``evidence``, for programs) and the same as a planner reads it
(``evidence_text``, see :mod:`graph.analysis.evidence`).

Every finding has a stable :attr:`Finding.id` (:func:`finding_id`), the same
in the CLI's JSON, the reports and the API, so that another system can
follow one finding from one import to the next: it is derived from the rule,
the subject and the evidence that *defines* the finding (``key``: e.g. the
community org of a one-way link, the post of an expiring term), never from
the message, the severity or evidence that merely describes it (the people
counted, the shares). The finding stays the same id while it lasts; fixed
and found again, it has the same id again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Callable, Iterable

from graph import schema

__all__ = ["SEVERITIES", "Subject", "Finding", "select", "finding_id", "FINDING_ID_DOC"]

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


#: How :func:`finding_id` is made, for the OpenAPI document and the docs.
FINDING_ID_DOC = (
    "稳定编号：规则编号加上由“规则、对象、界定该缺口的证据”算出的 12 位十六进制摘要；"
    "同一缺口在历次导入之间编号不变。/ Stable id: the rule id, a dash and 12 hex digits "
    "of SHA-256 over the rule, the subject (type:code) and the evidence that defines the "
    "finding (e.g. the community org of a one-way link, the post of an expiring term) -- "
    "not the message, severity or descriptive evidence; the same finding keeps its id "
    "from one import to the next."
)


def finding_id(rule: str, subject_node_id: str, key: tuple[str, ...] | list[str] = ()) -> str:
    """The stable id of a finding of ``rule`` about ``subject_node_id``
    (``"PartyOrg:O12"``), told apart from the rule's other findings on the
    same subject by ``key`` (node or post ids).

    >>> finding_id("G04", "PartyOrg:O12", ["PartyOrg:O3"])
    'G04-9731a54f5883'
    """
    text = "\x1f".join((rule, subject_node_id, *key))
    return f"{rule}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:12]}"


@dataclass(frozen=True)
class Finding:
    """One finding. ``key`` is the evidence that defines it beyond rule and
    subject (empty when a rule finds at most one thing per subject)."""

    rule: str
    severity: str
    subject: Subject
    community: str | None
    street: str | None
    message_zh: str
    message_en: str
    evidence: tuple[str, ...] = field(default_factory=tuple)
    key: tuple[str, ...] = field(default_factory=tuple)

    @property
    def id(self) -> str:
        """The stable id (:func:`finding_id`)."""
        return finding_id(self.rule, self.subject.node_id, self.key)
    #: the evidence as a planner reads it (``人员 王建国（P0017）`` ...), one
    #: text per key of ``evidence``; not part of a finding's identity
    evidence_text: tuple[str, ...] = field(default_factory=tuple, compare=False)

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")

    def as_dict(self) -> dict:
        """The finding as the JSON contract writes it."""
        return {
            "id": self.id,
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
