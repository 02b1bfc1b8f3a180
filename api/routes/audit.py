"""The audit trail of unmasked personal data (admins)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from api.auth import Principal
from api.deps import PagingDep, require_admin
from api.errors import ApiError, error_responses
from api.models import AuditRecord, Page

router = APIRouter(prefix="/audit", tags=["审计 audit"],
                   responses=error_responses(401, 403, 422))


@router.get("", response_model=Page[AuditRecord], summary="审计记录 Audit records (admin)")
def list_audit(request: Request, paging: PagingDep,
               who: Annotated[Principal, Depends(require_admin)]) -> dict:
    """谁在何时查看了哪些人员的完整手机号（最新的在前）/ who saw whose
    unmasked phone numbers, when -- newest first. Admin tokens not limited
    to a street only; the numbers themselves are never recorded."""
    if who.street is not None:
        raise ApiError(403, "forbidden", "限定街道的令牌不能查看审计记录",
                       "a token limited to a street may not list the audit records")
    items, total = request.app.state.audit.read(paging.limit, paging.offset)
    return {"total": total, "limit": paging.limit, "offset": paging.offset, "items": items}
