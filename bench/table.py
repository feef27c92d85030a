"""The benchmark's table: figures beside their floors, growth per scene, and the
performance targets judged against what was measured. Pure: strings in, strings out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


START, LOADING, TESTING, SAVING = "Start-up", "Load and check", "Playtests", "Saves"
SHIPPED = "shipped"

PLAIN_WARM_TITLE = "warm start to the title screen (plain)"
PLAIN_WARM_PROMPT = "warm start to the first choice prompt (plain)"
PLAIN_COLD_PROMPT = "cold start to the first choice prompt (plain)"
PLAIN_WARM_CPU = "warm start to the first choice prompt and out (plain), processor time"
PLAIN_WARM_CPU_VS_START = ("warm start to the first choice prompt and out (plain), "
                           "processor time, against bare Python")
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
PEAK_MEMORY_WRITE = "peak memory, cold load writing the cache"
TEST_COMMAND = "`palace test --runs 1000`, whole command"
PLAYTEST_STEPS = "`palace test`: engine steps per second"
PLAYTEST_RUNS = "`palace test`: playthroughs per second"
ENGINE = "engine alone: steps (view, choose) per second"


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


def find(rows: Sequence[Row], figure: str, story: str) -> Row | None:
    return next((r for r in rows if r.figure == figure and r.story == story), None)


def evaluate_targets(rows: Sequence[Row], *, largest: int) -> list[Target]:
    """Each target of the issue that the rows measure, with what was measured."""
    big = scenes_label(largest)
    checks: list[tuple[str, Row | None, Callable[[Row], tuple[str, bool]]]] = [
        ("warm start to the first choice prompt (plain) ≤ 1.5 × `import yaml`",
         find(rows, PLAIN_WARM_PROMPT, SHIPPED), _ratio_at_most(1.5)),
        ("the same, in processor time (what other programs do not change)",
         find(rows, PLAIN_WARM_CPU, SHIPPED), _ratio_at_most(1.5)),
        ("shipped story's first choice prompt ≤ 0.1 s after the interpreter's start "
         "(processor time)", find(rows, PLAIN_WARM_CPU_VS_START, SHIPPED),
         _margin_at_most(0.1)),
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
