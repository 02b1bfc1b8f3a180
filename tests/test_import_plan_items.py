"""The import plan names the rows it will delete or change (the first
:data:`cli.import_cmd.PLAN_LIST`, then a count), not only counts; against
the session's real Neo4j."""

from __future__ import annotations

import copy

from cli.import_cmd import PLAN_LIST, format_plan
from graph import store
from graph_kit import rich_roster


def test_plan_lists_deleted_and_changed_rows_by_name(neo4j_db):
    store.import_roster(neo4j_db, rich_roster())
    new = copy.deepcopy(rich_roster())
    new.tables["units"] = [r for r in new.rows("units") if r["code"] != "U6"]
    people = new.rows("people")
    for row in [*people, *new.rows("party_orgs")]:
        row.values["name"] = row["name"] + "（改）"
    plan = store.plan_import(neo4j_db, new)

    deleted = [x for x in plan.deleted_items if x.get("label") == "Unit"]
    assert deleted == [{"label": "Unit", "code": "U6", "name": "邻里互助协会"}]
    renamed = [x for x in plan.changed_items if x.get("label") == "Person"]
    assert len(renamed) == len(people) == plan.nodes["Person"].changed
    assert all(x["fields"] == ["name"] for x in renamed)
    assert len(plan.deleted_items) == plan.deleted and len(plan.changed_items) == plan.changed

    text = format_plan(plan, new)
    assert "将删除 / to be deleted" in text and "驻区单位 邻里互助协会（U6）" in text
    assert "将更新 / to be changed" in text and "改动 fields：name" in text
    listed = [line for line in text.splitlines() if "（改）" in line]
    assert plan.changed > PLAN_LIST, "the test needs more changes than the list shows"
    assert len(listed) == PLAN_LIST
    assert f"另有 {plan.changed - PLAN_LIST} 项" in text
