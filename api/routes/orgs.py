"""One party organization."""

from typing import Annotated

from fastapi import APIRouter, Path, Response

from api.deps import AsOf, ViewerDep
from api.conditional import NOT_MODIFIED
from api.errors import error_responses, not_found
from api.models import PartyOrg

router = APIRouter(prefix="/orgs", tags=["党组织 party organizations"],
                   responses={**error_responses(401, 404, 422, 503), **NOT_MODIFIED})


@router.get("/{code}", response_model=PartyOrg, summary="一个党组织 One party organization")
async def get_org(code: Annotated[str, Path(max_length=100, description="党组织编码 org code")],
            v: ViewerDep, as_of: AsOf) -> Response:
    """党组织的隶属、上下级、纳入关系和全部任职 / what the org belongs to, its
    parent and children, the committees it is taken into, the orgs taken
    into it, and every post in it."""
    def build(snap, phones):
        if snap.lookup.node("PartyOrg", code, v.within) is None:
            return None
        view, _ = snap.facts(as_of)
        return snap.lookup.party_org(code, view=view, phones=phones, within=v.within)

    return await v.answer(("org", code, as_of), PartyOrg, build,
                          not_found("党组织", "party organization", code))
