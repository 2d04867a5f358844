"""Email attachments: outbox messages carry GridFS file ids, never the bytes.

An outbox email may hold ``attachments: [{bucket, file_id, filename,
content_type}]``. The dispatcher loads the bytes here just before sending,
only from the allowed buckets and only files that belong to the message's
company.
"""

from __future__ import annotations

from dataclasses import dataclass

import gridfs
from pymongo.database import Database

ALLOWED_BUCKETS = frozenset({"reports"})
MAX_TOTAL_BYTES = 30 * 1024 * 1024  # below Resend's 40 MB limit per email


class AttachmentUnavailable(Exception):
    """An attachment cannot be sent: gone, foreign, too big or from another bucket."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    content_type: str


class EmailAttachments:
    """Reads the files an outbox email refers to."""

    def __init__(self, db: Database):
        self.db = db

    def load(self, message: dict) -> list[Attachment]:
        """The attachments of ``message``, checked against its company.

        Raises:
            AttachmentUnavailable: a file is gone, foreign, too big, or in another bucket.
        """
        loaded, total = [], 0
        for ref in message.get("attachments") or []:
            bucket = ref.get("bucket", "")
            if bucket not in ALLOWED_BUCKETS:
                raise AttachmentUnavailable(f"Attachments may not come from {bucket!r}.")
            meta = self.db[f"{bucket}.files"].find_one(
                {"_id": ref.get("file_id"), "metadata.company_id": message.get("company_id")})
            if meta is None:
                raise AttachmentUnavailable(f"The attached file {ref.get('filename', '')!r} no "
                                       "longer exists (deleted after its retention period?).")
            total += int(meta.get("length", 0))
            if total > MAX_TOTAL_BYTES:
                raise AttachmentUnavailable("The attachments are too large to email.")
            with gridfs.GridFSBucket(self.db, bucket_name=bucket).open_download_stream(
                    meta["_id"]) as stream:
                content = stream.read()
            loaded.append(Attachment(filename=ref.get("filename") or meta["filename"],
                                     content=content,
                                     content_type=ref.get("content_type",
                                                          "application/octet-stream")))
        return loaded
