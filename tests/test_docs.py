"""The authoring guide's own story and outputs are real: built from the guide, run, compared."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from palace.cli import main


ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
BOAT_CHOICE = """\
      - text: Row across in the fisherman's boat.
        to: far_bank
        if: has_boat
"""
FAR_BANK = """\
  - id: far_bank
    title: The far bank
    location: embankment
    text: You step out under the palace wall.
    choices:
      - text: Climb the steps.
        to: bridge
"""


def guide_files() -> dict[str, str]:
    """Every YAML block of the guide that starts with a ``# folder/file.yaml`` comment."""
    blocks = re.findall(r"```yaml\n# (\S+)\n(.*?)```", GUIDE, flags=re.DOTALL)
    return dict(blocks)


@pytest.fixture
def bridge(tmp_path, monkeypatch) -> Path:
    """The guide's starter story, written out in a fresh folder that is the working one."""
    for name, text in guide_files().items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return Path("bridge")


def test_the_guide_gives_a_whole_story(bridge):
    assert sorted(guide_files()) == ["bridge/scenes.yaml", "bridge/story.yaml"]


def test_the_starter_story_checks_clean_and_its_test_output_is_the_guides(bridge, capsys):
    assert main(["check", str(bridge), "--strict"]) == 0
    assert capsys.readouterr().out == "No problems found.\n"
    assert main(["test", str(bridge)]) == 0
    assert capsys.readouterr().out in GUIDE
    assert main(["test", str(bridge), "--exhaustive"]) == 0
    assert capsys.readouterr().out.splitlines()[0] in GUIDE


def test_the_boat_findings_are_the_guides(bridge, capsys):
    assert BOAT_CHOICE in GUIDE and FAR_BANK in GUIDE
    scenes = bridge / "scenes.yaml"
    text = scenes.read_text().replace("        to: the_ship\n",
                                      "        to: the_ship\n" + BOAT_CHOICE)
    scenes.write_text(text + FAR_BANK)
    manifest = bridge / "story.yaml"
    manifest.write_text(manifest.read_text().replace("  has_pass: false\n",
                                                     "  has_pass: false\n  has_boat: false\n"))
    assert main(["check", str(bridge)]) == 0
    assert "$ palace check bridge\n" + capsys.readouterr().out in GUIDE
