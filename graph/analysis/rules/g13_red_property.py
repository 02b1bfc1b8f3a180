"""G13 red property link missing (红色物业未交叉任职).

A compound managed by a property unit (``Compound -MANAGED_BY-> Unit``)
where no org of that unit (own or joint branch) has a link in either
direction (U → C or C → U, membership not required) with any community org
belonging to the compound's community. Also a finding when the property
unit has no org, or the community has no community org. A compound with no
property unit is not a finding. Severity ``model_severity`` (high) for a
model compound (红色物业示范), else ``severity`` (medium). Subject: the
compound; community: the compound's community.
"""

from __future__ import annotations

from graph import schema
from graph.analysis.rules.base import Param, Rule, make_finding

__all__ = ["RULE", "check"]


def check(view, cfg):
    """Yield a finding per compound whose property company has no
    cross-appointment with the community."""
    for cp in sorted(view.nodes.get("Compound", {})):
        props = view.compound_property.get(cp)
        if not props:
            continue
        x = view.compound_community.get(cp)
        comm_orgs = view.community_orgs_of.get(x, []) if x else []
        prop_orgs = sorted({o for u in props for o in view.unit_orgs_of_unit.get(u, ())})
        if any((u, c) in view.u_to_c or (c, u) in view.c_to_u for u in prop_orgs for c in comm_orgs):
            continue
        model = bool(view.attr("Compound", cp, "model", False))
        name = view.name("Compound", cp)
        tag_zh, tag_en = ("红色物业示范小区", "model compound ") if model else ("小区", "compound ")
        pz, pe = view.name_list("Unit", props)
        comm = view.name("Community", x) if x else "所在社区"
        comm_en = view.name("Community", x) if x else "its community"
        if not prop_orgs:
            zh = (f"{tag_zh}{name}的物业企业{pz}没有党组织：建议推动物业企业单独建立或加入联合党支部，"
                  f"再与{comm}党组织交叉任职。")
            en = (f"The property company of {tag_en}{name} ({pe}) has no party organization: help it set "
                  f"one up or join a joint branch, then cross-appoint with the party organization of "
                  f"{comm_en}.")
        elif not comm_orgs:
            zh = (f"{tag_zh}{name}所在的{comm}没有社区党组织，物业企业{pz}党组织无从交叉任职："
                  f"建议先建立社区党组织。")
            en = (f"{comm_en}, where {tag_en}{name} sits, has no community party organization to "
                  f"cross-appoint with its property company ({pe}): set one up first.")
        else:
            cz, ce = view.name_list("PartyOrg", comm_orgs)
            zh = (f"{tag_zh}{name}的物业企业{pz}党组织与{cz}之间没有交叉任职："
                  f"建议社区党组织成员到物业企业党组织兼职，物业企业党组织负责人担任社区兼职委员。")
            en = (f"The property company of {tag_en}{name} ({pe}) has no cross-appointment with {ce}: "
                  f"appoint a community organization member to a part-time post in the company's party "
                  f"organization, and the company organization's head as a part-time community member.")
        evidence = ([schema.compound_id(cp)] + [schema.unit_id(u) for u in props] + [schema.org_id(o) for o in prop_orgs]
                    + [schema.org_id(c) for c in comm_orgs])
        yield make_finding(view, cfg, "Compound", cp, community=x,
                           severity=cfg["model_severity"] if model else cfg.severity,
                           zh=zh, en=en, evidence=evidence)


RULE = Rule(
    id="G13",
    name_zh="红色物业未交叉任职",
    name_en="red property link missing",
    subject_type="Compound",
    default_severity="medium",
    description_zh="小区的物业企业党组织与小区所在社区党组织之间没有任何方向的交叉任职（物业企业没有党组织也算）；"
                   "红色物业示范小区为高。没有物业企业的小区不计。",
    description_en="A compound with a property unit whose party organization(s) have no link in either "
                   "direction with the compound's community party organization (also when the property "
                   "unit has none); high for a model compound. A compound with no property unit is not "
                   "a finding.",
    check=check,
    params=(
        Param("model_severity", "severity", "high", "红色物业示范小区的严重程度", "severity for a model compound"),
    ),
)
