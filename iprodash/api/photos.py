"""Job photos over HTTP: a size-limited upload and an access-checked download.

Photos never go through Reflex's public upload folder.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response

from iprodash.api.security import cookie_actor, require_same_origin
from iprodash.db import get_db
from iprodash.domain.errors import DomainError, ValidationError
from iprodash.services import job_photos
from iprodash.services.actor import TECHNICIAN

router = APIRouter(prefix="/api/photos")
_CHUNK = 64 * 1024


async def _read_limited(request: Request) -> tuple[bytes, str]:
    """The uploaded file and its kind; stops reading past the size limit."""
    length = int(request.headers.get("content-length") or 0)
    if length > job_photos.MAX_UPLOAD_BYTES + 64 * 1024:
        raise ValidationError("That photo is too large (12 MB at most).")
    form = await request.form(max_files=1, max_fields=5)
    upload = form.get("photo")
    kind = str(form.get("kind") or "other")
    if upload is None or isinstance(upload, str):
        raise ValidationError("Choose a photo to upload.")
    data = bytearray()
    while chunk := await upload.read(_CHUNK):
        data += chunk
        if len(data) > job_photos.MAX_UPLOAD_BYTES:
            raise ValidationError("That photo is too large (12 MB at most).")
    return bytes(data), kind


def _back(actor, job_id: str) -> str:
    """The job page the form was on: the technician's phone page or the office's.

    Chosen by who is signed in, never by the Referer (the technician's pages
    send none: Referrer-Policy no-referrer).
    """
    return ("/tech/job/" if actor is not None and actor.role == TECHNICIAN
            else "/jobs/") + job_id


@router.post("/jobs/{job_id}", dependencies=[Depends(require_same_origin)])
async def upload_photo(job_id: str, request: Request):
    """Native form post from the job page; redirects back with a message."""
    actor = None
    try:
        actor = cookie_actor(request)
        data, kind = await _read_limited(request)
        job_photos.add_photo(get_db(), actor=actor, job_id=job_id, data=data, kind=kind)
    except DomainError as exc:
        if exc.status_code == 401:
            return RedirectResponse("/session-expired", status_code=303)
        return RedirectResponse(f"{_back(actor, job_id)}?photo_error={quote(exc.message)}",
                                status_code=303)
    return RedirectResponse(f"{_back(actor, job_id)}?photo=saved", status_code=303)


@router.get("/{photo_id}")
def download_photo(photo_id: str, request: Request) -> Response:
    try:
        data, content_type = job_photos.open_photo(get_db(), actor=cookie_actor(request),
                                                   photo_id=photo_id)
    except DomainError as exc:
        return PlainTextResponse(exc.message, status_code=exc.status_code)
    return Response(data, media_type=content_type, headers={
        "Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'inline; filename="photo-{photo_id}"'})
