"""``palace cache``: where compiled stories are kept, and clearing them.

Also where every command that reads a story finds the cache: off with ``--no-cache``
or ``PALACE_NO_CACHE=1``; in ``PALACE_CACHE_DIR`` when that is set; else in
``$XDG_CACHE_HOME/palace``, else ``~/.cache/palace``.
"""

from __future__ import annotations

import argparse
import gc
import os
from pathlib import Path
from typing import TYPE_CHECKING

from palace.resources import shipped_story


if TYPE_CHECKING:
    from palace.model import Story


NAME = "cache"
HELP = "show where compiled stories are cached; 'clear' deletes them"

CACHE_ENV = "PALACE_CACHE_DIR"
NO_CACHE_ENV = "PALACE_NO_CACHE"


def cache_folder(*, no_cache: bool = False) -> Path | None:
    """The folder compiled stories are cached in, or None when caching is off."""
    if no_cache or os.environ.get(NO_CACHE_ENV, "") not in ("", "0"):
        return None
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "palace"


def add_cache_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-cache", action="store_true",
                        help=f"read the story's YAML, without the compiled story cache "
                             f"(also ${NO_CACHE_ENV}=1)")


def load_chosen_story(folder: Path | None, *, no_cache: bool = False,
                      whole: bool = False) -> Story:
    """The story in ``folder`` (the shipped story if None), through the cache unless it
    is turned off; ``whole`` decodes every scene at once, for the tools that walk them
    all (a player's game decodes each scene when it is first shown)."""
    from palace.cachedstory import decode_all
    from palace.collector import collector_paused
    from palace.storycache import load_story_cached

    with collector_paused():
        story = load_story_cached(folder if folder is not None else shipped_story(),
                                  cache_dir=cache_folder(no_cache=no_cache))
        if whole:
            decode_all(story)
        # The story lives as long as the command and holds no cycles: set apart from the
        # collector before it runs again, its objects are not walked by the collection
        # the next allocation would start, nor by each full one after (a quarter of a
        # 10,000-scene playtest's time).
        gc.freeze()
    return story


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", choices=("show", "clear"), default="show",
                        help="show where the cache is (the default), or clear it")


def run(options: argparse.Namespace) -> int:
    from palace.storycache import SUFFIX

    folder = cache_folder()
    if folder is None:
        print(f"The compiled story cache is off (${NO_CACHE_ENV} is set).")
        return 0
    files = sorted(folder.glob(f"*{SUFFIX}")) if folder.is_dir() else []
    if options.action == "clear":
        # Only Palace's own files: the folder may be one the player shares with others.
        leftovers = list(folder.glob(f"*{SUFFIX}*.tmp")) if folder.is_dir() else []
        for path in files + leftovers:
            path.unlink(missing_ok=True)
        print(f"Cleared {_stories(len(files))} from {folder}.")
        return 0
    size = sum(path.stat().st_size for path in files)
    print(f"Compiled stories are cached in {folder}: {_stories(len(files))}, "
          f"{size / 2**20:.1f} MB. 'palace cache clear' deletes them.")
    return 0


def _stories(count: int) -> str:
    return f"{count} stor{'y' if count == 1 else 'ies'}"
