"""Roster imports over HTTP (admins), and the import history."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path, PurePath
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Depends, Query, Request, UploadFile
from starlette.datastructures import UploadFile as FormFile

from api.auth import Principal
from api.deps import get_principal, get_source, require_admin
from api.errors import ApiError, error_responses
from api.models import ImportHistory, ImportOutcome
from api.source import DataSource
from graph.errors import RosterError

router = APIRouter(prefix="/imports", tags=["导入 imports"],
                   responses=error_responses(401, 422, 503))

#: Upload limit (bytes); the app refuses larger request bodies with 413
#: before reading them (``Content-Length``), or as soon as a streamed
#: (chunked) body passes it (:class:`api.app._Guard`).
MAX_UPLOAD_BYTES = 64 * 1024 * 1024
#: File types a roster may be uploaded as.
UPLOAD_SUFFIXES = (".xlsx", ".zip")


def _save(upload: UploadFile, folder: Path) -> tuple[Path, str]:
    """Copy the upload into ``folder`` under a name of our own (never the
    client's path); returns the path and the client's bare file name."""
    name = PurePath((upload.filename or "").replace("\\", "/")).name
    suffix = PurePath(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise ApiError(400, "unsupported_file",
                       f"只能上传 .xlsx 工作簿或 CSV 文件的 .zip 压缩包（收到 {name or '无文件名'}）",
                       "upload an .xlsx workbook or a .zip of CSV files "
                       f"(got {name or 'no file name'!r})")
    path = folder / ("roster" + suffix)
    size = 0
    with open(path, "wb") as out:
        while chunk := upload.file.read(1 << 20):
            size += len(chunk)
            if size > MAX_UPLOAD_BYTES:
                raise ApiError(413, "too_large",
                               f"上传文件超过 {MAX_UPLOAD_BYTES // (1 << 20)} MB",
                               f"the upload exceeds {MAX_UPLOAD_BYTES // (1 << 20)} MB")
            out.write(chunk)
    if size == 0:
        raise ApiError(400, "empty_file", "上传的文件是空的", "the uploaded file is empty")
    return path, name


def _result_dict(result) -> dict:
    plan = result.plan
    return {
        "record_id": result.record_id,
        # true: the latest import stored this very roster; nothing was written
        "unchanged": result.unchanged,
        "streets": list(plan.streets),
        "created": result.created,
        "changed": result.changed,
        "deleted": result.deleted,
        "replaced": plan.replaced,
        "changes": plan.changes(),
        "stored_counts": dict(result.counts),
        "seconds": round(result.seconds, 3),
    }


#: The upload's body as the OpenAPI document shows it: the route reads the
#: form itself (after the token is checked), so FastAPI does not declare it.
_UPLOAD_BODY = {
    "required": True,
    "content": {"multipart/form-data": {"schema": {
        "type": "object",
        "required": ["file"],
        "properties": {"file": {
            "type": "string", "format": "binary",
            "description": "花名册 .xlsx，或 CSV 文件的 .zip / the roster",
        }},
    }}},
}


@router.post(
    "",
    response_model=ImportOutcome,
    summary="导入花名册 Import a roster (admin)",
    responses=error_responses(400, 403, 409, 413),
    openapi_extra={"requestBody": _UPLOAD_BODY},
)
async def post_import(
    request: Request,
    who: Annotated[Principal, Depends(require_admin)],
    source: Annotated[DataSource, Depends(get_source)],
    dry_run: Annotated[bool, Query(description="只校验并预览变更，不写入 validate and preview only")] = False,
    confirm: Annotated[str | None, Query(
        max_length=64, description="确认删除：导入会删除已有数据时，先返回 409 并列出要删除的内容和确认码，"
                                   "以同一文件加 ?confirm=确认码 重新提交 / confirm deletions: an import "
                                   "that would delete stored data answers 409 listing them and a code; "
                                   "send the same file again with ?confirm=<code>")] = None,
) -> dict:
    """上传花名册（.xlsx 或 CSV 的 .zip），与命令行 ``cobuild import`` 完全相同地校验；
    有错误时返回 422，details 列出每一处问题，不写入任何数据。该花名册覆盖的街道原有数据将被替换。
    / Upload a roster; it is validated exactly as ``cobuild import`` does.
    With any error: 422 and every issue in ``details``, nothing written.
    Otherwise the roster replaces what is stored for its streets
    (``dry_run=true``: only say what would change). When that would delete
    stored data, nothing is written and the answer is 409 ``confirm_deletions``
    listing the deletions in ``details`` and a code; sending the same file
    again with ``?confirm=<code>`` imports it (like ``cobuild import --yes``;
    the code is bound to the file, the stored data and the deletions, so a
    changed plan asks again). 导入会删除已有数据时返回 409 并列出删除内容，确认后加
    ``?confirm=确认码`` 重新提交。 A token limited to a
    street may import only a roster of that one street, and changes only
    what is that street's alone: a row whose code another street's data
    uses is refused (422, the row named, nothing said about what the other
    street holds), as is a change to a person or org that other streets
    list too; its answer counts only its street's data. The roster-file
    data source is read-only: 409.

    The token is checked before a byte of the body is read, and the body is
    cut off with 413 as soon as it passes the limit (chunked uploads too)."""
    source.require_writable()
    form = await request.form(max_files=1, max_fields=8)
    try:
        file = form.get("file")
        if not isinstance(file, FormFile):
            raise ApiError(422, "invalid_request", "请求参数无效", "invalid request parameters",
                           [{"loc": ["body", "file"], "code": "missing",
                             "message_zh": "缺少上传的花名册文件（表单字段 file）",
                             "message_en": "the roster file is missing (form field 'file')"}])
        return await anyio.to_thread.run_sync(_import_upload, who, source, file, dry_run, confirm)
    finally:
        await form.close()


def _import_upload(who: Principal, source: DataSource, file: UploadFile, dry_run: bool,
                   confirm: str | None = None) -> dict:
    """Check and store the uploaded roster (in a worker thread)."""
    from loaders import check_roster

    folder = Path(tempfile.mkdtemp(prefix="cobuild-upload-"))
    try:
        path, name = _save(file, folder)
        roster, issues = check_roster(path)
        if any(i.severity == "error" for i in issues):
            raise RosterError(issues)
        roster.source = name
        if who.street is not None and tuple(roster.jurisdiction) != (who.street,):
            raise ApiError(
                403, "forbidden",
                f"该令牌限定于街道 {who.street}，只能导入该街道的花名册"
                f"（此花名册包含街道 {', '.join(roster.jurisdiction) or '无'}）",
                f"this token is limited to street {who.street} and may import only that "
                f"street's roster (this one covers {', '.join(roster.jurisdiction) or 'none'})")
        result = source.import_roster(roster, dry_run=dry_run, within=who.street,
                                      confirm=confirm)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "dry_run": dry_run,
        "file": name,
        "sha256": roster.sha256,
        "jurisdiction": list(roster.jurisdiction),
        "counts": roster.counts(),
        "warnings": [i.as_dict() for i in issues],
        "result": _result_dict(result),
    }


@router.get("", response_model=ImportHistory, summary="导入记录 Import history")
def list_imports(
    who: Annotated[Principal, Depends(get_principal)],
    source: Annotated[DataSource, Depends(get_source)],
    limit: Annotated[int, Query(ge=1, le=1000, description="最多条数 at most this many")] = 50,
) -> dict:
    """最近的导入（最新的在前）；花名册文件数据源没有导入记录 / the latest imports,
    newest first (none for the roster-file source). A street-limited token
    sees only imports of its street."""
    items = source.import_history(limit)
    if who.street is not None:
        items = [p for p in (_street_part(r, who.street) for r in items) if p is not None]
    else:
        items = [{k: v for k, v in r.items() if k != "parts"} for r in items]
    return {"source": source.kind, "items": items}


def _street_part(record: dict, street: str) -> dict | None:
    """The part of an import record a token limited to ``street`` may see:
    that street's figures only; ``None`` when the import did not cover it
    (or is an older record of several streets, kept without parts)."""
    streets = record.get("streets") or ()
    if street not in streets:
        return None
    part = (record.get("parts") or {}).get(street)
    if part is None and tuple(streets) != (street,):
        return None
    out = {k: v for k, v in record.items() if k != "parts"}
    out["streets"] = [street]
    if part is not None:
        out.update(part)
    return out
