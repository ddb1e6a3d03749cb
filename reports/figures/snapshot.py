"""A report's figures as JSON and back: what an issued report stores, and re-renders from.

Exact decimals travel as strings, tuples as lists, integer keys as strings; reading follows the
dataclasses' type hints, so the figures read back equal the figures written.
"""

import dataclasses
import types
import typing
from decimal import Decimal
from functools import cache

from reports.figures.data import ReportFigures

# Written into every snapshot; a snapshot of another version (or of none) cannot be read back.
VERSION = 2


class SnapshotError(ValueError):
    """A stored snapshot that is not one this code wrote."""


def figures_json(figures: ReportFigures) -> dict:
    return {"version": VERSION, "figures": _plain(figures)}


def figures_from_json(stored: dict | None) -> ReportFigures:
    if not isinstance(stored, dict) or stored.get("version") != VERSION:
        raise SnapshotError("The figures of this report were stored in an older form.")
    return _read(ReportFigures, stored["figures"])


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if dataclasses.is_dataclass(value):
        return {field.name: _plain(getattr(value, field.name)) for field in dataclasses.fields(value)}
    return value


@cache
def _hints(cls) -> dict:
    return typing.get_type_hints(cls)


def _read(kind, value):
    if value is None:
        return None
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        return _read(next(arg for arg in args if arg is not type(None)), value)
    if origin is tuple:
        item = args[0]
        return tuple(_read(item, each) for each in value)
    if origin is dict:
        key_kind, item_kind = args
        return {_read(key_kind, key): _read(item_kind, item) for key, item in value.items()}
    if dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        # A field added since a snapshot was written (with a default) reads as its default.
        return kind(
            **{
                field.name: _read(hints[field.name], value[field.name])
                for field in dataclasses.fields(kind)
                if field.name in value or field.default is dataclasses.MISSING
            }
        )
    if kind is Decimal:
        return Decimal(value)
    if kind is int:
        return int(value)
    return value
