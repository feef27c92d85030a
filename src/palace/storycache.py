"""The compiled story cache: a loaded story kept on disk, so the next start skips YAML.

As in Ren'Py and ink, a story's files are read and checked once and the model is
stored in a fast, safe form; later loads of the unchanged story read that instead.

- The key is a SHA-256 hash of every story file's name, path, size and text, with
  the versions of Palace, the story format, the cache format, Python and marshal.
  Edit, add, delete or rename any file, or upgrade anything, and it no longer
  matches: the story is loaded from YAML and the cache written again.
- One file per story folder, written to a temporary file and renamed into place,
  so no reader ever sees half of one.
- The file is a magic line, the key, a SHA-256 checksum of the payload, and the
  payload: the model as plain data (``modelcodec``) stored with ``marshal``, which
  builds only plain values and runs nothing, but is not hardened against crafted
  input. So the checksum is verified before anything is unmarshalled, and every
  value is checked against the model's types as it is decoded: a damaged,
  truncated, foreign or stale file is passed over and rebuilt, never trusted.
- Mappings of ids to model objects (scenes, documents, ...) are stored entry by
  entry and decoded when first used, so a player's start decodes the few scenes
  it shows, not all of them.

Rule: ``loader.load_story`` knows nothing of this; the command line uses
``load_story_cached``, which falls back to it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
import os
import re
import sys
import tempfile
import typing
from collections.abc import Callable, ItemsView, Iterator, Mapping, Sequence, ValuesView
from functools import partial
from pathlib import Path

from palace import __version__, expr
from palace.collector import collector_paused
from palace.errors import StoryError
from palace.model import FORMAT_VERSION, Condition, Story
from palace.modelcodec import Codec, CodecError, Finish
from palace.storyfiles import SourceFile, read_story_files


CACHE_FORMAT = 1
"""Raise when the layout below changes; the key then changes with it."""
MAGIC = b"palace story cache\n"
SUFFIX = ".cache"
MAX_GROWTH = 16
"""A cache file holds about 1.5 bytes per byte of YAML; one over 16 is not ours."""
_DIGEST = 32
_UNREADABLE = (CodecError, ValueError, TypeError, EOFError, RecursionError)
"""What damaged data raises from ``marshal.loads`` or the decoder."""


def load_story_cached(folder: Path | str, *, cache_dir: Path | None) -> Story:
    """Load the story in ``folder`` from the cache in ``cache_dir`` when it holds this
    very story, else from its YAML (and store it there for next time). With no
    ``cache_dir``, just load it.

    Raises:
        StoryError: as ``load_story`` does, when the story has errors.
    """
    root = Path(folder)
    files, problems = read_story_files(root)
    if problems:
        raise StoryError(problems)
    if cache_dir is None:
        return _parse(files)
    key = cache_key(files)
    path = cache_path(cache_dir, root)
    limit = MAX_GROWTH * sum(len(f.text) for f in files) + 2**20
    story = read_cache(path, key, limit=limit, rebuild=lambda: _parse(files))
    if story is None:
        story = _parse(files)
        write_cache(path, key, story)
    return story


def _parse(files: Sequence[SourceFile]) -> Story:
    from palace.loader import parse_story  # only on a miss: it imports YAML

    return parse_story(files)


def cache_key(files: Sequence[SourceFile]) -> bytes:
    """What a cached story must have been built from: every file and every version."""
    digest = hashlib.sha256()

    def add(piece: bytes) -> None:
        # Each piece is prefixed with its length (the file's size, for its text), so
        # no two different lists of pieces hash the same.
        digest.update(len(piece).to_bytes(8, "big"))
        digest.update(piece)

    for version in (f"palace {__version__}", f"format {FORMAT_VERSION}",
                    f"cache {CACHE_FORMAT}", f"python {sys.version}",
                    f"marshal {marshal.version}"):
        add(version.encode())
    for source in files:
        add(source.name.encode("utf-8"))
        add(source.relative.encode("utf-8"))
        add(source.text.encode("utf-8"))
    return digest.digest()


def cache_path(cache_dir: Path, root: Path) -> Path:
    """The cache file of the story folder ``root``: its name, and a hash of where it is."""
    where = str(root.resolve())
    label = re.sub(r"[^A-Za-z0-9_.-]", "_", Path(where).name)[:40] or "story"
    return cache_dir / f"{label}-{hashlib.sha256(where.encode()).hexdigest()[:16]}{SUFFIX}"


# --- reading --------------------------------------------------------------------------


def read_cache(path: Path, key: bytes, *, limit: int,
               rebuild: Callable[[], Story]) -> Story | None:
    """The story cached at ``path`` if it was built from exactly what ``key`` names and
    reads back whole; None otherwise, or when the file is over ``limit`` bytes.
    ``rebuild`` loads the story from its files, in case an entry decoded later turns
    out to be damaged."""
    try:
        if path.stat().st_size > limit:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    payload = _verified_payload(data, key)
    if payload is None:
        return None
    try:
        with collector_paused():
            return _decode_story(marshal.loads(payload), _Rebuild(rebuild))
    except _UNREADABLE:
        return None


def _verified_payload(data: bytes, key: bytes) -> bytes | None:
    header = len(MAGIC) + 2 * _DIGEST
    if len(data) < header or not data.startswith(MAGIC):
        return None
    stored_key = data[len(MAGIC):len(MAGIC) + _DIGEST]
    checksum = data[len(MAGIC) + _DIGEST:header]
    payload = data[header:]
    if stored_key != key or hashlib.sha256(payload).digest() != checksum:
        return None
    return payload


class _Rebuild:
    """The story from its files, loaded at most once, for entries that fail to decode."""

    def __init__(self, load: Callable[[], Story]) -> None:
        self._load = load
        self._story: Story | None = None

    def field(self, name: str) -> Mapping[str, object]:
        if self._story is None:
            self._story = self._load()
        value: Mapping[str, object] = getattr(self._story, name)
        return value


def _decode_story(raw: object, rebuild: _Rebuild) -> Story:
    if type(raw) is not dict or set(raw) != {"eager", "lazy"}:
        raise CodecError("not a story cache payload")
    eager, lazy = raw["eager"], raw["lazy"]
    hints = _story_hints()
    if type(eager) is not dict or type(lazy) is not dict or set(eager) | set(lazy) != set(
            hints) or set(eager) & set(lazy):
        raise CodecError("the cached story's fields are not this Palace's")
    clock = Codec().decoder(hints["clock"])(eager["clock"])
    codec = _codec(typing.cast(typing.Any, clock))
    values: dict[str, object] = {}
    for name, data in eager.items():
        values[name] = codec.decoder(hints[name])(data)
    for name, entries in lazy.items():
        if not _is_entry_mapping(hints[name]) or type(entries) is not dict:
            raise CodecError(f"field '{name}' is not stored entry by entry here")
        decode = codec.decoder(typing.get_args(hints[name])[1])
        values[name] = LazyMapping(entries, decode, partial(rebuild.field, name))
    return Story(**typing.cast(dict[str, typing.Any], values))


def decode_all(story: Story) -> None:
    """Decode every entry of ``story``'s mappings that is still waiting to be."""
    for field in dataclasses.fields(story):
        value = getattr(story, field.name)
        if isinstance(value, LazyMapping):
            value.decode_all()


