"""Liveness (no token) and readiness (checks the data source)."""

from fastapi import APIRouter, Depends, Request

from api.deps import get_principal, get_source
from api.errors import error_responses
from api.models import Health, Ready

router = APIRouter(tags=["健康检查 health"])


@router.get("/healthz", response_model=Health, summary="存活 Liveness (no token needed)")
def healthz(request: Request) -> dict:
    """服务进程在运行，及其版本 The process is up, and its version. Needs no token;
    touches no data."""
    return {"status": "ok", "version": request.app.state.product_version,
            "api_version": request.app.version}


@router.get(
    "/readyz",
    response_model=Ready,
    summary="就绪 Readiness: the data source answers",
    dependencies=[Depends(get_principal)],
    responses=error_responses(401, 503),
)
def readyz(source=Depends(get_source)) -> dict:
    """数据源可用时返回 200，数据库不可用时 503 / 200 when the data source
    answers (one tiny query to Neo4j), 503 when the database is down."""
    version = source.ready()
    return {"status": "ready", "source": source.kind, "read_only": source.read_only,
            "data_version": version}
