"""Save files: named slots in a folder, written so that no crash, full disk or Ctrl-C
ever leaves a broken save, or none.

A saves folder holds, for a slot ``NAME``::

    NAME.json            the save
    NAME.json.bak        the save it replaced: the previous good one
    NAME.json.damaged    a damaged save found where a new one was to go, set aside
    .NAME.json.*.tmp     a save being written (left behind only by a crash; ignored)

Writing a slot: (1) if ``NAME.json`` is an intact save it is copied to
``NAME.json.bak``, and if it is damaged it is renamed aside, never written over;
(2) the new save goes to a temporary file with a unique name in the same folder,
which is flushed and fsynced; (3) ``os.replace`` puts it over ``NAME.json`` in
one atomic step, and the folder is fsynced. At every instant ``NAME.json`` is the
old save or the new one. Unique temporary names mean two processes saving the
same slot at once never mix their bytes: the last to finish wins.

Rule: the only module that touches save files. Errors are ``SaveError``s that
name the file and say what to do.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from palace.errors import SaveError
from palace.saves import Decoded, SaveGame, SaveHeader, decode, decode_header, encode, verify


AUTOSAVE = "autosave"
"""What the player calls the slot the game saves itself to after every choice."""

SUFFIX = ".json"
BACKUP_SUFFIX = ".bak"
DAMAGED_SUFFIX = ".damaged"
MAX_NAME_LENGTH = 64
NAME_RULE = (f"a save name has 1 to {MAX_NAME_LENGTH} letters, digits, spaces and '-', '_' "
             "or '.', and starts with a letter or digit")

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 _.-]*")
_DEVICE_NAMES = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)),
                           *(f"lpt{n}" for n in range(1, 10))})


def autosave_slot(story_id: str) -> str:
    """The slot a story autosaves to: one per story, so that playing another story from the
    same folder never writes over this one's game."""
    return f"{AUTOSAVE}-{story_id}"[:MAX_NAME_LENGTH].rstrip(".")


class SlotNameError(SaveError):
    """A save name that is not allowed (the player's or the command line's to fix)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="save-name")


def check_slot_name(name: str) -> str:
    """Return ``name`` if it can name a save, or raise ``SlotNameError`` saying why not."""
    reason = _name_problem(name)
    if reason is not None:
        shown = repr(name) if len(name) <= 24 else repr(name[:24]) + "…"
        raise SlotNameError(f"{shown} cannot name a save: {reason}; {NAME_RULE}")
    return name


def _name_problem(name: str) -> str | None:
    if not name:
        return "the name is empty"
    if len(name) > MAX_NAME_LENGTH:
        return f"it is {len(name)} characters long"
    separator = next((c for c in name if c in "/\\"), None)
    if separator is not None:
        return f"it contains '{separator}', and a save name is a name, not a path"
    if ".." in name:
        return "it contains '..'"
    if name.startswith("."):
        return "it starts with '.', which hides a file"
    if not _NAME.fullmatch(name):
        bad = next((c for c in name[1:] if not _NAME.fullmatch("a" + c)), name[0])
        return f"it contains {bad!r}"
    if name[-1] in ". ":
        return "it ends with a dot or a space"
    if name.partition(".")[0].rstrip(" ").lower() in _DEVICE_NAMES:
        return "it is a reserved device name on Windows"
    return None


@dataclass(frozen=True, slots=True)
class LoadedSave:
    save: SaveGame
    path: Path
    """The file it came from: the slot's file, or its backup."""
    notices: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SlotEntry:
    """One slot as a listing shows it: its header, or why it cannot be read."""

    name: str
    path: Path
    header: SaveHeader | None
    problem: str | None = None
    from_backup: bool = False


