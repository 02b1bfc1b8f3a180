"""Tiny rosters with the co-building activity tables (roster format v2).

:class:`ActivityKit` adds helpers per version-2 table to
:class:`analysis_kit.Kit`; every table it touches is declared with all its
columns (as a read template would be), so a test removes one with
:meth:`ActivityKit.without` to see its rule not checked.
"""

from __future__ import annotations

from analysis_kit import AS_OF, DAY, Kit, perfect
from graph import schema

__all__ = ["ActivityKit", "activity", "AS_OF", "DAY"]


class ActivityKit(Kit):
    def _declare(self, table: str) -> None:
        self.r.columns.setdefault(table, frozenset(c.key for c in schema.table(table).columns))

    def without(self, table: str, column: str | None = None):
        """Make ``table`` (or one column of it) absent from the roster."""
        if column and self.r.rows(table):
            self._declare(table)
        if column is None:
            self.r.tables.pop(table, None)
            self.r.columns.pop(table, None)
        elif table in self.r.columns:  # (a table already absent stays absent)
            self.r.columns[table] = self.r.columns[table] - {column}
        return self

    def add(self, table: str, **values):
        self._declare(table)
        self.r.add(table, values)
        return self

    def members(self, org: str, n: int):
        """Set 党员人数 of ``org``."""
        self._declare("party_orgs")
        [row] = [r for r in self.r.rows("party_orgs") if r.values["code"] == org]
        row.values["member_count"] = n
        return self

    def register(self, subject, community, date=None, home_org=None):
        return self.add("registrations", subject=subject, community=community, date=date,
                        home_org=home_org)

    def need(self, code, community, date=None, status="open", claimed_by=None, category="care"):
        return self.add("needs", code=code, title=f"需求{code}", community=community, date=date,
                        status=status, claimed_by=claimed_by, category=category)

    def resource(self, code, unit, date=None, category="care"):
        return self.add("resources", code=code, title=f"资源{code}", unit=unit, date=date,
                        category=category)

    def project(self, code, needs=(), resources=(), start=None, end=None, rating=None,
                feedback_date=None, lead=None):
        return self.add("projects", code=code, title=f"项目{code}", needs=list(needs),
                        resources=list(resources), start=start, end=end, rating=rating,
                        feedback_date=feedback_date, lead=lead)

    def service(self, subject, community, date, hours=2.0, need=None, rating=None):
        return self.add("services", subject=subject, community=community, date=date, hours=hours,
                        need=need, rating=rating)

    def agreement(self, code, unit_org, community_org, start, end=None):
        return self.add("agreements", code=code, unit_org=unit_org, community_org=community_org,
                        start=start, end=end)

    def meeting(self, code, org, date, attendees=()):
        return self.add("meetings", code=code, org=org, date=date, attendees=list(attendees))


def activity() -> ActivityKit:
    """:func:`analysis_kit.perfect` (no rule G01-G14 fires) as an
    :class:`ActivityKit`, with a street committee SW1 over S1."""
    k = perfect()
    a = ActivityKit()
    a.r = k.r
    a.org("SW1", "street_committee", street="S1")
    return a
