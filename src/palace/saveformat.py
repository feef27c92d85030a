"""The save format: a saved game as a human-readable JSON document, and back.

A save holds a format version (``palace_save``), the story it belongs to (id,
title, version and a fingerprint of its files), when it was saved, a summary
for listings, the game state, the undo history (as patches, see ``undo``) and a
SHA-256 checksum of everything else. Documents from older format versions are
carried forward by the chain of migrations in ``savemigrations``.

Rule: pure. Text in, ``SaveGame`` out (or a ``SaveError`` naming the source and
what is wrong); files are ``savefiles``' business, stories ``resume``'s.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from palace.checkedjson import Data, ShapeError
from palace.errors import SaveError
from palace.savegame import SaveGame, SaveHeader, StoryStamp, Summary
from palace.savemigrations import MIGRATIONS
from palace.statecodec import JsonObject, state_from_json, state_to_json
from palace.undo import history_from_json, history_to_json


SAVE_FORMAT_VERSION = 1
"""The format this Palace writes."""
MIN_COMPATIBLE_VERSION = 0
"""The oldest format it reads, carried forward by ``savemigrations``."""
FORMAT_KEY = "palace_save"
CHECKSUM_KEY = "checksum"
_CHECKSUM_PREFIX = "sha256:"


@dataclass(frozen=True, slots=True)
class Decoded:
    """A save read from text, with what the player should be told about reading it."""

    save: SaveGame
    notices: tuple[str, ...] = ()


def encode(save: SaveGame) -> str:
    """The save as indented JSON text, its checksum last."""
    header = save.header
    document: JsonObject = {
        FORMAT_KEY: SAVE_FORMAT_VERSION,
        "story": {"id": header.story.id, "title": header.story.title,
                  "version": header.story.version, "fingerprint": header.story.fingerprint},
        "saved_at": header.saved_at.isoformat(timespec="microseconds"),
        "summary": {"role": header.summary.role, "scene": header.summary.scene,
                    "clock": header.summary.clock},
        "state": state_to_json(save.state),
        "undo": history_to_json(save.state, save.undo),
    }
    document[CHECKSUM_KEY] = checksum(document)
    return _layout(document)


def _layout(document: JsonObject) -> str:
    """Indented JSON, but one line per undo step: easier to read, and quick to write."""
    members = []
    for key, value in document.items():
        if key == "undo" and value:
            steps = ",\n".join(f"    {_compact(step)}" for step in value)
            text = f"[\n{steps}\n  ]"
        else:
            text = json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        members.append(f"  {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(members) + "\n}\n"


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def checksum(document: JsonObject) -> str:
    """SHA-256 of the document without its checksum, in a canonical JSON form."""
    payload = {key: value for key, value in document.items() if key != CHECKSUM_KEY}
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return _CHECKSUM_PREFIX + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def decode(data: bytes, *, source: str) -> Decoded:
    """Read a whole save.

    Raises:
        SaveError: naming ``source`` and what is wrong: not JSON, cut short, a failed
            checksum, an unknown format version, or a field of the wrong type.
    """
    document, notices = _checked_document(data, source)
    root = Data(document)
    try:
        header = _header_from_json(root)
        state = state_from_json(root.field("state"))
        undo = history_from_json(state, root.field("undo"))
    except ShapeError as error:
        raise SaveError(f"{source}: {error}", code="save-shape") from None
    return Decoded(SaveGame(header, state, undo), notices)


def decode_header(data: bytes, *, source: str) -> tuple[SaveHeader, tuple[str, ...]]:
    """Read only what a listing needs; the checksum still covers the whole file."""
    document, notices = _checked_document(data, source)
    try:
        return _header_from_json(Data(document)), notices
    except ShapeError as error:
        raise SaveError(f"{source}: {error}", code="save-shape") from None


def verify(data: bytes, *, source: str) -> None:
    """Raise ``SaveError`` unless ``data`` is an intact save (valid JSON, checksum good)."""
    _checked_document(data, source)


def _checked_document(data: bytes, source: str) -> tuple[JsonObject, tuple[str, ...]]:
    document = _parse(data, source)
    version = _format_of(document, source)
    notices: list[str] = []
    if version >= 1:
        notices += _check_checksum(document, source)
    while version < SAVE_FORMAT_VERSION:
        document = MIGRATIONS[version](document)
        version += 1
        if version == SAVE_FORMAT_VERSION:
            notices.append(f"{source} was written in save format {version - 1}; it is read "
                           f"as format {version} and will be saved that way.")
    return document, tuple(notices)


def _parse(data: bytes, source: str) -> JsonObject:
    if not data.strip():
        raise SaveError(f"{source}: the file is empty; it was never written in full",
                        code="save-empty")
    try:
        text = data.decode("utf-8-sig")  # an editor may have added a byte order mark
    except UnicodeDecodeError as error:
        raise SaveError(f"{source}: not UTF-8 text (bad byte at offset {error.start}); "
                        "this is not a Palace save, or it is damaged",
                        code="save-encoding") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        # A string left open runs to the end of the text: that too is a file cut short.
        if error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string"):
            raise SaveError(f"{source}: the file stops in the middle ({len(data)} bytes): "
                            "it was cut short", code="save-truncated") from None
        raise SaveError(f"{source}: not valid JSON: {error.msg} (line {error.lineno}, "
                        f"column {error.colno})", code="save-json") from None
    except RecursionError:
        raise SaveError(f"{source}: the JSON is nested too deeply to be a save",
                        code="save-json") from None
    except ValueError:  # a number too long to read: Python refuses 4,300 digits and more
        raise SaveError(f"{source}: the JSON holds a number too long to be a save's",
                        code="save-json") from None
    if not isinstance(document, dict) or FORMAT_KEY not in document:
        raise SaveError(f"{source}: not a Palace save (it has no '{FORMAT_KEY}' field)",
                        code="save-not-a-save")
    _refuse_lone_surrogates(document, source)
    return document


def _refuse_lone_surrogates(document: JsonObject, source: str) -> None:
    """JSON's ``\\ud800`` escapes can make text that is not Unicode, which could be
    neither shown nor saved again: refuse it here, once, rather than fail later."""
    try:
        json.dumps(document, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise SaveError(f"{source}: the save holds text that is not valid Unicode (a lone "
                        "surrogate escape such as \\ud800); it is damaged",
                        code="save-encoding") from None


def _format_of(document: JsonObject, source: str) -> int:
    version = document[FORMAT_KEY]
    if isinstance(version, bool) or not isinstance(version, int):
        raise SaveError(f"{source}: the save format version should be a whole number, "
                        f"found {json.dumps(version)}", code="save-format")
    if version > SAVE_FORMAT_VERSION:
        raise SaveError(f"{source}: made by a newer Palace (save format {version}); this "
                        f"Palace reads formats {MIN_COMPATIBLE_VERSION} to "
                        f"{SAVE_FORMAT_VERSION}: update Palace to load it", code="save-format")
    if version < MIN_COMPATIBLE_VERSION:
        raise SaveError(f"{source}: save format {version} is too old (saw {version}, but "
                        f"the minimum is {MIN_COMPATIBLE_VERSION}), so it cannot be loaded",
                        code="save-format")
    return version


def _check_checksum(document: JsonObject, source: str) -> list[str]:
    recorded = document.get(CHECKSUM_KEY)
    if recorded is None:
        return [f"{source} has no checksum (edited by hand?); it is read as it stands."]
    if recorded != checksum(document):
        raise SaveError(f"{source}: the checksum does not match the contents: the file was "
                        "damaged, or edited after it was saved", code="save-checksum")
    return []


def _header_from_json(root: Data) -> SaveHeader:
    story = root.field("story")
    summary = root.field("summary")
    return SaveHeader(
        story=StoryStamp(id=story.field("id").text(), title=story.field("title").text(),
                         version=story.field("version").text(),
                         fingerprint=story.field("fingerprint").text()),
        saved_at=_moment(root.field("saved_at")),
        summary=Summary(role=summary.field("role").text(), scene=summary.field("scene").text(),
                        clock=summary.field("clock").text()),
    )


def _moment(data: Data) -> datetime:
    text = data.text()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise data.fail(f'expected a date and time, found the text "{text}"') from None
    if moment.tzinfo is None:
        raise data.fail("the time of saving has no time zone")
    return moment
