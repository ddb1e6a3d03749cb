"""Idempotent writes: create what is missing, update what differs, leave the rest untouched.

`bulk_upsert` writes many rows of one table in a few queries; `LoadReport.save_row` writes catalogue rows one
at a time, validated, for the loaders of small reference tables.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _


@dataclass
class UpsertCount:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __add__(self, other: "UpsertCount") -> "UpsertCount":
        return UpsertCount(self.created + other.created, self.updated + other.updated, self.unchanged + other.unchanged)

    def __str__(self) -> str:
        return _("%(created)d new, %(updated)d updated, %(unchanged)d unchanged") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


Row = TypeVar("Row", bound=Model)


@dataclass
class LoadReport:
    """How many rows of each table a load created, updated or found already up to date."""

    tables: dict[type[Model], UpsertCount] = field(default_factory=dict)
    # What a load judged again once its rows changed (the criteria catalogue: a ReevaluationResult).
    reevaluation: object | None = None

    def rows_written(self) -> int:
        return sum(counts.created + counts.updated for counts in self.tables.values())

    def save_row(self, *, model: type[Row], found: Row | None, key: dict[str, Any], values: dict[str, Any]) -> Row:
        """Create the row, or bring `found` up to `values`, saving only when something differs."""
        counts = self.tables.setdefault(model, UpsertCount())
        if found is None:
            row = model(**key, **values)
            _validate(row)
            row.save()
            counts.created += 1
            return row
        changed = [name for name, value in values.items() if getattr(found, name) != value]
        if not changed:
            counts.unchanged += 1
            return found
        for name in changed:
            setattr(found, name, values[name])
        _validate(found)
        found.save(update_fields=changed)
        counts.updated += 1
        return found


def _validate(row: Model) -> None:
    # Choices and lengths are checked here so a bad fixture fails with the field named; related rows were
    # just saved by this load, so checking them again would only cost a query per row.
    relations = [field.name for field in row._meta.concrete_fields if field.is_relation]
    row.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)


def bulk_upsert(
    *, scope: QuerySet, rows: Iterable[Model], key: Sequence[str], fields: Sequence[str], batch_size: int = 2000
) -> UpsertCount:
    """Write `rows` so that `scope` holds them, matching on `key` (attribute names such as "unit_id").

    Rows already present keep their primary key (it is copied onto the given row), so a second run with
    the same rows writes nothing.
    """
    existing = {tuple(getattr(obj, name) for name in key): obj for obj in scope}
    count = UpsertCount()
    to_create, to_update = [], []
    for row in rows:
        current = existing.get(tuple(getattr(row, name) for name in key))
        if current is None:
            to_create.append(row)
            continue
        row.pk = current.pk
        if any(getattr(current, name) != getattr(row, name) for name in fields):
            for name in fields:
                setattr(current, name, getattr(row, name))
            to_update.append(current)
        else:
            count.unchanged += 1
    scope.model.objects.bulk_create(to_create, batch_size=batch_size)
    if to_update:
        scope.model.objects.bulk_update(to_update, list(fields), batch_size=batch_size)
    count.created, count.updated = len(to_create), len(to_update)
    return count
