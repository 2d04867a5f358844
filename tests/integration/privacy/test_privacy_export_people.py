"""Personal exports are complete: a staff member's holds the texts they sent and their
support tickets; a technician gets theirs through the office (a company admin builds it)."""

from __future__ import annotations

import io
import json
import zipfile

import gridfs
import pytest
from bson import ObjectId

from iprodash.domain.errors import Conflict, NotFound, PermissionDenied
from iprodash.services import conversations, privacy_export, support, technician_access
from iprodash.services.people_deletion import delete_technician
from tests.factories import actor_for, make_user
from tests.integration.privacy.people import open_shop, text_from

SHOP_NUMBER = "+12125550100"
CLIENT_PHONE = "+12125550142"


def _records(db, export_id: str) -> dict[str, list]:
    job = db["exports"].find_one({"_id": ObjectId(export_id)})
    data = gridfs.GridFSBucket(db, bucket_name="exports").open_download_stream(
        job["file_id"]).read()
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {name[:-5]: json.loads(archive.read(name)) for name in archive.namelist()
            if name.endswith(".json") and name != "manifest.json"}


def test_my_export_holds_the_texts_i_sent_and_my_support_tickets(db):
    shop = open_shop(db, "Acme Locks", SHOP_NUMBER)
    me = actor_for(make_user(db, company=shop.company, role="user"))
    colleague = actor_for(make_user(db, company=shop.company, role="user"))
    text_from(db, shop, CLIENT_PHONE, "START")
    conversations.reply(db, actor=me, phone=CLIENT_PHONE, text="On our way, from me")
    conversations.reply(db, actor=colleague, phone=CLIENT_PHONE, text="Colleague's text")
    support.open_ticket(db, actor=me, subject="Printer", message="The receipt is blank")
    support.open_ticket(db, actor=colleague, subject="Other", message="Not mine")

    export_id = privacy_export.request_personal_export(db, actor=me)
    assert privacy_export.build_export(db, export_id=export_id)
    records = _records(db, export_id)

    assert [m["text"] for m in records["messages_i_sent"]] == ["On our way, from me"]
    assert [t["subject"] for t in records["support_tickets"]] == ["Printer"]
    assert records["support_tickets"][0]["messages"][0]["text"] == "The receipt is blank"


def test_a_technician_gets_their_data_through_the_office(db):
    shop = open_shop(db, "Acme Locks", SHOP_NUMBER, tech_name="Tobias Wrenfield")
    office = actor_for(make_user(db, company=shop.company, role="user"))
    other = open_shop(db, "Other Locks", "+13125550100")
    technician_access.send_technician_link(db, actor=shop.admin, technician_id=shop.technician_id)
    with pytest.raises(PermissionDenied):
        privacy_export.request_technician_export(db, actor=office,
                                                 technician_id=shop.technician_id)
    with pytest.raises(NotFound):  # another company's technician
        privacy_export.request_technician_export(db, actor=other.admin,
                                                 technician_id=shop.technician_id)

    export_id = privacy_export.request_technician_export(db, actor=shop.admin,
                                                         technician_id=shop.technician_id)
    with pytest.raises(Conflict):  # one at a time
        privacy_export.request_technician_export(db, actor=shop.admin,
                                                 technician_id=shop.technician_id)
    assert privacy_export.build_export(db, export_id=export_id)
    records = _records(db, export_id)

    assert [t["name"] for t in records["profile"]] == ["Tobias Wrenfield"]
    assert records["messages_to_me"] and all(m["to"] == "+12125550177"
                                             for m in records["messages_to_me"])
    assert [c["phone"] for c in records["sms_consent"]] == ["+12125550177"]
    rows = privacy_export.list_my_exports(db, actor=shop.admin)
    assert rows[0].kind == "A technician's personal data" and rows[0].download_url
    download = privacy_export.open_download(db, actor=shop.admin, export_id=export_id)
    assert download.size > 0
    with pytest.raises(NotFound):  # only the admin who asked downloads it
        privacy_export.open_download(db, actor=office, export_id=export_id)

    delete_technician(db, actor=shop.admin, technician_id=shop.technician_id)
    with pytest.raises(Conflict, match="deleted"):
        privacy_export.request_technician_export(db, actor=shop.admin,
                                                 technician_id=shop.technician_id)
