"""Job page: "Email receipt to client" (closed jobs with a client email), after a confirm."""

from __future__ import annotations

import asyncio
import logging

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import DomainError, NotAuthenticated
from iprodash.services import client_receipts
from state import routes
from state.job_detail import job_id_from_path
from state.session import SessionState, as_flag, handles_errors

log = logging.getLogger(__name__)


class JobReceiptState(SessionState):
    receipt_open: bool = False
    receipt_busy: bool = False

    @rx.event
    @handles_errors
    def open_receipt_email(self):
        self._actor()
        self.receipt_open = True

    @rx.event
    @handles_errors
    def set_receipt_open(self, value: bool):
        value = as_flag(value)
        if not self.receipt_busy:
            self.receipt_open = bool(value)

    @rx.event(background=True)
    async def send_receipt(self):
        """Render the receipt off the event loop and queue the email."""
        async with self:
            if self.receipt_busy:
                return
            try:
                actor = self._actor()
            except NotAuthenticated:
                yield rx.redirect(routes.SESSION_EXPIRED)
                return
            job_id = job_id_from_path(self.router.url.path)
            self.receipt_busy = True
        try:
            address = await asyncio.to_thread(client_receipts.email_receipt_to_client,
                                              get_db(), actor=actor, job_id=job_id)
        except DomainError as exc:
            async with self:
                self.receipt_busy, self.receipt_open = False, False
            yield rx.toast.error(exc.message)
            return
        except Exception:  # noqa: BLE001 - the user gets a sentence, the log the trace
            log.exception("emailing a receipt failed")
            async with self:
                self.receipt_busy = False
            yield rx.toast.error("The receipt could not be made. Please try again.")
            return
        async with self:
            self.receipt_busy, self.receipt_open = False, False
        yield rx.toast.success(f"The receipt is on its way to {address}.")
