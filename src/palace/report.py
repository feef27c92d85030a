"""``palace test``'s reports as plain text: endings, coverage, gaps and failures.

Rule: pure. Each function returns the text; the command line prints it. Places
are written ``file:line:col`` so terminals and editors can jump to them.
"""

from __future__ import annotations

from collections.abc import Iterator

from palace.coverage import Coverage
from palace.errors import SourceLoc
from palace.playtest import FailureCount, PlaytestReport


def render_report(report: PlaytestReport, *, story_option: str = "") -> str:
    """The whole report; ``story_option`` (``--story DIR``) goes into the replay hints."""
    sections = [
        _headline(report),
        "\n".join(_endings(report)),
        "\n".join(_coverage(report.coverage)),
        "\n".join(_gaps(report.coverage)),
        "\n".join(_failures(report, story_option)),
        _verdict(report),
    ]
    return "\n\n".join(s for s in sections if s) + "\n"


def _headline(report: PlaytestReport) -> str:
    roles = ", ".join(report.roles)
    if report.strategy is None:
        seen = ("every state seen" if report.complete
                else "stopped at the --max-states limit: this is not a proof")
        return (f"Exhaustive walk of {report.title} (roles {roles}): "
                f"{report.states} distinct states, {seen}.")
    nights = "playthrough" if report.runs == 1 else "playthroughs"
    return (f"{report.runs} random {nights} of {report.title} (roles {roles}; "
            f"seed {report.seed}; {report.strategy} choices).")


def _endings(report: PlaytestReport) -> Iterator[str]:
    unit = "times" if report.strategy is not None else "states"
    yield f"Endings ({unit} reached)"
    if not report.endings:
        yield "  none: no ending can be reached"
    width = max((len(e.id) for e, _ in report.endings), default=0)
    for ending, count in report.endings:
        never = "  NEVER REACHED" if count == 0 else ""
        yield f"  {count:>6}  {ending.id:<{width}}  {ending.title}{never}{_at(ending.loc)}"


def _coverage(coverage: tuple[Coverage, ...]) -> Iterator[str]:
    yield "Coverage"
    width = max(len(c.name) for c in coverage)
    for item in coverage:
        percent = f"{100 * item.reached // item.total:>3}%" if item.total else "   -"
        yield f"  {item.name:<{width}}  {item.reached:>5}/{item.total:<5} {percent}"


def _gaps(coverage: tuple[Coverage, ...]) -> Iterator[str]:
    missed = [gap for item in coverage for gap in item.missed]
    if not missed:
        return
    yield "Never exercised"
    for gap in missed:
        where = f"{gap.loc}: " if gap.loc else ""
        yield f"  {where}{gap.what}"


def _failures(report: PlaytestReport, story_option: str) -> Iterator[str]:
    if not report.failures:
        return
    yield "Failures"
    for entry in report.failures:
        yield from _failure(entry, story_option)


def _failure(entry: FailureCount, story_option: str) -> Iterator[str]:
    failure = entry.failure
    times = "" if entry.count == 1 else f" ({entry.count} times)"
    yield f"  [{failure.kind}] {failure.message}{times}"
    if not failure.path:
        yield f"    role {failure.role}, at the start"
        return
    steps = len(failure.path)
    yield (f"    role {failure.role}, after {steps} choice{'s' if steps != 1 else ''}: "
           + " > ".join(step.choice for step in failure.path))
    answers = " ".join(str(step.number) for step in failure.path)
    yield f"    to replay, answer {answers} to: palace play {story_option}--role {failure.role}"


def _verdict(report: PlaytestReport) -> str:
    if report.ok:
        return "No failures."
    count = sum(entry.count for entry in report.failures)
    distinct = len(report.failures)
    return f"{count} failure{'s' if count != 1 else ''} ({distinct} distinct): the test fails."


def _at(loc: SourceLoc | None) -> str:
    return f"  ({loc})" if loc else ""
