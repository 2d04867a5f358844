"""Photos: checked by content, location stripped, private to staff and the
assigned technician."""

from __future__ import annotations

import io

import pytest
from bson import ObjectId
from PIL import Image

from iprodash.domain.errors import NotFound, PermissionDenied, ValidationError
from iprodash.repositories.jobs import JobRepository
from iprodash.services import job_photos
from iprodash.services.actor import TECHNICIAN, Actor
from tests.factories import admin_of, make_company
from tests.factories import operator as make_operator


def _jpeg_with_gps(size=(3000, 2000)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = image.getexif()
    exif[0x8825] = {1: "N", 2: (40.0, 44.0, 55.0)}
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def _tech_actor(company, technician_id) -> Actor:
    return Actor(user_id=technician_id, role=TECHNICIAN, name="Tech", email="",
                 company_id=company["_id"], technician_id=technician_id)


def _job(db, company, technician_id):
    return str(JobRepository(db, company["_id"]).insert(
        {"number": 1, "status": "in_progress", "technician_id": technician_id}))


def test_photo_is_resized_and_location_stripped(db):
    company = make_company(db)
    tech_id = ObjectId()
    job_id = _job(db, company, tech_id)
    photo_id = job_photos.add_photo(db, actor=_tech_actor(company, tech_id), job_id=job_id,
                                    data=_jpeg_with_gps(), kind="before")
    data, content_type = job_photos.open_photo(db, actor=admin_of(db, company),
                                               photo_id=photo_id)
    stored = Image.open(io.BytesIO(data))
    assert content_type == "image/jpeg" and max(stored.size) == job_photos.MAX_SIDE_PX
    assert 0x8825 not in stored.getexif()
    meta = db["photos.files"].find_one({})
    assert meta["filename"].endswith(".jpeg") and meta["metadata"]["company_id"] == company["_id"]
    rows = job_photos.list_photos(db, actor=admin_of(db, company), job_id=job_id)
    assert [r.kind for r in rows] == ["before"]


def test_location_kept_when_the_company_says_so(db):
    company = make_company(db, keep_photo_location=True)
    tech_id = ObjectId()
    job_id = _job(db, company, tech_id)
    photo_id = job_photos.add_photo(db, actor=_tech_actor(company, tech_id), job_id=job_id,
                                    data=_jpeg_with_gps((400, 300)), kind="after")
    data, _ = job_photos.open_photo(db, actor=admin_of(db, company), photo_id=photo_id)
    assert 0x8825 in Image.open(io.BytesIO(data)).getexif()


@pytest.mark.parametrize("data", [b"<html><script>alert(1)</script></html>",
                                  b"GIF89a" + b"\x00" * 50, b""])
def test_non_photos_refused(db, data):
    company = make_company(db)
    tech_id = ObjectId()
    job_id = _job(db, company, tech_id)
    with pytest.raises(ValidationError):
        job_photos.add_photo(db, actor=_tech_actor(company, tech_id), job_id=job_id, data=data,
                             kind="before")
    assert db["photos.files"].count_documents({}) == 0


def test_oversized_upload_refused_before_decoding(db):
    with pytest.raises(ValidationError, match="too large"):
        job_photos.prepare_image(b"\xff" * (job_photos.MAX_UPLOAD_BYTES + 1),
                                 keep_location=False)


def test_other_technician_other_company_and_operator_refused(db):
    company, other = make_company(db), make_company(db)
    tech_id = ObjectId()
    job_id = _job(db, company, tech_id)
    photo_id = job_photos.add_photo(db, actor=_tech_actor(company, tech_id), job_id=job_id,
                                    data=_jpeg_with_gps((200, 200)), kind="receipt")
    with pytest.raises(NotFound):
        job_photos.open_photo(db, actor=_tech_actor(company, ObjectId()), photo_id=photo_id)
    with pytest.raises(NotFound):
        job_photos.add_photo(db, actor=_tech_actor(company, ObjectId()), job_id=job_id,
                             data=_jpeg_with_gps((200, 200)), kind="before")
    with pytest.raises(NotFound):
        job_photos.open_photo(db, actor=admin_of(db, other), photo_id=photo_id)
    with pytest.raises(PermissionDenied):
        job_photos.open_photo(db, actor=make_operator(db), photo_id=photo_id)
