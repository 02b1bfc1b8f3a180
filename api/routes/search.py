"""Search across every kind of node by name or code."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import PagingDep, ViewerDep, paginate
from api.conditional import NOT_MODIFIED
from api.errors import error_responses
from api.models import NodeType, Page, SearchHit

router = APIRouter(tags=["查找 search"], responses={**error_responses(401, 422, 503), **NOT_MODIFIED})


@router.get("/search", response_model=Page[SearchHit], summary="按名称或编码查找 Search")
def search(
    v: ViewerDep,
    paging: PagingDep,
    q: Annotated[str, Query(min_length=1, max_length=100,
                            description="名称或编码（中文或英文）name or code, Chinese or English")],
    kind: Annotated[list[NodeType] | None,
                    Query(description="只查这些类型 only these kinds (repeat for several)")] = None,
) -> dict:
    """在所有类型中按名称或编码查找（不区分大小写和全半角），编码完全相同的排在最前 /
    every kind of node whose name or code contains ``q`` (case- and
    width-insensitive); exact code first, then exact name, prefix,
    substring. Phone numbers are never searched."""
    return paginate(v.snapshot().lookup.search(q, kinds=kind, within=v.within), paging)