class LazyMapping(Mapping[str, object]):
    """A read-only mapping of ids to model objects decoded from the cache on first use.

    Once every entry is decoded it answers as fast as a dict: the engine looks up
    scenes at every step. An entry that fails to decode (possible only for a file
    crafted to pass the checksum) is not trusted: the whole mapping is taken from
    the story loaded from its files instead.
    """

    def __init__(self, entries: dict[str, object], decode: Callable[[object], object],
                 fallback: Callable[[], Mapping[str, object]]) -> None:
        self._entries = entries
        self._decode = decode
        self._fallback = fallback
        self._decoded: dict[str, object] = {}
        self._complete = not entries

    def __getitem__(self, key: str) -> object:
        try:
            return self._decoded[key]
        except KeyError:
            value = self._decoded[key] = self._decode_entry(key)
            return value

    def _decode_entry(self, key: str) -> object:
        blob = self._entries[key]  # a KeyError here is the caller's: no such entry
        try:
            if type(blob) is not bytes:
                raise CodecError("an entry is not stored as bytes")
            return self._decode(marshal.loads(blob))
        except _UNREADABLE:
            rebuilt = self._fallback()
            self._entries = dict.fromkeys(rebuilt)
            self._decoded = dict(rebuilt)
            self._complete = True
            return self._decoded[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def decode_all(self) -> None:
        """Decode every entry not decoded yet, as the tools that walk the story need."""
        if self._complete:
            return
        with collector_paused():
            for key in self._entries:
                self[key]
        # In the stored order, whatever order the entries were first asked for in.
        self._decoded = {key: self._decoded[key] for key in self._entries}
        self._complete = True

    def values(self) -> ValuesView[object]:
        self.decode_all()
        return self._decoded.values()

    def items(self) -> ItemsView[str, object]:
        self.decode_all()
        return self._decoded.items()

    def __repr__(self) -> str:
        return f"LazyMapping({len(self._entries)} entries, {len(self._decoded)} decoded)"


# --- writing --------------------------------------------------------------------------


def write_cache(path: Path, key: bytes, story: Story) -> None:
    """Store ``story`` at ``path`` for ``key``, atomically. A cache that cannot be
    written (no space, no permission) is left out: the next load is only slower."""
    try:
        with collector_paused():
            payload = marshal.dumps(_encode_story(story))
    except (ValueError, RecursionError):  # nested past what marshal stores
        return
    data = MAGIC + key + hashlib.sha256(payload).digest() + payload
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name,
                                             suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def _encode_story(story: Story) -> dict[str, object]:
    hints = _story_hints()
    codec = _codec(story.clock)
    eager: dict[str, object] = {}
    lazy: dict[str, object] = {}
    for field in dataclasses.fields(Story):
        name, value = field.name, getattr(story, field.name)
        if _is_entry_mapping(hints[name]):
            encode = codec.encoder(typing.get_args(hints[name])[1])
            lazy[name] = {key: marshal.dumps(typing.cast(typing.Any, encode(entry)))
                          for key, entry in value.items()}
        else:
            eager[name] = codec.encoder(hints[name])(value)
    return {"eager": eager, "lazy": lazy}


def _story_hints() -> dict[str, object]:
    return typing.get_type_hints(Story)


def _is_entry_mapping(hint: object) -> bool:
    """A mapping of ids to model objects: stored and decoded entry by entry."""
    arguments = typing.get_args(hint)
    return (typing.get_origin(hint) is Mapping and len(arguments) == 2
            and arguments[0] is str and dataclasses.is_dataclass(arguments[1]))


def _codec(clock: typing.Any) -> Codec:
    return Codec({Condition: _condition_finisher(clock)})


def _condition_finisher(clock: typing.Any) -> Finish:
    """Conditions are stored as their trees; each distinct one is compiled again (not
    parsed) once, and conditions with the same source share tree and evaluator, as
    they do when loaded from YAML."""
    known: dict[object, tuple[object, object]] = {}

    def finish(values: dict[str, object]) -> None:
        shared = known.get(values["source"])
        if shared is None:
            tree = typing.cast(expr.Node, values["tree"])
            shared = known[values["source"]] = (tree, expr.compile_node(tree, clock))
        values["tree"], values["evaluate"] = shared

    return finish
