"""Reading untrusted JSON (a save file) into typed values, naming the path of each problem.

Rule: pure. A ``Data`` holds one value decoded by ``json`` and the path that led
to it, such as ``$.state.variables.courage``; each accessor returns a checked
Python value or raises ``ShapeError`` saying what was expected, what was found,
and where. Nothing here knows what a save is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


Scalar = bool | int | str

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class ShapeError(ValueError):
    """A JSON value of the wrong shape; ``path`` says where it is in the document."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{message} @ {path}")


def describe(value: object) -> str:
    """How a JSON value reads in a message: ``a list``, ``the text "ten"``, ``1.5``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:40] + "…"
        return f'the text "{shown}"'
    if isinstance(value, list):
        return "a list"
    return "an object"


@dataclass(frozen=True, slots=True)
class Data:
    """A JSON value and its path from the document's root (``$``)."""

    value: object
    path: str = "$"

    def fail(self, message: str) -> ShapeError:
        return ShapeError(self.path, message)

    def _expected(self, what: str) -> ShapeError:
        return self.fail(f"expected {what}, found {describe(self.value)}")

    def _child_path(self, key: str) -> str:
        if _PLAIN_KEY.fullmatch(key):
            return f"{self.path}.{key}"
        return f"{self.path}[{key!r}]"

    def entries(self) -> dict[str, Data]:
        """An object's members, each with its own path."""
        if not isinstance(self.value, dict):
            raise self._expected("an object")
        return {str(key): Data(item, self._child_path(str(key)))
                for key, item in self.value.items()}

    def field(self, key: str) -> Data:
        """A member the object must have."""
        found = self.entries()
        if key not in found:
            raise self.fail(f"the field '{key}' is missing")
        return found[key]

    def optional(self, key: str) -> Data | None:
        return self.entries().get(key)

    def elements(self) -> list[Data]:
        if not isinstance(self.value, list):
            raise self._expected("a list")
        return [Data(item, f"{self.path}[{index}]") for index, item in enumerate(self.value)]

    def text(self) -> str:
        if not isinstance(self.value, str):
            raise self._expected("text")
        return self.value

    def whole(self, *, minimum: int | None = None) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self._expected("a whole number")
        if minimum is not None and self.value < minimum:
            raise self.fail(f"expected a whole number of at least {minimum}, found {self.value}")
        return self.value

    def flag(self) -> bool:
        if not isinstance(self.value, bool):
            raise self._expected("true or false")
        return self.value

    def scalar(self) -> Scalar:
        """A flag, a whole number or a text: the values a story's variables hold."""
        if isinstance(self.value, bool | int | str):
            return self.value
        raise self._expected("true, false, a whole number or text")

    def one_of(self, options: tuple[str, ...]) -> str:
        word = self.text()
        if word not in options:
            raise self.fail(f"expected one of {', '.join(options)}, found {describe(word)}")
        return word

    def texts(self, *, unique: bool = False) -> tuple[str, ...]:
        """A list of texts; with ``unique``, each may appear once."""
        items = tuple(element.text() for element in self.elements())
        if unique and len(set(items)) != len(items):
            twice = next(item for index, item in enumerate(items) if item in items[:index])
            raise self.fail(f'"{twice}" appears twice')
        return items
