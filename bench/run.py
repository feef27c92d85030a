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
from dataclasses import dataclass
from pathlib import Path
from statistics import median

from generate import write_story
from measure import Marks, run_task, time_marks_on_pipe, time_marks_on_terminal, time_to_exit


ROOT = Path(__file__).resolve().parent.parent
SIZES = (100, 1000, 10_000)
START_RUNS = 3
"""Start-ups take a fraction of a second and vary most: three times as many runs."""
PYTHON = sys.executable


@dataclass(frozen=True)
class Row:
    """One figure of the table: a median, and the floor it is measured against."""

    section: str
    figure: str
    story: str
    value: float
    unit: str = "s"
    floor: str = ""
    floor_value: float | None = None

    @property
    def ratio(self) -> float | None:
        if self.floor_value is None or not self.floor_value:
            return None
        return self.value / self.floor_value


@dataclass(frozen=True)
class Target:
    goal: str
    measured: str
    met: bool


# --- the table ------------------------------------------------------------------------


def show(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value * 1000:.0f} ms" if value < 10 else f"{value:.1f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:,.0f} {unit}"


def render_table(rows: Sequence[Row]) -> str:
    """The rows as Markdown, one table per section, in the order given."""
    lines: list[str] = []
    for section in dict.fromkeys(row.section for row in rows):
        lines += [f"### {section}", "", "| figure | story | median | floor | floor median "
                  "| ratio |", "|---|---|---:|---|---:|---:|"]
        for row in (r for r in rows if r.section == section):
            floor = show(row.floor_value, row.unit) if row.floor_value is not None else ""
            ratio = f"{row.ratio:.2f} ×" if row.ratio is not None else ""
            lines.append(f"| {row.figure} | {row.story} | {show(row.value, row.unit)} | "
                         f"{row.floor} | {floor} | {ratio} |")
        lines.append("")
    return "\n".join(lines)


def render_growth(rows: Sequence[Row], sizes: Sequence[int]) -> str:
    """Each load and check figure per scene across the sizes: flat means linear."""
    figures = [r.figure for r in rows if r.section == LOADING and r.unit == "s"]
    header = " | ".join(f"{size:,}" for size in sizes)
    lines = ["### Growth: microseconds per scene", "", f"| figure | {header} |",
             f"|---|{'---:|' * len(sizes)}"]
    for figure in dict.fromkeys(figures):
        cells = []
        for size in sizes:
            found = [r for r in rows if r.figure == figure and r.story == scenes_label(size)]
            cells.append(f"{found[0].value / size * 1e6:.0f}" if found else "")
        lines.append(f"| {figure} | {' | '.join(cells)} |")
    return "\n".join(lines) + "\n"


def render_targets(targets: Sequence[Target]) -> str:
    lines = ["### Targets", "", "| target | measured | met |", "|---|---|---|"]
    lines += [f"| {t.goal} | {t.measured} | {'yes' if t.met else '**no**'} |" for t in targets]
    return "\n".join(lines) + "\n"


def scenes_label(size: int) -> str:
    return f"{size:,} scenes"


# --- the targets ----------------------------------------------------------------------


START, LOADING, TESTING, SAVING = "Start-up", "Load and check", "Playtests", "Saves"
SHIPPED = "shipped"


def find(rows: Sequence[Row], figure: str, story: str) -> Row | None:
    return next((r for r in rows if r.figure == figure and r.story == story), None)


def evaluate_targets(rows: Sequence[Row], *, largest: int) -> list[Target]:
    """Each target of the issue that the rows measure, with what was measured."""
    big = scenes_label(largest)
    checks: list[tuple[str, Row | None, Callable[[Row], tuple[str, bool]]]] = [
        ("warm start to the first choice prompt (plain) ≤ 1.5 × `import yaml`",
         find(rows, PLAIN_WARM_PROMPT, SHIPPED), _ratio_at_most(1.5)),
        ("shipped story's first choice prompt ≤ 0.1 s after the interpreter's start",
         find(rows, PROMPT_VS_START, SHIPPED), _margin_at_most(0.1)),
        (f"cold load of {largest:,} scenes ≤ 1.3 × `yaml.compose`",
         find(rows, COLD_LOAD, big), _ratio_at_most(1.3)),
        (f"warm load of {largest:,} scenes ≤ 5 % of cold",
         find(rows, WARM_LOAD, big), _ratio_at_most(0.05)),
        (f"`palace check` of {largest:,} scenes ≤ 1.5 × cold load",
         find(rows, CHECK_COLD, big), _ratio_at_most(1.5)),
        ("`palace test --runs 1000` on the shipped story < 2 s",
         find(rows, TEST_COMMAND, SHIPPED), _value_at_most(2.0)),
        ("the engine ≥ 50,000 steps per second",
         find(rows, ENGINE, SHIPPED), _value_at_least(50_000)),
        (f"peak memory for {largest:,} scenes < 300 MB",
         find(rows, PEAK_MEMORY, big), _value_at_most(300)),
    ]
    return [Target(goal, *judge(row)) for goal, row, judge in checks if row is not None]


