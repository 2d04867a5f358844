"""Create every collection's indexes (idempotent), migrating changed declarations."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any, Mapping

import bson
from pymongo.database import Database

import iprodash.repositories as repositories_package

# Index options that change which entries an index holds or what it enforces;
# an existing index whose options differ from its declaration is rebuilt.
_COMPARED = ("key", "unique", "sparse", "partialFilterExpression", "expireAfterSeconds")


def all_index_specs() -> dict[str, list]:
    """Collect ``INDEXES`` from every repository module."""
    specs: dict[str, list] = {}
    for module_info in pkgutil.iter_modules(repositories_package.__path__):
        module = importlib.import_module(f"iprodash.repositories.{module_info.name}")
        for collection, indexes in getattr(module, "INDEXES", {}).items():
            specs.setdefault(collection, []).extend(indexes)
    return specs


def _declared(options: Mapping[str, Any]) -> dict:
    """The compared options as plain BSON values (naive UTC datetimes, lists for keys),
    without the false or empty ones a server may leave out."""
    kept = {name: options[name] for name in _COMPARED if options.get(name)}
    kept["key"] = [[field, int(direction) if isinstance(direction, float) else direction]
                   for field, direction in dict(kept.get("key", {})).items()]
    return bson.decode(bson.encode(kept))


def changed_indexes(db: Database, collection: str, indexes: list) -> list[str]:
    """Names of existing indexes whose declaration in ``indexes`` now differs."""
    existing = db[collection].index_information()
    return [model.document["name"] for model in indexes
            if model.document["name"] in existing
            and _declared(existing[model.document["name"]]) != _declared(model.document)]


def ensure_indexes(db: Database) -> None:
    """Create all indexes the repositories declare.

    An index that exists under the same name with other options (e.g. a full
    index now declared partial) is dropped and built again, so an existing
    database takes the new declaration at the next start-up.
    """
    for collection, indexes in all_index_specs().items():
        if not indexes:
            continue
        for name in changed_indexes(db, collection, indexes):
            db[collection].drop_index(name)
        db[collection].create_indexes(indexes)
