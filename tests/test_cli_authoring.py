"""palace check, graph and test on the command line: output, formats and exit codes."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from palace.cli import main
from palace.cli.test import ProgressBar


STORIES = Path(__file__).parent / "stories"
WALKTHROUGHS = Path(__file__).parent / "walkthroughs" / "tiny"


def story(name: str) -> str:
    return str(STORIES / name)


class TestCheck:
    def test_prints_findings_like_a_compiler_and_a_summary(self, capsys):
        assert main(["check", story("impossible_condition")]) == 0
        out = capsys.readouterr().out.splitlines()
        assert out == [
            f"{story('impossible_condition')}/scenes.yaml:7:13: warning: this passage is never "
            "shown: its condition 'clock < 18:00' never holds (the clock is 18:00 or later "
            "here) [impossible-condition]",
            f"{story('impossible_condition')}/scenes.yaml:10:13: warning: the way on to 'hall' "
            "is never taken: its condition 'role == \"cadet\"' never holds (role is guard) "
            "[impossible-condition]",
            "0 errors, 2 warnings.",
        ]

    def test_errors_fail(self, capsys):
        assert main(["check", story("dead_end")]) == 1
        assert capsys.readouterr().out.endswith("1 error, 1 warning.\n")

    def test_strict_turns_warnings_into_errors(self, capsys):
        assert main(["check", "--strict", story("unset_variable")]) == 1
        out = capsys.readouterr().out
        assert ":9:3: error: variable 'has_key' is read but never set" in out
        assert out.endswith("1 error, 0 warnings.\n")

    def test_a_clean_story(self, capsys):
        assert main(["check", "--strict", story("sound")]) == 0
        assert capsys.readouterr().out == "No problems found.\n"

    def test_loader_errors_come_as_they_are(self, capsys):
        assert main(["check", story("unknown_interpolation")]) == 1
        out = capsys.readouterr().out.splitlines()
        assert out[0].startswith(f"{story('unknown_interpolation')}/scenes.yaml:5:27: error: "
                                 "the text of scene 'yard' shows unknown variable '{courge}'")
        assert out[0].endswith("[undeclared-variable]")
        assert out[1] == "1 error: the story was not loaded."

    def test_json_for_editors_and_ci(self, capsys):
        assert main(["check", "--format", "json", story("clock_backwards")]) == 0
        report = json.loads(capsys.readouterr().out)
        assert report["loaded"] is True
        assert (report["errors"], report["warnings"]) == (0, 2)
        first = report["diagnostics"][0]
        assert first == {
            "file": f"{story('clock_backwards')}/scenes.yaml", "line": 7, "column": 7,
            "severity": "warning", "code": "clock-backwards",
            "message": "'until: 18:30' would move time backwards for guard: on every path "
                       "here the clock is already 19:00 or later, so it never does anything",
        }

    def test_json_of_a_story_that_does_not_load(self, capsys):
        assert main(["check", "--format", "json", "--strict", story("unknown_interpolation")]) == 1
        report = json.loads(capsys.readouterr().out)
        assert report["loaded"] is False
        assert [d["code"] for d in report["diagnostics"]] == ["undeclared-variable"]

    @pytest.mark.parametrize("cache", [[], ["--no-cache"]], ids=["cached", "uncached"])
    def test_a_file_that_cannot_be_read_is_reported_with_the_rest_and_a_note(
            self, tmp_path, capsys, cache):
        folder = tmp_path / "tiny"
        shutil.copytree(STORIES / "tiny", folder)
        (folder / "more.yaml").write_bytes(b"\xff\xfe not UTF-8")
        scenes = folder / "scenes.yaml"
        scenes.write_text(scenes.read_text().replace("to: hall\n", "to: hal\n", 1)
                          .replace("if: has_rifle", "if: has_rifle ="))
        assert main(["check", *cache, str(folder)]) == 1
        out = capsys.readouterr().out.splitlines()
        assert [line.rsplit(" ", 1)[-1] for line in out[:2]] == ["[encoding]",
                                                                 "[bad-condition]"]
        assert out[2:] == [
            "1 reference to an id not declared in the files read was not reported, as 1 file "
            "could not be read and may declare it: fix it and check again.",
            "2 errors: the story was not loaded."]
        assert main(["check", "--format", "json", *cache, str(folder)]) == 1
        report = json.loads(capsys.readouterr().out)
        assert (report["errors"], report["note"]) == (2, out[2])

    def test_usage_error(self, capsys):
        assert main(["check", "--format", "xml", story("sound")]) == 2
        assert "invalid choice: 'xml'" in capsys.readouterr().err


class TestGraph:
    def test_writes_dot_by_default(self, capsys):
        assert main(["graph", story("sound")]) == 0
        assert capsys.readouterr().out.startswith("digraph story {\n")

    def test_mermaid_for_one_role(self, capsys):
        assert main(["graph", story("tiny"), "--format", "mermaid", "--role", "cadet"]) == 0
        out = capsys.readouterr().out
        assert out.startswith("flowchart LR\n")
        assert "n_gate" not in out

    def test_unknown_role_is_a_usage_error(self, capsys):
        assert main(["graph", story("tiny"), "--role", "sailor"]) == 2
        assert "unknown role 'sailor'; choose one of: guard, cadet" in capsys.readouterr().err

    def test_render_needs_graphviz(self, capsys, tmp_path, monkeypatch):
        monkeypatch.setattr(shutil, "which", lambda _name: None)
        assert main(["graph", story("tiny"), "--render", str(tmp_path / "map.svg")]) == 1
        assert "--render needs Graphviz's 'dot', which is not installed" in \
            capsys.readouterr().err

    def test_render_draws_dot_only(self, capsys, tmp_path):
        arguments = ["graph", story("tiny"), "--format", "mermaid", "--render", "m.svg"]
        assert main(arguments) == 2


class TestTest:
    def test_a_planted_stuck_state_fails_with_its_path(self, capsys):
        assert main(["test", story("stuck_state"), "--runs", "50"]) == 1
        out = capsys.readouterr().out
        assert ("  [stuck] stuck in scene 'yard': no choice can be taken and it is not an "
                "ending (25 times)\n"
                "    role guard, after 2 choices: yard.door > ->\n"
                f"    to replay, answer 1 1 to: palace play --story {story('stuck_state')} "
                "--role guard\n") in out
        assert out.endswith("25 failures (1 distinct): the test fails.\n")

    def test_same_seed_same_output(self, capsys):
        arguments = ["test", story("tiny"), "--runs", "40", "--seed", "7",
                     "--strategy", "uniform"]
        main(arguments)
        first = capsys.readouterr().out
        main(arguments)
        assert capsys.readouterr().out == first
        assert first.startswith("40 random playthroughs of A Tiny Night (roles guard, cadet; "
                                "seed 7; uniform choices).\n")

    def test_a_sound_story_passes(self, capsys):
        assert main(["test", story("sound"), "--runs", "100"]) == 0
        out = capsys.readouterr().out
        assert "  scenes                    7/7     100%\n" in out
        assert out.endswith("No failures.\n")

    def test_exhaustive(self, capsys):
        assert main(["test", story("sound"), "--exhaustive"]) == 0
        assert capsys.readouterr().out.startswith(
            "Exhaustive walk of A Sound Night (roles guard, cadet): 22 distinct states, "
            "every state seen.\n")

    def test_exhaustive_proves_a_loop_fails(self, capsys):
        assert main(["test", story("no_ending"), "--exhaustive"]) == 1
        assert "[loop] caught in a loop with no exit at scene 'stairs'" in \
            capsys.readouterr().out

    @pytest.mark.parametrize("arguments", [
        ["--runs", "0"], ["--bless"], ["--role", "sailor"],
        ["--transcripts", "no/such/folder"],
    ])
    def test_usage_errors(self, arguments, capsys):
        assert main(["test", story("tiny"), *arguments]) == 2
        assert capsys.readouterr().err.startswith("palace: ")

    def test_no_progress_bar_when_stderr_is_not_a_terminal(self, capsys):
        main(["test", story("tiny"), "--runs", "300"])
        assert capsys.readouterr().err == ""


class TestTranscripts:
    def test_recorded_walkthroughs_pass(self, capsys):
        assert main(["test", story("tiny"), "--transcripts", str(WALKTHROUGHS)]) == 0
        assert capsys.readouterr().out == ("ok   cadet_surrender\nok   guard_charge\n"
                                           "2 walkthroughs: 2 passed, 0 failed.\n")

    def test_a_change_shows_the_diff_and_fails_until_blessed(self, capsys, tmp_path):
        folder = tmp_path / "story"
        shutil.copytree(STORIES / "tiny", folder)
        scenes = folder / "scenes.yaml"
        scenes.write_text(scenes.read_text().replace("It is over at {clock}.",
                                                     "It is over by {clock}."))
        walkthroughs = tmp_path / "walkthroughs"
        shutil.copytree(WALKTHROUGHS, walkthroughs)
        arguments = ["test", str(folder), "--transcripts", str(walkthroughs)]
        assert main(arguments) == 1
        out = capsys.readouterr().out
        assert "-It is over at 21:40.\n+It is over by 21:40.\n" in out
        assert "FAIL guard_charge: the transcript changed (run with --bless to accept it)" in out
        assert main([*arguments, "--bless"]) == 0
        assert main(arguments) == 0


class TestProgressBar:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    def test_draws_on_a_terminal_and_clears_itself(self):
        stream = self.Terminal()
        bar = ProgressBar(stream, "playthroughs")
        for done in range(1, 201):
            bar(done, 200)
        bar.close()
        text = stream.getvalue()
        assert "\r[###############...............] 100/200 playthroughs" in text
        assert text.count("playthroughs") == 100  # redrawn every 1%, not on every call
        assert text.endswith(" " * len(bar.shown) + "\r")

    def test_silent_elsewhere(self):
        stream = io.StringIO()
        bar = ProgressBar(stream, "states")
        bar(1, 1)
        bar.close()
        assert stream.getvalue() == ""
