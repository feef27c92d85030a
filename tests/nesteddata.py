"""Places in nested data (dicts and lists, as JSON and YAML load) and copies with one
place changed: what the property tests mutate saves and stories with."""

from __future__ import annotations

from typing import Any


Path = tuple[Any, ...]


def places(data: Any, prefix: Path = ()) -> list[Path]:
    """Every place in nested data where a value sits, the whole first."""
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += places(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += places(value, (*prefix, index))
    return found


def replaced(data: Any, path: Path, value: Any) -> Any:
    """A copy of ``data`` with ``value`` at ``path``; ``data`` itself is left alone."""
    if not path:
        return value
    head, *rest = path
    copy = dict(data) if isinstance(data, dict) else list(data)
    copy[head] = replaced(data[head], tuple(rest), value)
    return copy
