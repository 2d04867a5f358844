"""What the UI layer may use of the per-event memo (``repositories/event_cache``):
open one browser event's scope, memoize a value for that event, and read each
job at most once inside it. State modules import these from here, so the
layering stays state -> services -> repositories."""

from __future__ import annotations

from iprodash.repositories.event_cache import event_scope, jobs_read_once, remember_in_event

__all__ = ["event_scope", "jobs_read_once", "remember_in_event"]
