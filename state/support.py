"""Support tickets: company staff open and follow them; the operator answers and closes."""

from __future__ import annotations

import reflex as rx

from iprodash.db import get_db
from iprodash.domain.errors import DomainError, NotAuthenticated
from iprodash.services import support
from state import routes
from state.paging import KeysetPager
from state.session import SessionState, as_flag, as_text, as_uploads, handles_errors, loads_page

UPLOAD_ID = "support_attachment"


def _ticket_dict(view: support.TicketView) -> dict:
    return {"id": view.id, "number": view.number, "subject": view.subject,
            "status": view.status, "company": view.company, "opened_by": view.opened_by,
            "opened": view.opened, "attachment_name": view.attachment_name}


class _TicketListState(KeysetPager, mixin=True):
    """Shared paging and the selected ticket's thread (a mixin: each page's state owns its events)."""

    selected: dict[str, str] = {}
    thread: list[dict] = []
    reply_text: str = ""

    def _page(self, before: str) -> list[support.TicketView]:
        raise NotImplementedError

    def _open(self, ticket_id: str) -> support.TicketView:
        raise NotImplementedError

    def _reload(self) -> None:
        page = self._page(self.cursor_stack[-1] if self.cursor_stack else "")
        self.rows = [_ticket_dict(v) for v in page]
        self.has_next = len(page) == support.PAGE_SIZE

    def _show(self, view: support.TicketView) -> None:
        self.selected, self.thread = _ticket_dict(view), list(view.messages)

    @rx.event
    @loads_page
    def load(self):
        """Page 1 and no ticket open; on a reconnect, the page and the ticket on screen."""
        if self._open_page() and self.selected.get("id"):
            try:
                self._show(self._open(self.selected["id"]))
                return
            except DomainError:  # gone meanwhile (e.g. erased): the list alone
                pass
        self.selected, self.thread = {}, []

    @rx.event
    @handles_errors
    def select(self, ticket_id: str):
        ticket_id = as_text(ticket_id, 40)
        self._show(self._open(ticket_id))
        self.reply_text = ""

    @rx.event
    @handles_errors
    def set_reply_text(self, text: str):
        text = as_text(text, 5000)
        self.reply_text = str(text)[:support.MAX_MESSAGE]

    @rx.var
    def attachment_url(self) -> str:
        ticket_id = self.selected.get("id", "")
        return f"/api/support/tickets/{ticket_id}/attachment" if ticket_id else ""


class SupportState(_TicketListState, SessionState):
    subject: str = ""
    message: str = ""
    error: str = ""
    busy: bool = False

    def _page(self, before: str) -> list[support.TicketView]:
        return support.list_my_tickets(get_db(), actor=self._actor(), before_id=before)

    def _open(self, ticket_id: str) -> support.TicketView:
        return support.company_ticket(get_db(), actor=self._actor(), ticket_id=ticket_id)

    @rx.event
    @handles_errors
    def set_subject(self, text: str):
        text = as_text(text, 5000)
        self.subject = str(text)[:120]

    @rx.event
    @handles_errors
    def set_message(self, text: str):
        text = as_text(text, 5000)
        self.message = str(text)[:support.MAX_MESSAGE]

    @rx.event
    @handles_errors
    async def open_ticket(self, files: list[rx.UploadFile]):
        """Open a ticket with the typed subject and message and at most one file."""
        files = as_uploads(files)
        try:
            actor = self._actor()
            attachment = None
            if len(files) > 1:
                raise DomainError("Attach one file at most.")
            if files:
                upload = files[0]
                if upload.size is not None and upload.size > support.MAX_ATTACHMENT:
                    raise DomainError("Attachments can be at most 5 MB.")
                data = upload.file.read(support.MAX_ATTACHMENT + 1)  # never more than the limit
                attachment = support.Attachment(filename=upload.filename or "file", data=data)
            ticket_id = support.open_ticket(get_db(), actor=actor, subject=self.subject,
                                            message=self.message, attachment=attachment)
        except NotAuthenticated:
            return rx.redirect(routes.SESSION_EXPIRED)
        except DomainError as exc:
            self.error = exc.message
            return None
        self.subject, self.message, self.error = "", "", ""
        self.cursor_stack = []
        self._reload()
        self._show(self._open(ticket_id))
        return [rx.clear_selected_files(UPLOAD_ID),
                rx.toast.success("Ticket sent. We answer by email within one business day.")]

    @rx.event
    @handles_errors
    def send_reply(self):
        view = support.add_company_reply(get_db(), actor=self._actor(),
                                         ticket_id=self.selected.get("id", ""),
                                         text=self.reply_text)
        self.reply_text = ""
        self._show(view)
        self._reload()


class SupportDeskState(_TicketListState, SessionState):
    status_filter: str = "open"

    def _page(self, before: str) -> list[support.TicketView]:
        return support.list_desk_tickets(get_db(), actor=self._actor(),
                                         status=self.status_filter, before_id=before)

    def _open(self, ticket_id: str) -> support.TicketView:
        return support.desk_ticket(get_db(), actor=self._actor(), ticket_id=ticket_id)

    @rx.event
    @handles_errors
    def set_status_filter(self, value: str):
        value = as_text(value, 320)
        self.status_filter = "" if value == "all" else value
        self.cursor_stack = []
        self._reload()

    @rx.event
    @handles_errors
    def answer(self, close: bool):
        close = as_flag(close)
        view = support.answer_ticket(get_db(), actor=self._actor(),
                                     ticket_id=self.selected.get("id", ""),
                                     text=self.reply_text, close=bool(close))
        self.reply_text = ""
        self._show(view)
        self._reload()
        return rx.toast.success("Closed; the customer was emailed." if close
                                else "Answer sent by email.")
