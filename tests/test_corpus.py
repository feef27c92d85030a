"""The corpus of bad stories: every case under tests/corpus is a story folder with an
``expect.txt`` beside its files, holding exactly what loading it must report (paths
relative to the case folder), after ``#`` lines that say what the case is.

Cases that cannot live in the repository (a 50 MB file, a link loop, a named pipe,
files without permissions) are folders holding the good part of the story and the
expectation; the test copies the folder and makes the hostile part with the function
named after it in ``MAKERS``. Run as root, who reads through any permission, the
locked cases are refused the way the system refuses anyone else.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from palace.cli import main
from palace.errors import StoryError
from palace.loader import load_story


CORPUS = Path(__file__).parent / "corpus"
EXPECT = "expect.txt"
RUNNING_AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _binary(case: Path) -> Path:
    (case / "image.yaml").write_bytes(bytes(range(256)) * 4)
    return case


def _huge(case: Path) -> Path:
    with (case / "huge.yaml").open("wb") as handle:
        handle.truncate(50 * 2**20)  # a sparse file: 50 MB long, written in an instant
    return case


def _nested_flow(case: Path) -> Path:
    (case / "deep.yaml").write_text("scenes: " + "[" * 10_000 + "]" * 10_000 + "\n")
    return case


def _nested_block(case: Path) -> Path:
    (case / "deep.yaml").write_text("scenes:\n" + "- " * 10_000 + "gate\n")
    return case


def _nested_indented(case: Path) -> Path:
    lines = ["scenes:"] + [" " * level + f"level{level}:" for level in range(1, 301)]
    (case / "deep.yaml").write_text("\n".join(lines) + " end\n")
    return case


def _missing(case: Path) -> Path:
    return case / "nowhere"


def _a_file(case: Path) -> Path:
    return case / "story.yaml"


def _symlink_loop(case: Path) -> Path:
    (case / "loop.yaml").symlink_to("loop.yaml")
    (case / "again").symlink_to(".", target_is_directory=True)
    return case


def _dangling(case: Path) -> Path:
    (case / "moved.yaml").symlink_to("gone.yaml")
    return case


def _named_pipe(case: Path) -> Path:
    os.mkfifo(case / "scenes2.yaml")
    return case


def _device(case: Path) -> Path:
    (case / "zero.yaml").symlink_to("/dev/zero")
    return case


def _unreadable_file(case: Path) -> Path:
    (case / "scenes.yaml").chmod(0)
    return case


def _unreadable_folder(case: Path) -> Path:
    (case / "act2").mkdir()
    (case / "act2" / "more.yaml").write_text("scenes: []\n")
    (case / "act2").chmod(0)
    return case


MAKERS: dict[str, Callable[[Path], Path]] = {
    "binary_file": _binary, "huge_file": _huge, "nested_10000_flow": _nested_flow,
    "nested_10000_block": _nested_block, "nested_300_indented": _nested_indented,
    "story_folder_missing": _missing, "story_folder_is_a_file": _a_file,
    "symlink_loop": _symlink_loop, "dangling_symlink": _dangling, "named_pipe": _named_pipe,
    "device_file": _device, "unreadable_file": _unreadable_file,
    "unreadable_folder": _unreadable_folder,
}
NEEDS_A_USER = {"unreadable_file", "unreadable_folder"}
"""Permissions do not stop root (who runs CI): for root, ``refuse_like_a_user`` makes the
files and folders these cases lock refuse to be read, as they would for anyone else."""


def refuse_like_a_user(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = {str(path) for path in case.rglob("*")
              if not path.is_symlink() and stat.S_IMODE(path.stat().st_mode) == 0}

    def denied(path: object) -> OSError:
        return PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))

    open_file, scan = os.open, os.scandir

    def guarded_open(path: object, *args: object, **kwargs: object) -> object:
        if os.fspath(path) in locked:
            raise denied(path)
        return open_file(path, *args, **kwargs)

    def guarded_scandir(path: object = ".") -> object:
        if os.fspath(path) in locked:
            raise denied(path)
        return scan(path)

    monkeypatch.setattr(os, "open", guarded_open)
    monkeypatch.setattr(os, "scandir", guarded_scandir)

CASES = sorted(path.name for path in CORPUS.iterdir() if (path / EXPECT).is_file())


def expectation(name: str) -> str:
    lines = (CORPUS / name / EXPECT).read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("#"))


def prepare(name: str, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A copy of the case folder, made hostile; returns it and the folder to load."""
    case = tmp_path / name
    shutil.copytree(CORPUS / name, case, symlinks=True)
    (case / EXPECT).unlink()
    maker = MAKERS.get(name)
    folder = maker(case) if maker else case
    if name in NEEDS_A_USER and RUNNING_AS_ROOT:
        refuse_like_a_user(case, monkeypatch)
    return case, folder


def relative(text: str, case: Path) -> str:
    return text.replace(f"{case}{os.sep}", "").replace(str(case), ".")


def outcome(folder: Path, case: Path) -> str:
    """What loading ``folder`` reports, as the corpus writes it."""
    try:
        story = load_story(folder)
    except StoryError as error:
        assert error.diagnostics and all(d.message for d in error.diagnostics)
        return relative(error.render(), case)
    return f"loaded: {story.id}, scenes {', '.join(sorted(story.scenes))}"


@pytest.fixture
def restore_permissions(tmp_path):
    yield
    for path in tmp_path.rglob("*"):
        if not path.is_symlink():
            path.chmod(0o700)


@pytest.mark.parametrize("name", CASES)
def test_the_loader_reports_exactly_what_the_corpus_expects(name, tmp_path, monkeypatch,
                                                              restore_permissions):
    case, folder = prepare(name, tmp_path, monkeypatch)
    assert outcome(folder, case) == expectation(name)


@pytest.mark.parametrize("name", [n for n in CASES if not expectation(n).startswith("loaded")])
def test_palace_check_prints_the_same_and_exits_1(name, tmp_path, capsys, monkeypatch,
                                                   restore_permissions):
    case, folder = prepare(name, tmp_path, monkeypatch)
    assert main(["check", str(folder)]) == 1
    printed = capsys.readouterr()
    assert relative(printed.out, case).rstrip("\n") == expectation(name)
    assert printed.err == ""


def test_every_maker_has_its_case():
    assert set(MAKERS) <= set(CASES)


def _composer_refusing(monkeypatch: pytest.MonkeyPatch, marker: str) -> None:
    original = yaml.compose

    def compose(text: str, **options: object) -> object:
        assert marker not in text, "the hostile file reached the composer"
        return original(text, **options)

    monkeypatch.setattr(yaml, "compose", compose)


def test_an_alias_bomb_is_refused_before_anything_is_composed(tmp_path, monkeypatch,
                                                              restore_permissions):
    """The refusal comes from a scan of the parser's events: the bomb is never built,
    so it costs neither time nor memory whatever its size."""
    _composer_refusing(monkeypatch, "*a")
    case, folder = prepare("alias_bomb", tmp_path, monkeypatch)
    assert outcome(folder, case) == expectation("alias_bomb")


def test_deep_nesting_is_refused_before_anything_is_composed(tmp_path, monkeypatch,
                                                             restore_permissions):
    """PyYAML's C composer recurses once per level and crashes the process at about
    100,000; the guard must refuse the file before the composer sees it."""
    _composer_refusing(monkeypatch, "[[[[")
    case, folder = prepare("nested_10000_flow", tmp_path, monkeypatch)
    assert outcome(folder, case) == expectation("nested_10000_flow")
