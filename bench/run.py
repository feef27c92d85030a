"""Palace's benchmark: each figure the median of several runs, beside the floor it is
measured against in the same run, and the performance targets met or not.

    python bench/run.py                          # everything (a few minutes)
    python bench/run.py --sizes 100 1000 --repeat 3

Prints Markdown. It measures this checkout (``src/``) with Python's bytecode cache
on, as an installed Palace has it; the synthetic stories (``generate.py``), the
story cache and the saves go to a temporary folder. A floor and the figure
measured against it are run in turn, so a busy machine slows both alike.

Start-up figures, and whole commands, are the time that passes (what a player
waits). Figures measured inside a process (loading, checking, playtests, saves)
are the processor time of that work alone, which other programs on a shared
machine do not change; on an idle machine the two agree.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from statistics import median

from generate import write_story
from measure import Exit, Marks, run_task, time_marks_on_pipe, time_marks_on_terminal, time_to_exit
from table import (
    CHECK_COLD,
    CHECK_WARM,
    COLD_LOAD,
    COLD_LOAD_WRITE,
    COMPOSE,
    ENGINE,
    LOADING,
    PEAK_MEMORY,
    PEAK_MEMORY_WRITE,
    PLAIN_COLD_PROMPT,
    PLAIN_WARM_CPU,
    PLAIN_WARM_CPU_VS_START,
    PLAIN_WARM_PROMPT,
    PLAIN_WARM_TITLE,
    PLAYTEST_RUNS,
    PLAYTEST_STEPS,
    SAVING,
    SHIPPED,
    START,
    TERMINAL_PROMPT,
    TERMINAL_TITLE,
    TEST_COMMAND,
    TESTING,
    WARM_LOAD,
    WARM_LOAD_ALL,
    Row,
    evaluate_targets,
    render_growth,
    render_table,
    render_targets,
    scenes_label,
)


ROOT = Path(__file__).resolve().parent.parent
SIZES = (100, 1000, 10_000)
START_RUNS = 3
"""Start-ups take a fraction of a second and vary most: three times as many runs."""
PYTHON = sys.executable


class Bench:
    """The measurements, sharing one environment, temporary folder and repeat count."""

    def __init__(self, work: Path, repeat: int) -> None:
        self.work = work
        self.repeat = repeat
        self.cache = work / "cache"
        self.env = {key: value for key, value in os.environ.items()
                    if key not in ("PYTHONDONTWRITEBYTECODE", "NO_COLOR", "PALACE_DEBUG",
                                   "PALACE_NO_CACHE")}
        self.env.update({"PYTHONPATH": str(ROOT / "src"), "PALACE_CACHE_DIR": str(self.cache),
                         "PALACE_SAVES": str(work / "saves"), "TERM": "xterm-256color"})

    def clear_cache(self) -> None:
        shutil.rmtree(self.cache, ignore_errors=True)

    def paired(self, measure: Callable[[], float],
               floor: Callable[[], float]) -> tuple[float, float]:
        """Medians of ``measure`` and ``floor``, run in turn ``repeat`` times."""
        values, floors = [], []
        for _ in range(self.repeat):
            floors.append(floor())
            values.append(measure())
        return median(values), median(floors)

    def python(self, code: str) -> Exit:
        return time_to_exit([PYTHON, "-c", code], self.env)

    # --- start-up ---------------------------------------------------------------------

    def startup(self) -> list[Row]:
        from palace.resources import shipped_story
        from palace.storycache import load_story_cached

        story = load_story_cached(shipped_story(), cache_dir=None)
        answers = self.work / "answers.txt"
        answers.write_text("1\n", encoding="utf-8")  # the role; then the input runs out
        plain = [PYTHON, "-m", "palace", "play", "--plain", "--input", str(answers)]
        prompts = 2 if len(story.roles) > 1 else 1

        def play(*, cold: bool) -> tuple[Marks, Exit]:
            if cold:
                self.clear_cache()
            return time_marks_on_pipe(plain, self.env, Marks(story.title, prompts))

        play(cold=False)  # Python's bytecode and the story cache, as after installing
        floors, starts, warm, cold = [], [], [], []
        for _ in range(START_RUNS * self.repeat):  # in turn: a busy moment slows all alike
            floors.append(self.python("import yaml"))
            starts.append(self.python("pass"))
            warm.append(play(cold=False))
            cold.append(play(cold=True))  # and leaves the cache warm again
        yaml_floor = "`python -c \"import yaml\"`"
        wall_floor = median(f.wall for f in floors)
        return [
            Row(START, PLAIN_WARM_TITLE, SHIPPED, median(m.seen["title"] for m, _ in warm),
                floor=yaml_floor, floor_value=wall_floor),
            Row(START, PLAIN_WARM_PROMPT, SHIPPED, median(m.seen["prompt"] for m, _ in warm),
                floor=yaml_floor, floor_value=wall_floor),
            Row(START, PLAIN_COLD_PROMPT, SHIPPED, median(m.seen["prompt"] for m, _ in cold),
                floor=yaml_floor, floor_value=wall_floor),
            Row(START, PLAIN_WARM_CPU, SHIPPED, median(e.cpu for _, e in warm),
                floor=f"{yaml_floor}, processor time", floor_value=median(f.cpu for f in floors)),
            Row(START, PLAIN_WARM_CPU_VS_START, SHIPPED, median(e.cpu for _, e in warm),
                floor="`python -c pass`, processor time",
                floor_value=median(s.cpu for s in starts)),
            *self.terminal_startup(story.title, next(iter(story.roles))),
        ]

    def terminal_startup(self, title: str, role: str) -> list[Row]:
        argv = [PYTHON, "-m", "palace", "play", "--role", role]
        marks, floors = [], []
        for _ in range(START_RUNS * self.repeat):
            floors.append(self.python("import prompt_toolkit").wall)
            marks.append(time_marks_on_terminal(argv, self.env, Marks(title, 1)))
        name = "`python -c \"import prompt_toolkit\"`"
        return [
            Row(START, TERMINAL_TITLE, SHIPPED, median(m.seen["title"] for m in marks),
                floor=name, floor_value=median(floors)),
            Row(START, TERMINAL_PROMPT, SHIPPED, median(m.seen["prompt"] for m in marks),
                floor=name, floor_value=median(floors)),
        ]

    # --- load and check ---------------------------------------------------------------

    def task(self, name: str, story: Path, *, cache: bool = False,
             cold: bool = False) -> dict[str, float]:
        if cold:
            self.clear_cache()
        return run_task(name, story, cache=self.cache if cache else None, env=self.env)

    def seconds(self, name: str, story: Path, **how: bool) -> Callable[[], float]:
        return lambda: self.task(name, story, **how)["seconds"]

    def loading(self, size: int) -> list[Row]:
        story = self.work / f"story-{size}"
        write_story(story, size)
        label = scenes_label(size)
        compose = self.seconds("compose", story)
        cold, floor = self.paired(self.seconds("load", story), compose)
        writes = [self.task("load", story, cache=True, cold=True) for _ in range(self.repeat)]
        written = median(w["seconds"] for w in writes)
        self.task("load", story, cache=True)
        warm = median(self.seconds("load", story, cache=True)() for _ in range(self.repeat))
        warm_all = median(self.seconds("load-all", story, cache=True)()
                          for _ in range(self.repeat))
        checks = [self.task("check", story) for _ in range(self.repeat)]
        check_warm = median(self.seconds("check", story, cache=True)()
                            for _ in range(self.repeat))
        check_cold = median(c["seconds"] for c in checks)
        yaml_floor = "`yaml.compose`, C loader"
        return [
            Row(LOADING, COMPOSE, label, floor),
            Row(LOADING, COLD_LOAD, label, cold, floor=yaml_floor, floor_value=floor),
            Row(LOADING, COLD_LOAD_WRITE, label, written, floor=yaml_floor, floor_value=floor),
            Row(LOADING, WARM_LOAD, label, warm, floor=COLD_LOAD, floor_value=cold),
            Row(LOADING, WARM_LOAD_ALL, label, warm_all, floor=COLD_LOAD, floor_value=cold),
            Row(LOADING, CHECK_COLD, label, check_cold, floor=COLD_LOAD, floor_value=cold),
            Row(LOADING, CHECK_WARM, label, check_warm, floor=COLD_LOAD, floor_value=cold),
            Row(LOADING, PEAK_MEMORY, label, median(c["rss_mb"] for c in checks), unit="MB"),
            Row(LOADING, PEAK_MEMORY_WRITE, label, median(w["rss_mb"] for w in writes),
                unit="MB"),
        ]

    # --- playtests and saves ----------------------------------------------------------

    def testing(self, largest: int) -> list[Row]:
        from palace.resources import shipped_story

        shipped = shipped_story()
        command = [PYTHON, "-m", "palace", "test", "--runs", "1000"]
        whole = median(time_to_exit(command, self.env).wall for _ in range(self.repeat))
        rows = [Row(TESTING, TEST_COMMAND, SHIPPED, whole)]
        stories = [(SHIPPED, shipped), (scenes_label(largest), self.work / f"story-{largest}")]
        for label, story in stories:
            self.task("load", story, cache=True)
            runs = [self.task("playtest", story, cache=True) for _ in range(self.repeat)]
            rows += [
                Row(TESTING, PLAYTEST_STEPS, label,
                    median(r["steps"] / r["seconds"] for r in runs), unit="steps/s"),
                Row(TESTING, PLAYTEST_RUNS, label,
                    median(r["playthroughs"] / r["seconds"] for r in runs), unit="runs/s"),
            ]
        engine = [self.task("engine", shipped, cache=True) for _ in range(self.repeat)]
        rows.append(Row(TESTING, ENGINE, SHIPPED,
                        median(r["steps"] / r["seconds"] for r in engine), unit="steps/s"))
        return rows

    def saving(self) -> list[Row]:
        from palace.resources import shipped_story

        runs = [self.task("saves", shipped_story(), cache=True) for _ in range(self.repeat)]
        return [
            Row(SAVING, "save a game 30 choices in (written, synced, renamed)", SHIPPED,
                median(r["save"] for r in runs) * 1000, unit="ms"),
            Row(SAVING, "load it back", SHIPPED, median(r["load"] for r in runs) * 1000,
                unit="ms"),
        ]


def machine() -> str:
    return (f"Python {platform.python_version()} on {platform.system()} "
            f"{platform.machine()}, {os.cpu_count()} CPUs")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), metavar="N",
                        help="synthetic story sizes, in scenes (default 100 1000 10000)")
    parser.add_argument("--repeat", type=int, default=5, metavar="N",
                        help="runs per figure; the median is shown (default 5)")
    options = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    with tempfile.TemporaryDirectory(prefix="palace-bench-") as work:
        bench = Bench(Path(work), options.repeat)
        rows = bench.startup()
        for size in options.sizes:
            rows += bench.loading(size)
        rows += bench.testing(max(options.sizes)) + bench.saving()
    print(f"{machine()}; each figure the median of {options.repeat} runs "
          f"({START_RUNS * options.repeat} for start-ups).\n")
    print(render_table(rows))
    print(render_growth(rows, options.sizes))
    print(render_targets(evaluate_targets(rows, largest=max(options.sizes))))


if __name__ == "__main__":
    main()
