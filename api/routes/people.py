"""One person and their posts."""

from typing import Annotated

from fastapi import APIRouter, Path, Response

from api.deps import AsOf, ViewerDep
from api.conditional import NOT_MODIFIED
from api.errors import error_responses, not_found
from api.models import Person

router = APIRouter(prefix="/people", tags=["人员 people"],
                   responses={**error_responses(401, 404, 422, 503), **NOT_MODIFIED})


@router.get("/{code}", response_model=Person, summary="一个人及其任职 One person and their posts")
async def get_person(code: Annotated[str, Path(max_length=100, description="人员编码 person code")],
               v: ViewerDep, as_of: AsOf) -> Response:
    """本职和兼职任职、联系的街道社区、党员中心户、双报到 / own and
    part-time posts, liaisons, central households, registrations. Phone
    masked for reader tokens; shown (and audited) for planners and admins."""
    def build(snap, phones):
        if snap.lookup.node("Person", code, v.within) is None:
            return None
        view, _ = snap.facts(as_of)
        return snap.lookup.person(code, view=view, phones=phones, within=v.within)

    return await v.answer(("person", code, as_of), Person, build,
                          not_found("人员", "person", code))
