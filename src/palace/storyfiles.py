"""Reading a story folder's files as text: which files, in what order, and their hash.

Every ``*.yaml``/``*.yml`` file under the folder is a story file, read in path order;
names starting with ``.`` are skipped and symbolic links to folders are not
followed. Problems (a missing folder, an unreadable or oversized file, bytes that
are not UTF-8) become diagnostics, never exceptions.
"""

from __future__ import annotations

import hashlib
import os
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
    problems: list[Diagnostic] = []
    if not root.is_dir():
        what = "is not a folder" if root.exists() else "does not exist"
        return [], [_folder_error(root, f"story folder '{root}' {what}; "
                                  "give the folder that holds story.yaml")]
    manifest = root / MANIFEST
    if not manifest.is_file():
        return [], [_folder_error(root, f"'{root}' has no {MANIFEST}; a story folder needs "
                                  "a manifest (see docs/story-format.md)")]
    files: list[SourceFile] = []
    for path in [manifest, *_content_paths(root, problems)]:
        relative = path.relative_to(root).as_posix()
        text = _read_text(path, problems)
        if text is not None:
            files.append(SourceFile(str(path), text, relative))
    return files, problems


def _content_paths(root: Path, problems: list[Diagnostic]) -> list[Path]:
    found: list[Path] = []

    def on_error(error: OSError) -> None:
        problems.append(_folder_error(Path(error.filename or root),
                                      f"cannot read folder: {error.strerror}"))

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
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(Diagnostic(
                SourceLoc(str(path), 1, 1), Severity.ERROR,
                f"the file is {size / 2**20:.0f} MB, more than a story file may be "
                f"({MAX_FILE_BYTES // 2**20} MB); split it into smaller files", "file-too-large"))
            return None
        data = path.read_bytes()
    except OSError as error:
        problems.append(Diagnostic(SourceLoc(str(path), 1, 1), Severity.ERROR,
                                   f"cannot read file: {error.strerror}", "unreadable"))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        problems.append(Diagnostic(SourceLoc(str(path), line, column), Severity.ERROR,
                                   "the file is not UTF-8 text; save it as UTF-8",
                                   "encoding"))
        return None
    if "\x00" in text:
        problems.append(Diagnostic(SourceLoc(str(path), 1, 1), Severity.ERROR,
                                   "the file is binary, not YAML text; remove it from the "
                                   "story folder", "encoding"))
        return None
    return text


def _folder_error(path: Path, message: str) -> Diagnostic:
    loc = SourceLoc(str(path), 1, 1) if path.is_file() else None
    return Diagnostic(loc, Severity.ERROR, message, "story-folder")


def fingerprint(files: Iterable[SourceFile]) -> str:
    digest = hashlib.sha256()
    for source in sorted(files, key=lambda f: f.relative):
        for part in (source.relative, source.text):
            encoded = part.encode("utf-8")
            digest.update(len(encoded).to_bytes(8, "big"))
            digest.update(encoded)
    return digest.hexdigest()
