"""The dispatch board's drag and drop: ``@dnd-kit/core`` (a well-kept React
library) through a small local component, ``dispatch_dnd.jsx`` beside this
file, wrapped for Reflex.

``board_dnd(..., on_move=State.handler)`` calls ``handler(job_id, target)``
when a :func:`drag_card` is dropped on a :func:`drop_slot`; the handler
validates both (they come from the browser).
"""

from __future__ import annotations

import reflex as rx
from reflex_base.components.component import Component
from reflex_base.event import EventHandler, passthrough_event_spec
from reflex_base.vars.base import Var

DND_KIT = "@dnd-kit/core@6.3.1"
_LIBRARY = rx.asset("dispatch_dnd.jsx", shared=True).importable_path


class _Dnd(Component):
    library = _LIBRARY
    lib_dependencies: list[str] = [DND_KIT]


class BoardDnd(_Dnd):
    """The drag-and-drop area: fires ``on_move(job_id, target)`` on a drop."""

    tag = "BoardDnd"
    on_move: EventHandler[passthrough_event_spec(str, str)]


class DragCard(_Dnd):
    """A job card that can be dragged."""

    tag = "DragCard"
    job_id: Var[str]


class DropSlot(_Dnd):
    """A grid cell a card can be dropped on (``slot_id``: "<tech>|<day>[T<HH:MM>]")."""

    tag = "DropSlot"
    slot_id: Var[str]


board_dnd = BoardDnd.create
drag_card = DragCard.create
drop_slot = DropSlot.create