class SaveFolder:
    """The saves in one folder; the folder is created when first written to."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def file_of(self, slot: str) -> Path:
        return self.path / f"{check_slot_name(slot)}{SUFFIX}"

    def write(self, slot: str, save: SaveGame) -> tuple[str, ...]:
        """Save ``save`` in ``slot``, keeping the previous save as its backup.

        Returns notices for the player (a damaged save that was set aside).

        Raises:
            SaveError: the folder or file could not be written; the old save is intact.
        """
        path = self.file_of(slot)
        data = encode(save).encode("utf-8")
        self._create_folder()
        notices = self._keep_previous(path)
        try:
            write_atomically(path, data)
        except OSError as error:
            raise SaveError(f"could not write {path}: {_why(error)}; the previous save "
                            "is unchanged", code="save-write") from None
        return notices

    def _create_folder(self) -> None:
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise SaveError(f"cannot create the saves folder {self.path}: a file of that name "
                            "is in the way", code="save-folder") from None
        except OSError as error:
            raise SaveError(f"cannot create the saves folder {self.path}: {_why(error)}",
                            code="save-folder") from None

    def _keep_previous(self, path: Path) -> tuple[str, ...]:
        try:
            old = path.read_bytes()
        except FileNotFoundError:
            return ()
        except OSError as error:
            raise SaveError(f"cannot read {path} to keep it as a backup: {_why(error)}; "
                            "nothing was written", code="save-write") from None
        try:
            verify(old, source=str(path))
        except SaveError as problem:
            return (self._set_aside(path, problem),)
        try:
            write_atomically(_backup_of(path), old)
        except OSError as error:
            raise SaveError(f"could not keep the previous save as {_backup_of(path)}: "
                            f"{_why(error)}; nothing was written", code="save-write") from None
        return ()

    def _set_aside(self, path: Path, problem: SaveError) -> str:
        aside = path.with_name(path.name + DAMAGED_SUFFIX)
        number = 1
        while aside.exists():
            number += 1
            aside = path.with_name(f"{path.name}{DAMAGED_SUFFIX}-{number}")
        try:
            os.replace(path, aside)
        except OSError as error:
            raise SaveError(f"{problem}; it could not be set aside ({_why(error)}), so it "
                            "was not written over: save under another name",
                            code="save-write") from None
        return f"{problem}. It is kept as {aside.name}; the new save takes its place."

    def read(self, slot: str) -> LoadedSave:
        """Read a slot, falling back to its backup when the save itself is damaged or gone.

        Raises:
            SaveError: no such slot, or neither the save nor its backup can be read.
        """
        path = self.file_of(slot)
        problem = None
        try:
            decoded = decode(path.read_bytes(), source=str(path))
        except FileNotFoundError:
            pass
        except OSError as error:
            problem = SaveError(f"{path}: cannot read it: {_why(error)}", code="save-unreadable")
        except SaveError as error:
            problem = error
        else:
            return LoadedSave(decoded.save, path, decoded.notices)
        return self._read_backup(slot, path, problem)

    def _read_backup(self, slot: str, path: Path, problem: SaveError | None) -> LoadedSave:
        backup = _backup_of(path)
        if not backup.is_file():
            if problem is not None:
                raise problem
            raise SaveError(f"there is no save named '{slot}' in {self.path}"
                            f"{self._did_you_mean(slot)}", code="save-missing")
        try:
            decoded: Decoded = decode(backup.read_bytes(), source=str(backup))
        except (OSError, SaveError) as error:
            reason = _why(error) if isinstance(error, OSError) else str(error)
            first = problem or f"{path} is missing"
            code = problem.code if problem else "save-missing"
            raise SaveError(f"{first}\nIts backup cannot be read either: {reason}",
                            code=code) from None
        when = decoded.save.header.saved_at.astimezone().strftime("%Y-%m-%d %H:%M")
        first = problem or f"{path} is missing"
        notice = f"{first}. Loaded its backup, {backup.name}, saved {when}."
        return LoadedSave(decoded.save, backup, (notice, *decoded.notices))

    def _did_you_mean(self, slot: str) -> str:
        names = self.slot_names()
        if not names:
            return " (there are no saves there yet)"
        import difflib  # only when a slot is missing: play starts without it

        close = difflib.get_close_matches(slot, names, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'? " if close else ""
        return f" ({hint}saves: {', '.join(names)})"

    def delete(self, slot: str) -> list[Path]:
        """Delete a slot and its backup; return the files removed."""
        path = self.file_of(slot)
        removed = []
        for candidate in (path, _backup_of(path)):
            try:
                candidate.unlink()
            except FileNotFoundError:
                continue
            except OSError as error:
                raise SaveError(f"cannot delete {candidate}: {_why(error)}",
                                code="save-delete") from None
            removed.append(candidate)
        if not removed:
            raise SaveError(f"there is no save named '{slot}' in {self.path}"
                            f"{self._did_you_mean(slot)}", code="save-missing")
        return removed

    def slot_names(self) -> list[str]:
        """The names of the slots in the folder, sorted (for listings and completion)."""
        try:
            files = [entry.name for entry in os.scandir(self.path) if entry.is_file()]
        except OSError:
            return []
        names = set()
        for file in files:
            stem = file.removesuffix(BACKUP_SUFFIX)
            if stem.endswith(SUFFIX) and _name_problem(stem[:-len(SUFFIX)]) is None:
                names.add(stem[:-len(SUFFIX)])
        return sorted(names, key=str.lower)

    def entries(self) -> list[SlotEntry]:
        """Every slot with its header, the most recently saved first, unreadable ones last."""
        found = [self._entry(name) for name in self.slot_names()]
        readable = [(e.header.saved_at, e) for e in found if e.header is not None]
        readable.sort(key=lambda pair: pair[0], reverse=True)
        return [e for _when, e in readable] + [e for e in found if e.header is None]

    def backup_entry(self, slot: str) -> SlotEntry | None:
        """The slot's backup as a listing shows it, or None if it has none."""
        backup = _backup_of(self.file_of(slot))
        if not backup.is_file():
            return None
        entry = self._entry(slot, candidates=(backup,))
        return SlotEntry(slot, backup, entry.header, entry.problem, from_backup=True)

    def _entry(self, slot: str, *, candidates: tuple[Path, ...] = ()) -> SlotEntry:
        path = self.file_of(slot)
        problem = None
        for candidate in candidates or (path, _backup_of(path)):
            try:
                header, _notices = decode_header(candidate.read_bytes(), source=str(candidate))
            except FileNotFoundError:
                continue
            except OSError as error:
                problem = problem or f"{candidate}: cannot read it: {_why(error)}"
                continue
            except SaveError as error:
                problem = problem or str(error)
                continue
            return SlotEntry(slot, candidate, header, problem, candidate != path)
        return SlotEntry(slot, path, None, problem or f"{path} is missing")

    def latest(self, story_id: str) -> str | None:
        """The slot saved most recently for the story ``story_id``, if any."""
        for entry in self.entries():
            if entry.header is not None and entry.header.story.id == story_id:
                return entry.name
        return None


def _backup_of(path: Path) -> Path:
    return path.with_name(path.name + BACKUP_SUFFIX)


def _why(error: OSError) -> str:
    return error.strerror or str(error)


def write_atomically(path: Path, data: bytes) -> None:
    """Put ``data`` in ``path`` so that ``path`` holds either its old bytes or all the new.

    Raises:
        OSError: nothing was replaced (unless the error came after the rename).
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".tmp")
    try:
        try:
            _write_all(handle, data)
            os.fsync(handle)
        finally:
            os.close(handle)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    _sync_folder(path.parent)


def _write_all(handle: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(handle, view)
        view = view[written:]


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable. Some systems cannot open or sync a folder (Windows,
    some network filesystems); the rename has happened either way, so that is no error."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