def _ratio_at_most(limit: float) -> Callable[[Row], tuple[str, bool]]:
    def judge(row: Row) -> tuple[str, bool]:
        ratio = row.ratio if row.ratio is not None else float("inf")
        return f"{ratio:.2f} × ({show(row.value, row.unit)})", ratio <= limit

    return judge


def _margin_at_most(limit: float) -> Callable[[Row], tuple[str, bool]]:
    def judge(row: Row) -> tuple[str, bool]:
        margin = row.value - (row.floor_value or 0.0)
        return f"{show(margin, row.unit)} after it", margin <= limit

    return judge


def _value_at_most(limit: float) -> Callable[[Row], tuple[str, bool]]:
    return lambda row: (show(row.value, row.unit), row.value <= limit)


def _value_at_least(limit: float) -> Callable[[Row], tuple[str, bool]]:
    return lambda row: (show(row.value, row.unit), row.value >= limit)


# --- measuring ------------------------------------------------------------------------


PLAIN_WARM_TITLE = "warm start to the title screen (plain)"
PLAIN_WARM_PROMPT = "warm start to the first choice prompt (plain)"
PLAIN_COLD_PROMPT = "cold start to the first choice prompt (plain)"
PROMPT_VS_START = "warm start to the first choice prompt (plain), against bare Python"
TERMINAL_TITLE = "warm start to the title screen (terminal)"
TERMINAL_PROMPT = "warm start to the first choice prompt (terminal)"
COMPOSE = "`yaml.compose` of every file"
COLD_LOAD = "cold load (no cache)"
COLD_LOAD_WRITE = "cold load, writing the cache"
WARM_LOAD = "warm load (cache)"
WARM_LOAD_ALL = "warm load, every scene decoded"
CHECK_COLD = "`palace check` (no cache)"
CHECK_WARM = "`palace check` (warm cache)"
PEAK_MEMORY = "peak memory, `palace check` (no cache)"
TEST_COMMAND = "`palace test --runs 1000`, whole command"
PLAYTEST_STEPS = "`palace test`: engine steps per second"
PLAYTEST_RUNS = "`palace test`: playthroughs per second"
ENGINE = "engine alone: steps (view, choose) per second"


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

    def python(self, code: str) -> Callable[[], float]:
        return lambda: time_to_exit([PYTHON, "-c", code], self.env)

    # --- start-up ---------------------------------------------------------------------

    def startup(self) -> list[Row]:
        from palace.resources import shipped_story
        from palace.storycache import load_story_cached

        story = load_story_cached(shipped_story(), cache_dir=None)
        answers = self.work / "answers.txt"
        answers.write_text("1\n", encoding="utf-8")
        plain = [PYTHON, "-m", "palace", "play", "--plain", "--input", str(answers)]
        prompts = 2 if len(story.roles) > 1 else 1

        def plain_marks(*, cold: bool) -> Marks:
            if cold:
                self.clear_cache()
            return time_marks_on_pipe(plain, self.env, Marks(story.title, prompts))

        time_marks_on_pipe(plain, self.env, Marks(story.title, prompts))  # bytecode, cache
        floors, starts, warm, cold = [], [], [], []
        for _ in range(START_RUNS * self.repeat):  # in turn: a busy moment slows all alike
            floors.append(self.python("import yaml")())
            starts.append(self.python("pass")())
            warm.append(plain_marks(cold=False))
            cold.append(plain_marks(cold=True))  # and leaves the cache warm again
        floor = median(floors)
        rows = [
            Row(START, PLAIN_WARM_TITLE, SHIPPED, median(m.seen["title"] for m in warm),
                floor="`python -c \"import yaml\"`", floor_value=floor),
            Row(START, PLAIN_WARM_PROMPT, SHIPPED, median(m.seen["prompt"] for m in warm),
                floor="`python -c \"import yaml\"`", floor_value=floor),
            Row(START, PLAIN_COLD_PROMPT, SHIPPED, median(m.seen["prompt"] for m in cold),
                floor="`python -c \"import yaml\"`", floor_value=floor),
            Row(START, PROMPT_VS_START, SHIPPED, median(m.seen["prompt"] for m in warm),
                floor="`python -c pass`", floor_value=median(starts)),
        ]
        return rows + self.terminal_startup(story.title, next(iter(story.roles)))

    def terminal_startup(self, title: str, role: str) -> list[Row]:
        argv = [PYTHON, "-m", "palace", "play", "--role", role]
        floor = self.python("import prompt_toolkit")
        marks, floors = [], []
        for _ in range(START_RUNS * self.repeat):
            floors.append(floor())
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
        written = median(self.seconds("load", story, cache=True, cold=True)()
                         for _ in range(self.repeat))
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
        ]

    # --- playtests and saves ----------------------------------------------------------

    def testing(self, largest: int) -> list[Row]:
        from palace.resources import shipped_story

        shipped = shipped_story()
        command = [PYTHON, "-m", "palace", "test", "--runs", "1000"]
        whole = median(time_to_exit(command, self.env) for _ in range(self.repeat))
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
