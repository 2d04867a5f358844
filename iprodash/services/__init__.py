"""Use cases: keyword-only functions that check the caller, validate,
write, audit and enqueue side effects."""
