"""Reading a story folder's files as text: which files, in what order, and their hash.

Every ``*.yaml``/``*.yml`` file under the folder is a story file, read in path order;
names starting with ``.`` are skipped and symbolic links to folders are not
followed. Problems (a missing folder, an unreadable or oversized file, bytes that
are not UTF-8) become diagnostics, never exceptions.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from palace.errors import Diagnostic, Severity, SourceLoc
from palace.storyformat import MANIFEST


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One story file's text and the name errors should call it by."""

    name: str
    text: str
    relative: str


def read_story_files(root: Path) -> tuple[list[SourceFile], list[Diagnostic]]:
    """Read the manifest and every content file under ``root`` as text."""
    problem = _folder_problem(root)
    if problem is not None:
        return [], [problem]
    problems: list[Diagnostic] = []
    files: list[SourceFile] = []
    for path in [root / MANIFEST, *_content_paths(root, problems)]:
        relative = path.relative_to(root).as_posix()
        text = _read_text(path, problems)
        if text is not None:
            files.append(SourceFile(str(path), text, relative))
    return files, problems


def _folder_problem(root: Path) -> Diagnostic | None:
    """Why ``root`` cannot be read as a story folder, or None."""
    try:
        info = root.stat()
    except FileNotFoundError:
        what = "is a link to nothing" if root.is_symlink() else "does not exist"
        return _folder_error(f"story folder '{root}' {what}; give the folder that "
                             "holds story.yaml")
    except OSError as error:
        return _folder_error(f"story folder '{root}' cannot be read: "
                             f"{error.strerror or error}")
    if not stat.S_ISDIR(info.st_mode):
        return _folder_error(f"story folder '{root}' is not a folder; give the folder "
                             "that holds story.yaml", loc=SourceLoc(str(root), 1, 1))
    try:
        (root / MANIFEST).lstat()
    except FileNotFoundError:
        return _folder_error(f"'{root}' has no {MANIFEST}; a story folder needs a "
                             "manifest (see docs/story-format.md)")
    except OSError as error:
        return _folder_error(f"story folder '{root}' cannot be read: "
                             f"{error.strerror or error}")
    return None


def _content_paths(root: Path, problems: list[Diagnostic]) -> list[Path]:
    found: list[Path] = []

    def on_error(error: OSError) -> None:
        folder = Path(error.filename or root)
        problems.append(_folder_error(f"cannot read folder '{folder}': "
                                      f"{error.strerror or error}"))

    for folder, dirs, names in os.walk(root, onerror=on_error):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in names:
            if name.endswith((".yaml", ".yml")) and not name.startswith("."):
                path = Path(folder) / name
                if path != root / MANIFEST:
                    found.append(path)
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


MAX_FILE_BYTES = 16 * 1024 * 1024
"""Far beyond any scene file (a thousand scenes make about a megabyte)."""


def _read_text(path: Path, problems: list[Diagnostic]) -> str | None:
    try:
        data = _read_bytes(path)
    except _Refused as refusal:
        problems.append(Diagnostic(SourceLoc(str(path), 1, 1), Severity.ERROR,
                                   refusal.message, refusal.code))
        return None
    except OSError as error:
        problems.append(Diagnostic(SourceLoc(str(path), 1, 1), Severity.ERROR,
                                   _why_unreadable(path, error), "unreadable"))
        return None
    text, problem = decode_source(data, str(path))
    if problem is not None:
        problems.append(problem)
    return text


def _why_unreadable(path: Path, error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "this link leads round in a loop of links; remove it"
    if isinstance(error, FileNotFoundError) and path.is_symlink():
        return (f"this is a link to '{os.readlink(path)}', which does not exist; remove the "
                "link or restore the file")
    return f"cannot read file: {error.strerror or error}"


class _Refused(Exception):
    """A file that is not read at all: too large, or not a regular file."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, read only if it is a regular file of a sane size: a pipe would
    block the read forever, and a device (a link to /dev/zero) would never end. It is
    opened without waiting (a pipe with no writer would wait) and checked once open,
    so nothing can be swapped in between the check and the read."""
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(handle, "rb") as opened:
        info = os.fstat(opened.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise _Refused(f"this is {_kind_of_file(info.st_mode)}, not a file of text; remove "
                           "it from the story folder", "unreadable")
        if info.st_size > MAX_FILE_BYTES:
            raise _Refused(f"the file is {info.st_size / 2**20:.0f} MB, more than a story "
                           f"file may be ({MAX_FILE_BYTES // 2**20} MB); split it into smaller "
                           "files", "file-too-large")
        # A file that grew since it was measured is read no further than the limit.
        data = opened.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _Refused(f"the file is more than a story file may be ({MAX_FILE_BYTES // 2**20} "
                       "MB); split it into smaller files", "file-too-large")
    return data


def _kind_of_file(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a socket" if stat.S_ISSOCK(mode) else "not a regular file"


def decode_source(data: bytes, name: str) -> tuple[str | None, Diagnostic | None]:
    """A story file's bytes as text (UTF-8, with or without a byte order mark), or the
    diagnostic saying why they are not."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, Diagnostic(SourceLoc(name, 1, 1), Severity.ERROR,
                                "the file is UTF-16 text; save it as UTF-8", "encoding")
    if b"\x00" in data:
        return None, Diagnostic(SourceLoc(name, 1, 1), Severity.ERROR,
                                "the file is binary, not YAML text; remove it from the story "
                                "folder", "encoding")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        return None, Diagnostic(SourceLoc(name, line, column), Severity.ERROR,
                                "the file is not UTF-8 text; save it as UTF-8", "encoding")
    return text, None


def _folder_error(message: str, *, loc: SourceLoc | None = None) -> Diagnostic:
    return Diagnostic(loc, Severity.ERROR, message, "story-folder")


def fingerprint(files: Iterable[SourceFile]) -> str:
    digest = hashlib.sha256()
    for source in sorted(files, key=lambda f: f.relative):
        for part in (source.relative, source.text):
            encoded = part.encode("utf-8")
            digest.update(len(encoded).to_bytes(8, "big"))
            digest.update(encoded)
    return digest.hexdigest()
