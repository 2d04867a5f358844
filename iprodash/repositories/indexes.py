"""Create every collection's indexes (idempotent)."""

from __future__ import annotations

import importlib
import pkgutil

from pymongo.database import Database

import iprodash.repositories as repositories_package


def all_index_specs() -> dict[str, list]:
    """Collect ``INDEXES`` from every repository module."""
    specs: dict[str, list] = {}
    for module_info in pkgutil.iter_modules(repositories_package.__path__):
        module = importlib.import_module(f"iprodash.repositories.{module_info.name}")
        for collection, indexes in getattr(module, "INDEXES", {}).items():
            specs.setdefault(collection, []).extend(indexes)
    return specs


def ensure_indexes(db: Database) -> None:
    """Create all indexes the repositories declare."""
    for collection, indexes in all_index_specs().items():
        if indexes:
            db[collection].create_indexes(indexes)
