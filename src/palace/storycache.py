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
  entry and decoded when first used (``cachedstory``), so a player's start
  decodes the few scenes it shows, not all of them.

Rule: ``loader.load_story`` knows nothing of this; the command line uses
``load_story_cached``, which falls back to it.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from palace import __version__
from palace.cachedstory import UNREADABLE, decode_story, encode_story
from palace.collector import collector_paused
from palace.model import FORMAT_VERSION, Story
from palace.storyfiles import SourceFile, read_story_files


CACHE_FORMAT = 1
"""Raise when the layout below changes; the key then changes with it."""
MAGIC = b"palace story cache\n"
SUFFIX = ".cache"
MAX_GROWTH = 16
"""A cache file holds about 1.5 bytes per byte of YAML; one over 16 is not ours."""
_DIGEST = 32


def load_story_cached(folder: Path | str, *, cache_dir: Path | None) -> Story:
    """Load the story in ``folder`` from the cache in ``cache_dir`` when it holds this
    very story, else from its YAML (and store it there for next time). With no
    ``cache_dir``, just load it.

    Raises:
        StoryError: as ``load_story`` does, when the story has errors.
    """
    root = Path(folder)
    files, problems = read_story_files(root)
    if problems:  # reported with the errors of the files that could be read
        from palace.loader import parse_read_files

        return parse_read_files(files, problems)
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


def code_stamp(package: str = os.path.dirname(os.path.abspath(__file__))) -> str:
    """Palace's own modules by path, size and time of change: a story cached by other
    code (an edited checkout, say, whose loader now refuses what it used to accept)
    is built again, as it is after an upgrade."""
    stamps: list[str] = []
    folders = [package]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.name.endswith(".py"):
                    status = entry.stat()
                    stamps.append(f"{entry.path} {status.st_size} {status.st_mtime_ns}")
                elif entry.is_dir() and not entry.name.startswith(("_", ".")):
                    folders.append(entry.path)
    return "\n".join(sorted(stamps))


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
                    f"marshal {marshal.version}", code_stamp()):
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
            return decode_story(payload, rebuild=rebuild)
    except UNREADABLE:
        return None


def _verified_payload(data: bytes, key: bytes) -> memoryview | None:
    header = len(MAGIC) + 2 * _DIGEST
    if len(data) < header or not data.startswith(MAGIC):
        return None
    stored_key = data[len(MAGIC):len(MAGIC) + _DIGEST]
    checksum = data[len(MAGIC) + _DIGEST:header]
    payload = memoryview(data)[header:]  # a view: no copy of megabytes
    if stored_key != key or hashlib.sha256(payload).digest() != checksum:
        return None
    return payload


# --- writing --------------------------------------------------------------------------


def write_cache(path: Path, key: bytes, story: Story) -> None:
    """Store ``story`` at ``path`` for ``key``, atomically, encoding it part by part as
    it is written (a whole payload at once would add its size to the peak memory). A
    cache that cannot be written (no space, no permission, nested past what marshal
    stores) is left out: the next load is only slower."""
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name,
                                             suffix=".tmp")
        with os.fdopen(handle, "wb") as out, collector_paused():
            out.write(MAGIC + key + bytes(_DIGEST))  # the checksum, once it is known
            checksum = hashlib.sha256()
            for part in encode_story(story):
                checksum.update(part)
                out.write(part)
            out.seek(len(MAGIC) + _DIGEST)
            out.write(checksum.digest())
        os.replace(temporary, path)
        temporary = None
    except (OSError, ValueError, RecursionError):
        pass
    finally:  # also when a signal stops the command half-way through the write
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
