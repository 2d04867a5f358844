"""The board's drag and drop wraps @dnd-kit/core through the local component."""

from __future__ import annotations

from pathlib import Path

from components import drag_drop


def test_cards_and_slots_render_with_their_ids_and_import_dnd_kit():
    tree = drag_drop.board_dnd(drag_drop.drop_slot(drag_drop.drag_card("x", job_id="j1"),
                                                   slot_id="t1|2025-06-02T14:00"))
    rendered = str(tree.render())
    assert 'jobId:"j1"' in rendered and 'slotId:"t1|2025-06-02T14:00"' in rendered
    imports = tree._get_all_imports()
    assert drag_drop.DND_KIT in imports
    local = [name for name in imports if name.endswith("dispatch_dnd.jsx")]
    assert local and {v.tag for v in imports[local[0]]} == {"BoardDnd", "DropSlot", "DragCard"}


def test_the_local_component_exports_what_the_wrappers_name():
    source = (Path(drag_drop.__file__).parent / "dispatch_dnd.jsx").read_text()
    for tag in ("BoardDnd", "DragCard", "DropSlot"):
        assert f"export function {tag}(" in source
    assert 'from "@dnd-kit/core"' in source
