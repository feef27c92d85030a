"""One measurement, run in a fresh interpreter by ``bench/run.py``, printed as JSON.

Each task times only its own work (not the interpreter's start, nor the imports) and
reports the process's peak resident memory, so every figure starts from the same
clean state. ``seconds`` is the processor time the work took (what other programs
on a shared machine do not change); ``wall`` is the time that passed:

    python bench/tasks.py load STORY --cache DIR     # cache DIR, or none
    python bench/tasks.py compose STORY              # the floor: yaml.compose alone
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


ENGINE_SECONDS = 2.0
"""How long the engine is stepped for its steps-per-second figure."""

Result = dict[str, float]
Work = Callable[[], Result]
"""A task's timed part; the task itself imports what it needs, untimed."""


def compose(story: Path, _cache: Path | None) -> Work:
    """Read every YAML file of the folder and compose it with PyYAML's C loader."""
    import yaml

    def work() -> Result:
        paths = sorted(p for p in story.rglob("*") if p.suffix in (".yaml", ".yml"))
        for path in paths:
            yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        return {"files": len(paths)}

    return work


def load(story: Path, _cache: Path | None) -> Work:
    """What ``palace play`` does to load its story."""
    import palace.loader  # noqa: F401  (a cold load needs it: imported untimed)
    from palace.cli.cache import load_chosen_story

    return lambda: {"scenes": len(load_chosen_story(story).scenes)}


def load_all(story: Path, _cache: Path | None) -> Work:
    """What the tools that walk the whole story do to load it: every scene decoded."""
    import palace.loader  # noqa: F401
    from palace.cli.cache import load_chosen_story

    return lambda: {"scenes": len(load_chosen_story(story, whole=True).scenes)}


def check(story: Path, _cache: Path | None) -> Work:
    """What ``palace check`` does: load, then every analysis."""
    import palace.checks
    import palace.loader  # noqa: F401
    from palace.cli.check import collect

    return lambda: {"diagnostics": len(collect(story)[1])}


def playtest(story: Path, _cache: Path | None) -> Work:
    """``palace test``'s thousand random playthroughs, timed once the story is loaded."""
    from palace.cli.cache import load_chosen_story
    from palace.playtest import run_playtests

    loaded = load_chosen_story(story, whole=True)

    def work() -> Result:
        report = run_playtests(loaded, runs=1000)
        return {"playthroughs": report.runs, "steps": report.steps,
                "failures": len(report.failures)}

    return work


def engine(story: Path, _cache: Path | None) -> Work:
    """Engine steps (``view`` then ``choose``) per second, picking choices at random."""
    from palace import engine as rules
    from palace.cli.cache import load_chosen_story

    loaded = load_chosen_story(story)

    def work() -> Result:
        rng, steps = random.Random(0), 0
        started = time.process_time()
        while time.process_time() - started < ENGINE_SECONDS:
            for role in loaded.roles:
                state = rules.start(loaded, role)
                while True:
                    view = rules.view(loaded, state)
                    ways = [c.id for c in view.choices if c.available]
                    if view.ending is not None or not ways:
                        break
                    state = rules.choose(loaded, state, rng.choice(ways))
                    steps += 1
        return {"steps": steps}

    return work


def saves(story: Path, _cache: Path | None) -> Work:
    """Median latency of saving a game thirty choices in, and of loading it back."""
    from statistics import median

    from palace import engine as rules
    from palace.cli.cache import load_chosen_story
    from palace.keeper import Keeper
    from palace.savefiles import SaveFolder

    loaded = load_chosen_story(story)

    def work() -> Result:
        with tempfile.TemporaryDirectory() as folder:
            keeper = Keeper(loaded, SaveFolder(Path(folder)))
            state, rng = rules.start(loaded, next(iter(loaded.roles))), random.Random(0)
            for _ in range(30):
                ways = rules.available_choices(loaded, state)
                if not ways:
                    break
                keeper.remember(state)
                state = rules.choose(loaded, state, rng.choice(ways))
            save_times, load_times = [], []
            for _ in range(21):
                save_times.append(_timed(lambda: keeper.save(state, "bench")))
                load_times.append(_timed(lambda: keeper.adopt(keeper.open("bench"))))
        return {"save": median(save_times), "load": median(load_times)}

    return work


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


TASKS: dict[str, Callable[[Path, Path | None], Work]] = {
    "compose": compose, "load": load, "load-all": load_all, "check": check,
    "playtest": playtest, "engine": engine, "saves": saves,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("task", choices=sorted(TASKS))
    parser.add_argument("story", type=Path)
    parser.add_argument("--cache", type=Path, help="the cache folder (default: no cache)")
    options = parser.parse_args()
    # The tasks load stories as the commands do, and the commands read these.
    os.environ.pop("PALACE_CACHE_DIR", None)
    if options.cache is None:
        os.environ["PALACE_NO_CACHE"] = "1"
    else:
        os.environ.pop("PALACE_NO_CACHE", None)
        os.environ["PALACE_CACHE_DIR"] = str(options.cache)
    work = TASKS[options.task](options.story, options.cache)
    started, cpu = time.perf_counter(), time.process_time()
    result = work()
    result["wall"] = time.perf_counter() - started
    result["seconds"] = time.process_time() - cpu
    result["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
