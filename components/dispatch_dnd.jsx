// Drag and drop for the dispatch board, on @dnd-kit/core.
//
// <BoardDnd onMove={(jobId, target) => ...}> wraps the board; <DragCard jobId>
// is a job card that can be picked up with the mouse, a finger or a pen;
// <DropSlot slotId="<technician id>|YYYY-MM-DD[THH:MM]"> is a grid cell.
// Dropping a card on a cell calls onMove(jobId, slotId) once. A click without
// movement stays a click (links and the "Move..." button inside a card work),
// and the "Move..." dialog is the keyboard way to do the same thing.
import React from "react";
import {
  DndContext,
  MouseSensor,
  pointerWithin,
  rectIntersection,
  TouchSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
} from "@dnd-kit/core";

// The cell under the pointer takes the card (a card is larger than an hour
// cell, so "most overlap" would often pick a neighbour); with no pointer
// inside any cell, the one the card overlaps most.
function dropUnderPointer(args) {
  const under = pointerWithin(args);
  return under.length > 0 ? under : rectIntersection(args);
}

export function BoardDnd({ onMove, children, ...rest }) {
  const sensors = useSensors(
    useSensor(MouseSensor, { activationConstraint: { distance: 6 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 250, tolerance: 8 } }),
  );
  const onDragEnd = (event) => {
    const { active, over } = event;
    if (!active || !over || !onMove) return;
    onMove(String(active.id), String(over.id));
  };
  return (
    <DndContext sensors={sensors} onDragEnd={onDragEnd} collisionDetection={dropUnderPointer}>
      <div {...rest}>{children}</div>
    </DndContext>
  );
}

export function DragCard({ jobId, children, style, ...rest }) {
  const { listeners, setNodeRef, transform, isDragging } = useDraggable({ id: jobId });
  const moved = transform ? `translate3d(${transform.x}px, ${transform.y}px, 0)` : undefined;
  return (
    <div
      ref={setNodeRef}
      {...listeners}
      {...rest}
      data-job-id={jobId}
      data-dragging={isDragging ? "true" : "false"}
      style={{
        ...(style || {}),
        transform: moved,
        opacity: isDragging ? 0.7 : 1,
        zIndex: isDragging ? 20 : undefined,
        position: "relative",
        cursor: isDragging ? "grabbing" : "grab",
      }}
    >
      {children}
    </div>
  );
}

export function DropSlot({ slotId, children, style, ...rest }) {
  const { isOver, setNodeRef } = useDroppable({ id: slotId });
  return (
    <div
      ref={setNodeRef}
      {...rest}
      data-slot={slotId}
      data-over={isOver ? "true" : "false"}
      style={{
        ...(style || {}),
        outline: isOver ? "2px dashed var(--accent-9)" : undefined,
        background: isOver ? "var(--accent-a3)" : undefined,
      }}
    >
      {children}
    </div>
  );
}
