"""The benchmark's own parts, untimed: the synthetic story it measures, how it reads a
program's output, and how it tables figures and judges targets."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from palace.checks import check_story
from palace.loader import load_story
from palace.playtest import run_playtests


BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def bench() -> Iterator[SimpleNamespace]:
    """The bench scripts' modules, imported as ``bench/run.py`` imports them."""
    names = ("generate", "measure", "table")
    sys.path.insert(0, str(BENCH))
    try:
        yield SimpleNamespace(**{name: importlib.import_module(name) for name in names})
    finally:
        sys.path.remove(str(BENCH))
        for name in names:
            sys.modules.pop(name, None)


class TestGeneratedStory:
    def test_it_loads_and_palace_check_finds_nothing(self, bench, tmp_path):
        bench.generate.write_story(tmp_path / "story", 60)
        story = load_story(tmp_path / "story")
        assert len(story.scenes) == 60
        assert check_story(story) == []

    def test_every_random_playthrough_reaches_an_ending(self, bench, tmp_path):
        bench.generate.write_story(tmp_path / "story", 60)
        report = run_playtests(load_story(tmp_path / "story"), runs=50)
        assert report.ok
        assert all(count for _ending, count in report.endings)

    def test_it_is_spread_over_files_and_folders(self, bench, tmp_path):
        bench.generate.write_story(tmp_path / "story", 1050)
        parts = sorted((tmp_path / "story").rglob("part_*.yaml"))
        assert len(parts) == 21
        assert {p.parent.name for p in parts} == {"act_000", "act_001"}

    def test_the_same_seed_writes_the_same_story(self, bench, tmp_path):
        bench.generate.write_story(tmp_path / "a", 30)
        bench.generate.write_story(tmp_path / "b", 30)
        texts = [[p.read_text() for p in sorted(f.rglob("*.yaml"))]
                 for f in (tmp_path / "a", tmp_path / "b")]
        assert texts[0] == texts[1]

    def test_too_few_scenes_are_refused(self, bench, tmp_path):
        with pytest.raises(ValueError, match="at least 22 scenes"):
            bench.generate.write_story(tmp_path / "story", 10)

    def test_a_folder_that_is_not_a_story_is_never_replaced(self, bench, tmp_path):
        (tmp_path / "notes.txt").write_text("mine")
        with pytest.raises(ValueError, match="not replacing it"):
            bench.generate.write_story(tmp_path, 30)
        assert (tmp_path / "notes.txt").read_text() == "mine"


class TestReadingOutput:
    def test_escape_codes_are_dropped_and_redraws_start_lines(self, bench):
        raw = "\x1b[?1h\x1b=\x1b[1;31mTHE NIGHT\x1b[0m\r\n\x1b]2;palace\x07> 1\r> "
        assert bench.measure.visible_text(raw) == "THE NIGHT\n> 1\n> "

    def test_marks_wait_for_the_title_then_the_chosen_prompt(self, bench):
        marks = bench.measure.Marks("The Night", prompt=2)
        marks.update("> before the title does not count\n", 0.1)
        assert marks.seen == {}
        marks.update("> early\nTHE NIGHT\n\nWho are you?\n> ", 0.2)
        assert marks.seen == {"title": 0.2}
        assert not marks.done
        marks.update("> early\nTHE NIGHT\n\nWho are you?\n> 1\nA yard.\n> ", 0.3)
        assert marks.seen == {"title": 0.2, "prompt": 0.3}
        assert marks.done

    def test_a_prompt_is_only_at_the_start_of_a_line(self, bench):
        marks = bench.measure.Marks("title")
        marks.update("TITLE\nsay > this", 0.1)
        assert not marks.done


class TestTable:
    def rows(self, bench, *, prompt: float = 0.12, cold: float = 2.0):
        table = bench.table
        big = table.scenes_label(10_000)
        return [
            table.Row(table.START, table.PLAIN_WARM_PROMPT, table.SHIPPED, prompt,
                    floor="import yaml", floor_value=0.1),
            table.Row(table.LOADING, table.COMPOSE, big, 1.5),
            table.Row(table.LOADING, table.COLD_LOAD, big, cold, floor="compose", floor_value=1.5),
            table.Row(table.LOADING, table.COLD_LOAD, table.scenes_label(1000), cold / 10,
                    floor="compose", floor_value=0.15),
            table.Row(table.LOADING, table.PEAK_MEMORY, big, 250, unit="MB"),
            table.Row(table.TESTING, table.ENGINE, table.SHIPPED, 40_000, unit="steps/s"),
        ]

    def test_rows_are_tabled_by_section_with_their_ratios(self, bench):
        table = bench.table.render_table(self.rows(bench))
        assert table.splitlines()[:4] == [
            "### Start-up", "",
            "| figure | story | median | floor | floor median | ratio |",
            "|---|---|---:|---|---:|---:|"]
        assert ("| warm start to the first choice prompt (plain) | shipped | 120 ms | "
                "import yaml | 100 ms | 1.20 × |") in table
        assert "| peak memory, `palace check` (no cache) | 10,000 scenes | 250 MB |  |  |  |" \
            in table
        assert "| 40,000 steps/s |" in table

    def test_growth_is_shown_per_scene(self, bench):
        growth = bench.table.render_growth(self.rows(bench), [1000, 10_000])
        assert "| cold load (no cache) | 200 | 200 |" in growth

    def test_targets_are_judged_against_their_limits(self, bench):
        targets = bench.table.evaluate_targets(self.rows(bench), largest=10_000)
        met = {t.goal.split(" ≤")[0].split(" ≥")[0].split(" <")[0]: t.met for t in targets}
        assert met == {
            "warm start to the first choice prompt (plain)": True,
            "cold load of 10,000 scenes": False,
            "peak memory for 10,000 scenes": True,
            "the engine": False,
        }
        assert bench.table.render_targets(targets).count("**no**") == 2

    def test_a_target_not_measured_is_left_out(self, bench):
        targets = bench.table.evaluate_targets(self.rows(bench)[:1], largest=10_000)
        assert [t.goal for t in targets] == [
            "warm start to the first choice prompt (plain) ≤ 1.5 × `import yaml`"]
