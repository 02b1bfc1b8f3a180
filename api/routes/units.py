"""One resident unit."""

from typing import Annotated

from fastapi import APIRouter, Path, Response

from api.deps import AsOf, ViewerDep
from api.conditional import NOT_MODIFIED
from api.errors import error_responses, not_found
from api.models import Unit

router = APIRouter(prefix="/units", tags=["驻区单位 units"],
                   responses={**error_responses(401, 404, 422, 503), **NOT_MODIFIED})


@router.get("/{code}", response_model=Unit, summary="一个驻区单位 One resident unit")
async def get_unit(code: Annotated[str, Path(max_length=100, description="单位编码 unit code")],
             v: ViewerDep, as_of: AsOf) -> Response:
    """单位所在社区、单位党组织（单独建或联合建）、纳入的大党委及任职 / where
    the unit lies, its party org(s) (own or joint), the committees they are
    taken into and their posts."""
    def build(snap, phones):
        if snap.lookup.node("Unit", code, v.within) is None:
            return None
        view, _ = snap.facts(as_of)
        return snap.lookup.unit(code, view=view, phones=phones, within=v.within)

    return await v.answer(("unit", code, as_of), Unit, build,
                          not_found("驻区单位", "unit", code))
