"""Save files: named slots in a folder, written so that no crash, full disk or Ctrl-C
ever leaves a broken save, or none.

A saves folder holds, for a slot ``NAME``::

    NAME.json            the save
    NAME.json.bak        the save it replaced: the previous good one
    NAME.json.damaged    a damaged save found where a new one was to go, set aside
    .NAME.json.*.tmp     a save being written (left behind only by a crash; ignored)

Writing a slot: (1) if ``NAME.json`` is an intact save it is copied to
``NAME.json.bak``, and if it is damaged it is renamed aside, never written over;
(2) the new save is written with ``atomicfile``: to a temporary file, then put over
``NAME.json`` in one atomic step. At every instant ``NAME.json`` is the old save or
the new one, and two processes saving the same slot at once never mix their bytes.
Which names a slot may have is ``slotnames``' business.

Rule: the only module that touches save files. Errors are ``SaveError``s that
name the file and say what to do.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from palace.atomicfile import write_atomically
from palace.errors import SaveError
from palace.saveformat import Decoded, decode, decode_header, encode, verify
from palace.savegame import SaveGame, SaveHeader
from palace.slotnames import check_slot_name, name_problem


SUFFIX = ".json"
BACKUP_SUFFIX = ".bak"
DAMAGED_SUFFIX = ".damaged"


@dataclass(frozen=True, slots=True)
class LoadedSave:
    """A save read from a slot, and what the player should be told about reading it."""

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
            if stem.endswith(SUFFIX) and name_problem(stem[:-len(SUFFIX)]) is None:
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
