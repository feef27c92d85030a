"""The abstract values of conditions: precise where it can be, and never unsound."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from palace.abstract import BOTH, Facts, Interval, number_domain, truth_values
from palace.clock import ClockConfig, Date
from palace.expr import compile_node, parse
from palace.state import GameState


CLOCK = ClockConfig(Date(1917, 10, 25), 18 * 60)


def facts(**variables) -> Facts:
    return Facts(role="guard", variables=variables, visitable=frozenset({"hall"}),
                 unlockable=frozenset({"memoir"}), beat_count=2, clock=CLOCK)


def truths(source: str, known: Facts, floor: int = 18 * 60) -> frozenset[bool]:
    return truth_values(parse(source), known, clock_floor=floor)


class TestNumberDomain:
    def test_set_values_only_stay_a_finite_set(self):
        assert number_domain([0, 3], []) == frozenset({0, 3})

    def test_adding_opens_the_range_in_that_direction(self):
        assert number_domain([0, 3], [1]) == Interval(0, None)
        assert number_domain([0, 3], [-2]) == Interval(None, 3)
        assert number_domain([0], [1, -1]) == Interval(None, None)


class TestTruths:
    def test_comparison_no_value_satisfies(self):
        assert truths("courage >= 5", facts(courage=frozenset({0, 1}))) == {False}

    def test_open_ranges_can_reach_any_bound(self):
        assert truths("courage >= 500", facts(courage=Interval(0, None))) == BOTH
        assert truths("courage < 0", facts(courage=Interval(0, None))) == {False}

    def test_flags_never_set_true(self):
        assert truths("has_key", facts(has_key=frozenset({False}))) == {False}
        assert truths("not has_key", facts(has_key=frozenset({False}))) == {True}

    def test_logic_combines_sides(self):
        known = facts(has_key=frozenset({False}), courage=Interval(0, None))
        assert truths("has_key and courage > 1", known) == {False}
        assert truths("has_key or courage > 1", known) == BOTH

    def test_role_is_known(self):
        assert truths('role == "cadet"', facts()) == {False}

    def test_clock_is_never_before_its_floor(self):
        assert truths("clock < 21:40", facts(), floor=22 * 60) == {False}
        assert truths("clock - 30 >= 21:00", facts(), floor=21 * 60 + 30) == {True}

    def test_unvisitable_scenes_and_locked_documents(self):
        assert truths("visited(yard)", facts()) == {False}
        assert truths("visits(yard) > 0", facts()) == {False}
        assert truths("visited(hall)", facts()) == BOTH
        assert truths("seen(orders) or read(orders)", facts()) == {False}

    def test_beats_are_bounded_by_the_story(self):
        assert truths("beats(myth) > 2", facts()) == {False}

    def test_text_values(self):
        known = facts(companion=frozenset({"nobody", "sailor"}))
        assert truths('companion == "priest"', known) == {False}
        assert truths('companion != "priest"', known) == {True}


NUMBER_CONDITIONS = st.sampled_from([
    "n < {k}", "n <= {k}", "n > {k}", "n >= {k}", "n == {k}", "n != {k}",
    "n + {k} > 3", "n - {k} < 0", "-n >= {k}", "not (n == {k}) and n > 0",
])


@st.composite
def ranges(draw: st.DrawFn) -> tuple[int, int, int]:
    """(low, high, a value between them)."""
    low = draw(st.integers(-20, 20))
    high = low + draw(st.integers(0, 40))
    return low, high, draw(st.integers(low, high))


@given(bounds=ranges(), template=NUMBER_CONDITIONS, k=st.integers(0, 30),
       bounded=st.booleans())
def test_the_analysis_never_rules_out_what_play_can_do(bounds, template, k, bounded):
    """Soundness: whatever value a variable really holds within its abstract range, the
    concrete truth of a condition is among the truths the analysis allows."""
    low, high, value = bounds
    domain = Interval(low, high if bounded else None)
    source = template.format(k=k)
    state = GameState(role="guard", scene="yard", clock=18 * 60, variables={"n": value},
                      visits={})
    concrete = bool(compile_node(parse(source), CLOCK)(state))
    assert concrete in truths(source, facts(n=domain))
    assert concrete in truths(source, facts(n=frozenset(range(low, high + 1))))
