"""Lean commands: each imports only the machinery it runs, and the options a command
describes without importing its machinery stay in step with that machinery."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from palace.cli import graph
from palace.graph import GroupBy


ROOT = Path(__file__).resolve().parent.parent
TINY = Path(__file__).parent / "stories" / "tiny"


def test_graph_groups_are_the_graph_modules_own():
    assert tuple(group.value for group in GroupBy) == graph.GROUPS
    assert graph.GROUPS[0] == GroupBy.LOCATION.value


def imported_after(*arguments: str) -> set[str]:
    """The modules of Palace and its dependencies loaded by running ``palace ARGUMENTS``."""
    code = ("import sys; from palace.cli import main;"
            f"main({list(arguments)!r});"
            "print(' '.join(sorted(sys.modules)), file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, check=False)
    return set(result.stderr.split())


@pytest.mark.parametrize("arguments", [("check", str(TINY)), ("cache",),
                                       ("saves", "list")], ids=["check", "cache", "saves"])
def test_commands_that_do_not_play_never_import_the_game(arguments):
    loaded = imported_after(*arguments)
    assert "palace.cli" in loaded
    assert not loaded & {"palace.session", "palace.keeper", "prompt_toolkit"}


def test_the_cache_command_reads_no_yaml():
    loaded = imported_after("cache")
    assert not loaded & {"yaml", "palace.loader", "palace.checks", "palace.playtest"}
