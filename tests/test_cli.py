"""The palace command: plain play through stdin, --input, exit codes and messages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from palace.cli import main


ROOT = Path(__file__).resolve().parent.parent
TINY = Path(__file__).parent / "stories" / "tiny"


def run_palace(*arguments: str, answers: str = "", cwd: Path | None = None,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "PALACE_DEBUG"}
    environment.update({"PYTHONPATH": str(ROOT / "src"), **(env or {})})
    return subprocess.run([sys.executable, "-m", "palace", *arguments], input=answers,
                          capture_output=True, text=True, timeout=60, cwd=cwd,
                          env=environment, check=False)


class TestPlainPlay:
    def test_piped_answers_play_and_are_echoed(self):
        result = run_palace("--story", str(TINY), answers="1\n1\n2\n1\n")
        assert result.returncode == 0
        assert "> 1\n" in result.stdout
        assert "THE END: It is over" in result.stdout
        assert "\x1b" not in result.stdout
        assert result.stderr == ""

    def test_input_file_prints_the_transcript(self, tmp_path):
        answers = tmp_path / "walk.txt"
        answers.write_text("2\n1\n")
        result = run_palace("play", "--story", str(TINY), "--input", str(answers))
        assert result.returncode == 0
        assert "> 2\n\nTHE GREAT HALL" in result.stdout
        assert "THE END: Surrender" in result.stdout

    def test_plain_mode_never_imports_prompt_toolkit(self):
        code = ("import sys, io; sys.stdin = io.StringIO('1\\n'); from palace.cli import main;"
                f"main(['--plain', '--story', {str(TINY)!r}]);"
                "print('prompt_toolkit' in sys.modules, file=sys.stderr)")
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
                                check=False)
        assert result.stderr.strip() == "False"

    def test_role_option_skips_the_question(self):
        result = run_palace("--story", str(TINY), "--role", "cadet", answers="1\n")
        assert "Who are you tonight?" not in result.stdout
        assert "THE END: Surrender" in result.stdout


class TestTranscriptOption:
    def test_transcript_option_appends_the_whole_game(self, tmp_path):
        path = tmp_path / "night.txt"
        result = run_palace("--story", str(TINY), "--transcript", str(path),
                            answers="1\n1\n2\n1\n")
        assert result.returncode == 0
        written = path.read_text(encoding="utf-8")
        assert "> 2\n\nTHE GREAT HALL" in written
        assert "THE END: It is over" in written
        assert written.rstrip().endswith("[transcript ended]")

    def test_a_transcript_that_cannot_be_written_does_not_stop_the_game(self, tmp_path):
        result = run_palace("--story", str(TINY), "--transcript", str(tmp_path),
                            answers="2\n1\n")
        assert result.returncode == 0
        assert "Cannot write a transcript to" in result.stdout
        assert "THE END: Surrender" in result.stdout


class TestTheme:
    def test_unknown_theme_option_is_a_usage_error(self):
        result = run_palace("--story", str(TINY), "--theme", "sepia")
        assert result.returncode == 2
        assert "invalid choice: 'sepia'" in result.stderr

    def test_theme_comes_from_the_option_then_the_variable_then_dark(self, monkeypatch):
        from palace.cli.play import chosen_theme

        monkeypatch.setenv("PALACE_THEME", "light")
        assert (chosen_theme("dark"), chosen_theme(None)) == ("dark", "light")
        monkeypatch.delenv("PALACE_THEME")
        assert chosen_theme(None) == "dark"

    def test_unknown_theme_in_the_variable_is_reported_and_passed_over(self, monkeypatch,
                                                                        capsys):
        from palace.cli.play import chosen_theme

        monkeypatch.setenv("PALACE_THEME", "Sepia")
        assert chosen_theme(None) == "dark"
        assert capsys.readouterr().err == ("palace: PALACE_THEME is 'sepia', which is not a "
                                           "theme (dark, light); using dark\n")


class TestExitCodes:
    def test_broken_story_reports_every_error_without_a_traceback(self, tmp_path):
        story = tmp_path / "story"
        shutil.copytree(TINY, story)
        scenes = story / "scenes.yaml"
        scenes.write_text(scenes.read_text().replace("to: hall\n", "to: hal\n", 1)
                          .replace("if: has_rifle", "if: has_rilfe"))
        result = run_palace("--story", str(story))
        assert result.returncode == 1
        assert f"{scenes}:24:13: error: bad condition" in result.stderr
        assert "unknown scene 'hal' (did you mean 'hall'?)" in result.stderr
        assert result.stderr.rstrip().endswith("2 errors: the story was not loaded.")
        assert "Traceback" not in result.stderr

    def test_missing_story_folder(self, tmp_path):
        result = run_palace("--story", str(tmp_path / "none"))
        assert result.returncode == 1
        assert "does not exist" in result.stderr

    def test_unknown_role_is_a_usage_error(self):
        result = run_palace("--story", str(TINY), "--role", "sailor")
        assert result.returncode == 2
        assert "unknown role 'sailor'; choose one of: guard, cadet" in result.stderr

    def test_missing_input_file_is_a_usage_error(self, tmp_path):
        result = run_palace("play", "--story", str(TINY), "--input", str(tmp_path / "no.txt"))
        assert result.returncode == 2
        assert "cannot read" in result.stderr

    def test_unknown_command_is_a_usage_error(self):
        assert run_palace("dance").returncode == 2

    def test_debug_shows_the_traceback(self, tmp_path):
        result = run_palace("--story", str(tmp_path), env={"PALACE_DEBUG": "1"})
        assert "Traceback" in result.stderr


def test_ctrl_c_while_python_imports_palace_is_an_interrupt_not_a_traceback():
    """The script's entry point imports the command line inside its own guard."""
    code = ("import sys\n"
            "class Interrupting:\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if name == 'palace.cli':\n"
            "            raise KeyboardInterrupt\n"
            "sys.meta_path.insert(0, Interrupting())\n"
            "from palace.__main__ import main\n"
            "sys.exit(main())\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, check=False)
    assert result.returncode == 130
    assert result.stderr == "palace: interrupted\n"


def test_the_script_and_python_m_run_the_same_entry_point():
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"palace": "palace.__main__:main"}
    assert run_palace("--version").stdout.startswith("palace ")


def test_main_returns_the_exit_code_instead_of_exiting(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("palace ")


def test_no_color_plays_plain(monkeypatch):
    from palace.cli.play import wants_plain

    monkeypatch.setenv("NO_COLOR", "1")
    assert wants_plain(False)


def test_engine_and_model_import_neither_yaml_nor_prompt_toolkit():
    code = ("import sys; import palace.engine, palace.model, palace.state, palace.expr, "
            "palace.text, palace.debrief, palace.layout, palace.session, palace.clock, "
            "palace.maps, palace.timeline, palace.glyphs, palace.theme, palace.transcript;"
            "print(sorted(m for m in ('yaml', 'prompt_toolkit') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to list the tracked files")
def test_installed_wheel_finds_the_shipped_story_from_any_folder(tmp_path):
    """A non-editable install carries the story inside the package."""
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(wheels), str(ROOT)], check=True, capture_output=True)
    target = tmp_path / "site"
    wheel = next(wheels.glob("palace-*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True, capture_output=True)
    assert (target / "palace" / "story" / "story.yaml").is_file()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = "from palace.resources import shipped_story; print(shipped_story())"
    result = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": str(target)}, check=True)
    assert Path(result.stdout.strip()) == target / "palace" / "story"
