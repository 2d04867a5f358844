"""The photo form posts back to the page it came from, chosen by who is signed in.

The technician's pages send no Referer (Referrer-Policy: no-referrer), so
the route must not depend on it to send the technician back to their job.
"""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from PIL import Image

from iprodash.api.app import create_api
from iprodash.services import jobs, job_lifecycle
from iprodash.services.job_forms import JobForm
from iprodash.services.technician_access import create_technician_link
from iprodash.services.technicians import TechnicianForm, create_technician
from tests.factories import admin_of, make_company


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 40, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_technician_without_a_referer_lands_back_on_their_job(db):
    company = make_company(db)
    admin = admin_of(db, company)
    tech = create_technician(db, actor=admin, form=TechnicianForm(
        name="Pia Photo", nickname="Pia", phone="(212) 555-0144", commission_percent="40",
        job_fee="0"))
    job = jobs.create_job(db, actor=admin, form=JobForm(
        client_name="Ann Lee", client_phone="(212) 555-0145", address_line="1 Oak Ave",
        city="Springfield", state="NY", zip="10001", job_type="Rekey", date="2030-06-03",
        start_time="09:00", end_time="10:00")).job
    job_id = str(job["_id"])
    jobs.assign_technician(db, actor=admin, job_id=job_id, technician_id=tech.id)
    job_lifecycle.change_status(db, actor=admin, job_id=job_id, target="scheduled")
    link = create_technician_link(db, actor=admin, technician_id=tech.id)
    with TestClient(create_api(), base_url="http://localhost:3000") as client:
        assert client.post(link, follow_redirects=False).status_code == 303  # signed in
        saved = client.post(f"/api/photos/jobs/{job_id}", files={"photo": ("a.png", _png())},
                            data={"kind": "after"},
                            headers={"origin": "null", "sec-fetch-site": "same-origin"},
                            follow_redirects=False)
        assert saved.status_code == 303
        assert saved.headers["location"] == f"/tech/job/{job_id}?photo=saved"
        refused = client.post(f"/api/photos/jobs/{job_id}", data={"kind": "after"},
                              headers={"origin": "null", "sec-fetch-site": "same-origin"},
                              follow_redirects=False)
        assert refused.headers["location"].startswith(f"/tech/job/{job_id}?photo_error=")
    assert db["job_photos"].count_documents({}) + db["photos.files"].count_documents({}) >= 1
