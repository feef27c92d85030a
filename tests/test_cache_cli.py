"""The cache on the command line: where it lives, turning it off, clearing it, and a
warm start that reads no YAML."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from palace.cli import main
from palace.cli.cache import cache_folder


ROOT = Path(__file__).resolve().parent.parent
TINY = Path(__file__).parent / "stories" / "tiny"


class TestCacheFolder:
    def test_the_environment_chooses_the_folder(self, monkeypatch, tmp_path):
        monkeypatch.setenv("PALACE_CACHE_DIR", str(tmp_path / "mine"))
        assert cache_folder() == tmp_path / "mine"

    def test_otherwise_the_xdg_cache_folder(self, monkeypatch, tmp_path):
        monkeypatch.delenv("PALACE_CACHE_DIR")
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
        assert cache_folder() == tmp_path / "xdg" / "palace"

    def test_otherwise_the_cache_folder_at_home(self, monkeypatch, tmp_path):
        monkeypatch.delenv("PALACE_CACHE_DIR")
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
        monkeypatch.setenv("HOME", str(tmp_path))
        assert cache_folder() == tmp_path / ".cache" / "palace"

    @pytest.mark.parametrize(("value", "off"), [("1", True), ("yes", True), ("0", False),
                                                 ("", False)])
    def test_palace_no_cache_turns_it_off(self, monkeypatch, value, off):
        monkeypatch.setenv("PALACE_NO_CACHE", value)
        assert (cache_folder() is None) is off

    def test_the_option_turns_it_off(self):
        assert cache_folder(no_cache=True) is None


def _cached(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.cache")) if folder.is_dir() else []


class TestCommands:
    def test_check_caches_the_story_and_no_cache_does_not(self, tmp_path, monkeypatch, capsys):
        monkeypatch.setenv("PALACE_CACHE_DIR", str(tmp_path / "cache"))
        assert main(["check", str(TINY), "--no-cache"]) == 0
        assert _cached(tmp_path / "cache") == []
        assert main(["check", str(TINY)]) == 0
        assert len(_cached(tmp_path / "cache")) == 1
        capsys.readouterr()

    def test_cache_shows_and_clears(self, tmp_path, monkeypatch, capsys):
        folder = tmp_path / "cache"
        monkeypatch.setenv("PALACE_CACHE_DIR", str(folder))
        (folder).mkdir()
        keep = folder / "notes.txt"
        keep.write_text("not Palace's")
        main(["graph", str(TINY)])
        capsys.readouterr()
        assert main(["cache"]) == 0
        assert capsys.readouterr().out.startswith(f"Compiled stories are cached in {folder}: "
                                                  "1 story")
        assert main(["cache", "clear"]) == 0
        assert capsys.readouterr().out == f"Cleared 1 story from {folder}.\n"
        assert _cached(folder) == []
        assert keep.exists()

    def test_cache_says_when_it_is_off(self, monkeypatch, capsys):
        monkeypatch.setenv("PALACE_NO_CACHE", "1")
        assert main(["cache", "clear"]) == 0
        assert "off" in capsys.readouterr().out


def test_a_warm_start_in_plain_mode_reads_no_yaml(tmp_path):
    code = ("import sys, io; sys.stdin = io.StringIO('1\\n'); from palace.cli import main;"
            f"main(['--plain', '--story', {str(TINY)!r}]);"
            "print(sorted(m for m in ('yaml', 'prompt_toolkit', 'palace.loader') "
            "if m in sys.modules), file=sys.stderr)")
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src"),
                   "PALACE_CACHE_DIR": str(tmp_path / "cache")}

    def run() -> str:
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                env=environment, check=True)
        return result.stderr.strip().splitlines()[-1]

    assert run() == "['palace.loader', 'yaml']"
    assert run() == "[]"
