"""Benchmarks: ``python -m bench.run`` (jobs at scale) and ``python -m bench.reports_bench``."""
