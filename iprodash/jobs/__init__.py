"""Scheduled tasks and the scheduler process (``python -m iprodash.jobs.scheduler``)."""
