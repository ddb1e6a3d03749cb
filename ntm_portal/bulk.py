"""Idempotent bulk writes: create what is missing, update what differs, leave the rest untouched."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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
