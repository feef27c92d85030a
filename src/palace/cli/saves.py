"""``palace saves``: list the saved games, show one, or delete one.

Also where every command finds the saves folder: ``--saves DIR``, else the
``PALACE_SAVES`` environment variable, else ``saves/`` in the current folder.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING


# The save machinery is imported where it is used: every command builds this module's
# options, and only some of them touch a save.
if TYPE_CHECKING:
    from palace.savefiles import LoadedSave, SaveFolder, SlotEntry


NAME = "saves"
HELP = "list your saved games; 'show SLOT' or 'delete SLOT' for one"

SAVES_ENV = "PALACE_SAVES"
DEFAULT_FOLDER = Path("saves")


def saves_folder(option: Path | None) -> Path:
    """The folder saves live in: the option, the environment, or ``saves/`` here."""
    if option is not None:
        return option
    configured = os.environ.get(SAVES_ENV)
    return Path(configured).expanduser() if configured else DEFAULT_FOLDER


def add_saves_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--saves", metavar="DIR", type=Path,
                        help=f"the folder saves live in (default: ${SAVES_ENV}, or "
                             f"{DEFAULT_FOLDER}/ in the current folder)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", choices=("list", "show", "delete"), default="list",
                        help="list (the default), show or delete")
    parser.add_argument("slot", nargs="?", metavar="SLOT", help="the save to show or delete")
    add_saves_option(parser)


def run(options: argparse.Namespace) -> int:
    from palace.cli import usage_error
    from palace.savefiles import SaveFolder
    from palace.slotnames import AUTOSAVE, SlotNameError, check_slot_name

    folder = SaveFolder(saves_folder(options.saves))
    action, slot = options.action, options.slot
    if action == "list":
        if slot is not None:
            return usage_error(f"'palace saves list' takes no save name; to see one, use "
                               f"'palace saves show {slot}'")
        return list_saves(folder)
    if slot is None:
        return usage_error(f"'palace saves {action}' needs the name of a save: "
                           f"palace saves {action} SLOT")
    try:
        check_slot_name(slot)
    except SlotNameError as error:
        return usage_error(str(error))
    if slot == AUTOSAVE and slot not in folder.slot_names():
        autosaves = [name for name in folder.slot_names() if name.startswith(f"{AUTOSAVE}-")]
        if len(autosaves) > 1:
            return usage_error(f"there is an autosave for each story played here: "
                               f"{', '.join(autosaves)}; name the one to {action}")
        slot = autosaves[0] if autosaves else slot  # in play, 'autosave' is the story's
    if action == "show":
        return show_save(folder, slot)
    removed = folder.delete(slot)
    print(f"Deleted the save '{slot}': {', '.join(str(path) for path in removed)}")
    return 0


def list_saves(folder: SaveFolder) -> int:
    from palace.savetable import saves_table

    entries = folder.entries()
    if not entries:
        print(f"No saves in {folder.path}.")
        return 0
    for line in saves_table(entries):
        print(line)
    return 0


def show_save(folder: SaveFolder, slot: str) -> int:
    loaded = folder.read(slot)
    for line in describe(slot, loaded, folder.backup_entry(slot)):
        print(line)
    return 0


def describe(slot: str, loaded: LoadedSave, backup: SlotEntry | None) -> list[str]:
    """The lines ``palace saves show`` prints for one save."""
    from palace.savetable import saved_when
    from palace.statecodec import state_to_json

    save = loaded.save
    header, state = save.header, save.state
    story = header.story
    variables = state_to_json(state)["variables"]
    shown = ", ".join(f"{name} = {_json_word(value)}" for name, value in variables.items())
    documents = ", ".join(f"{d}{' (read)' if d in state.read else ''}" for d in state.documents)
    rows = [
        ("story", f"{story.title} ({story.id}), version {story.version}"),
        ("role", f"{header.summary.role} ({state.role})"),
        ("scene", f"{header.summary.scene} ({state.scene})"),
        ("clock", header.summary.clock),
        ("saved", saved_when(header.saved_at)),
        ("undo", f"{len(save.undo)} step{'' if len(save.undo) == 1 else 's'} back"),
        ("variables", shown or "none"),
        ("documents", documents or "none"),
        ("backup", _backup_line(backup)),
    ]
    lines = [f"Save '{slot}': {loaded.path}"]
    lines += [f"  {label:<10} {value}" for label, value in rows]
    lines += [f"  note: {notice}" for notice in loaded.notices]
    return lines


def _backup_line(backup: SlotEntry | None) -> str:
    from palace.savetable import saved_when

    if backup is None:
        return "none"
    if backup.header is None:
        return f"{backup.path}: {backup.problem}"
    return f"{backup.path}, saved {saved_when(backup.header.saved_at)}"


def _json_word(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)
