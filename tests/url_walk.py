"""Every URL pattern of a URLconf, found by walking its resolver, and those no row of a matrix covers."""

from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Pattern:
    key: str  # "namespace:name", or "namespace:<route>" for a pattern without a name
    name: str | None  # the name to reverse, with its namespaces
    route: str  # the whole route, the prefixes of the includes first
    callback: object


def url_patterns(urlconf: str | None = None) -> list[Pattern]:
    """Every URLPattern inside every URLResolver of the URLconf (the project's when None), with namespaces."""
    return list(_walk(get_resolver(urlconf), namespaces=(), prefix=""))


def _walk(resolver: URLResolver, *, namespaces: tuple[str, ...], prefix: str) -> Iterable[Pattern]:
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _walk(entry, namespaces=inner, prefix=route)
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespaces, entry.name)) if entry.name else None
            key = name or ":".join((*namespaces, f"<{route}>"))
            yield Pattern(key=key, name=name, route=route, callback=entry.callback)


def covers(row_key: str, pattern: Pattern) -> bool:
    """A row names a pattern by its key, or a family of them with shell wildcards ("admin:*_changelist")."""
    return fnmatchcase(pattern.key, row_key)


def unmatched(patterns: Iterable[Pattern], row_keys: Iterable[str]) -> list[str]:
    """The keys of the patterns that no row covers."""
    keys = list(row_keys)
    return [pattern.key for pattern in patterns if not any(covers(key, pattern) for key in keys)]
