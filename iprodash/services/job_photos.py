"""Job photos: checked by content, size-limited, resized, location stripped,
stored privately in GridFS and served only to the company's staff and the
assigned technician."""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError
from pymongo.database import Database

from iprodash.domain.errors import NotFound, PermissionDenied, ValidationError
from iprodash.repositories.base import to_object_id
from iprodash.repositories.companies import CompanyRepository
from iprodash.repositories.jobs import JobRepository
from iprodash.repositories.photos import PhotoRepository
from iprodash.services import audit
from iprodash.services.actor import COMPANY_ADMIN, TECHNICIAN, USER, Actor
from iprodash.services.plan_access import require_writable

MAX_UPLOAD_BYTES = 12 * 1024 * 1024
MAX_SIDE_PX = 1600
KINDS = ("before", "after", "receipt", "other")
_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
Image.MAX_IMAGE_PIXELS = 60_000_000  # refuse decompression bombs


@dataclass(frozen=True)
class PhotoRow:
    id: str
    kind: str
    uploaded: str


def _job_for(db: Database, actor: Actor | None, job_id: str) -> dict:
    """The job, when the caller is its company's staff or its technician."""
    if actor is None or actor.company_id is None:
        raise PermissionDenied("Please log in to continue.")
    if actor.role not in (COMPANY_ADMIN, USER, TECHNICIAN):
        raise PermissionDenied("Photos are for the company's staff and technicians.")
    query = {"_id": to_object_id(job_id, "job")}
    if actor.role == TECHNICIAN:
        query["technician_id"] = actor.technician_id
    job = JobRepository(db, actor.company_id).find_one(query, projection={"_id": 1})
    if job is None:
        raise NotFound("That job does not exist.")
    return job


def prepare_image(data: bytes, *, keep_location: bool) -> tuple[bytes, str]:
    """Check the bytes are a real image, resize and re-encode without metadata.

    Returns:
        (image bytes, content type).
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError("That photo is too large (12 MB at most).")
    try:
        image = Image.open(io.BytesIO(data))
        image.verify()
        image = Image.open(io.BytesIO(data))
        fmt = image.format
        image = ImageOps.exif_transpose(image)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as exc:
        raise ValidationError("That file is not a photo we can read (JPEG, PNG or WebP).") from exc
    if fmt not in _FORMATS:
        raise ValidationError("Upload a JPEG, PNG or WebP photo.")
    image.thumbnail((MAX_SIDE_PX, MAX_SIDE_PX))
    exif = image.getexif()
    if not keep_location and 0x8825 in exif:
        del exif[0x8825]  # GPSInfo
    out = io.BytesIO()
    if fmt == "PNG":
        image.save(out, format="PNG")
    else:
        save_fmt = "JPEG" if fmt == "JPEG" else "WEBP"
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        extra = {"exif": exif.tobytes()} if keep_location and len(exif) else {}
        image.save(out, format=save_fmt, quality=85, **extra)
    return out.getvalue(), _FORMATS[fmt]


def add_photo(db: Database, *, actor: Actor, job_id: str, data: bytes, kind: str) -> str:
    """Store a photo for a job; returns its id."""
    job = _job_for(db, actor, job_id)
    require_writable(db, actor=actor)
    if kind not in KINDS:
        raise ValidationError("Choose before, after, receipt or other.", field="kind")
    company = CompanyRepository(db).by_id(actor.company_id) or {}
    image, content_type = prepare_image(data, keep_location=bool(
        company.get("keep_photo_location")))
    photo_id = PhotoRepository(db, actor.company_id).save(
        job_id=job["_id"], data=image, content_type=content_type, kind=kind,
        uploaded_by=actor.user_id, uploader_role=actor.role)
    audit.record(db, actor=actor, action="job.photo_added", target_type="job",
                 target_id=job["_id"], after={"photo_id": str(photo_id), "kind": kind})
    return str(photo_id)


def list_photos(db: Database, *, actor: Actor, job_id: str) -> list[PhotoRow]:
    job = _job_for(db, actor, job_id)
    return [PhotoRow(id=str(f["_id"]), kind=f["metadata"]["kind"],
                     uploaded=f["uploadDate"].strftime("%Y-%m-%d %H:%M"))
            for f in PhotoRepository(db, actor.company_id).for_job(job["_id"])]


def open_photo(db: Database, *, actor: Actor, photo_id: str) -> tuple[bytes, str]:
    """The photo's bytes and content type, after the access check."""
    if actor is None or actor.company_id is None:
        raise PermissionDenied("Please log in to continue.")
    photos = PhotoRepository(db, actor.company_id)
    meta = photos.get_file(photo_id)
    if meta is None:
        raise NotFound("That photo does not exist.")
    _job_for(db, actor, str(meta["metadata"]["job_id"]))
    return photos.read(meta["_id"]), meta["metadata"]["content_type"]
