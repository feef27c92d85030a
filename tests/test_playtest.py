"""Random and exhaustive playthroughs: failures with their path, coverage, determinism."""

from __future__ import annotations

import random
from dataclasses import replace

from palace import engine
from palace.explore import run_exhaustive
from palace.loader import SourceFile, parse_story
from palace.playtest import (
    FailureKind,
    Step,
    behaviour_key,
    random_playthrough,
    run_playtests,
)
from palace.playtestoptions import Strategy


def replay(story, role, path):
    """Play ``path`` through the engine, checking each step's number against the view."""
    state = engine.start(story, role)
    for step in path:
        view = engine.view(story, state)
        assert view.choices[step.number - 1].id == step.choice
        state = engine.choose(story, state, step.choice)
    return state


class TestStuckState:
    def test_random_playtests_find_the_planted_stuck_state_and_its_path(self, story_named):
        story = story_named("stuck_state")
        report = run_playtests(story, runs=40, seed=5)
        assert not report.ok
        [entry] = report.failures
        failure = entry.failure
        assert failure.kind is FailureKind.STUCK
        assert failure.scene == "yard"
        assert failure.path == (Step("yard.door", 1), Step(engine.CONTINUE, 1))
        assert engine.view(story, replay(story, "guard", failure.path)).is_stuck

    def test_the_exhaustive_walk_finds_it_too(self, story_named):
        story = story_named("stuck_state")
        report = run_exhaustive(story)
        assert report.complete
        assert [(f.failure.kind, f.failure.path) for f in report.failures] == [
            (FailureKind.STUCK, (Step("yard.door", 1), Step(engine.CONTINUE, 1)))]


class TestDeterminism:
    def test_same_seed_same_report(self, tiny_story):
        first = run_playtests(tiny_story, runs=60, seed=11, strategy=Strategy.UNIFORM)
        second = run_playtests(tiny_story, runs=60, seed=11, strategy=Strategy.UNIFORM)
        assert first == second

    def test_one_playthrough_is_a_function_of_its_seed(self, tiny_story):
        def night(seed):
            return random_playthrough(tiny_story, role="guard", rng=random.Random(seed),
                                      strategy=Strategy.UNIFORM).path

        assert night(3) == night(3)
        assert len({night(seed) for seed in range(20)}) > 1


FAN = """\
scenes:
  - id: square
    title: The square
    location: here
    text: Four streets lead away.
    choices:
""" + "".join(f"""\
      - text: Street {n}.
        to: end_{n}
""" for n in range(4)) + "".join(f"""\
  - id: end_{n}
    title: End {n}
    location: here
    text: The end.
    ending: {{id: end_{n}, title: End {n}, kind: archive}}
""" for n in range(4))

FAN_MANIFEST = """\
format: 1
id: fan
title: Fan
version: "1"
clock: {start: "1917-10-25 18:00"}
roles:
  guard: {name: Guard, start: square}
locations:
  here: Here
"""


class TestStrategies:
    def fan(self):
        return parse_story([SourceFile("story.yaml", FAN_MANIFEST, "story.yaml"),
                            SourceFile("scenes.yaml", FAN, "scenes.yaml")])

    def test_least_tried_takes_every_choice_before_any_twice(self):
        report = run_playtests(self.fan(), runs=4, seed=0)
        assert [count for _ending, count in report.endings] == [1, 1, 1, 1]

    def test_uniform_picks_at_random(self):
        report = run_playtests(self.fan(), runs=4, seed=0, strategy=Strategy.UNIFORM)
        assert sum(count for _ending, count in report.endings) == 4
        assert [count for _ending, count in report.endings] != [1, 1, 1, 1]


class TestLoops:
    def test_a_walk_in_a_loop_with_no_exit_is_cut_to_where_it_became_hopeless(
            self, story_named):
        story = story_named("no_ending")
        report = run_playtests(story, runs=10, seed=0, max_steps=50)
        [entry] = report.failures
        assert entry.failure.kind is FailureKind.LOOP
        assert entry.failure.scene == "corridor"
        assert entry.failure.path == (Step("yard.corridor", 1),)
        assert entry.count == 5

    def test_exhaustive_walk_proves_the_loop(self, story_named):
        report = run_exhaustive(story_named("no_ending"))
        assert {(f.failure.kind, f.failure.scene) for f in report.failures} == {
            (FailureKind.LOOP, "corridor"), (FailureKind.LOOP, "stairs")}

    def test_step_limit_where_an_ending_is_still_in_reach(self, tiny_story):
        night = random_playthrough(tiny_story, role="guard", rng=random.Random(1), max_steps=1)
        assert night.failure is not None
        assert night.failure.kind is FailureKind.STEP_LIMIT


class TestExhaustive:
    def test_proves_a_sound_story(self, story_named):
        story = story_named("sound")
        report = run_exhaustive(story)
        assert report.ok and report.complete
        assert report.states == 22
        assert {e.id for e, count in report.endings if count} == {"arrest", "home"}

    def test_a_limit_stops_it_and_says_so(self, story_named):
        report = run_exhaustive(story_named("sound"), max_states=5)
        assert not report.complete
        assert report.states == 5
        assert report.ok

    def test_unobservable_differences_make_one_state(self, story_named):
        story = story_named("no_ending")
        key = behaviour_key(story)
        once = engine.choose(story, engine.start(story, "guard"), "yard.corridor")
        twice = engine.choose(story, engine.choose(story, once, "corridor.stairs"),
                              engine.CONTINUE)
        twice = engine.choose(story, engine.choose(story, twice, "corridor.stairs"),
                              engine.CONTINUE)
        assert twice.visits["corridor"] == 3
        assert key(twice) != key(once)  # stairs has been visited since
        again = engine.choose(story, engine.choose(story, twice, "corridor.stairs"),
                              engine.CONTINUE)
        assert key(again) == key(twice)


class TestCoverage:
    def test_reports_never_exercised_passages_and_sides_by_place(self, tiny_story):
        report = run_playtests(tiny_story, runs=50, seed=0)
        coverage = {c.name: c for c in report.coverage}
        assert (coverage["scenes"].reached, coverage["scenes"].total) == (4, 4)
        assert coverage["ways on"].missed == ()
        passages = [(str(g.loc).rsplit("/", 1)[-1], g.what)
                    for g in coverage["conditional passages"].missed]
        assert passages == [
            ("scenes.yaml:7:9", "passage 'You have been inside before.' in scene 'gate'"),
            ("scenes.yaml:10:9", "passage 'The gun has fired.' in scene 'gate'"),
        ]
        sides = [g.what for g in coverage["condition sides"].missed]
        assert sides == ["condition 'visited(hall)' in scene 'gate' never true",
                         "condition 'clock >= 21:40' in scene 'gate' never true"]

    def test_endings_are_counted_with_the_unreached_listed(self, story_named):
        story = story_named("sound")
        report = run_playtests(story, runs=30, seed=2, roles=["cadet"])
        assert [(e.id, count) for e, count in report.endings] == [("arrest", 15), ("home", 15)]
        assert report.roles == ("cadet",)


class TestErrors:
    def test_an_error_in_a_condition_is_a_failure_with_its_path(self, tiny_story):
        """A story fault that raises while playing is reported, never propagated."""
        hall = tiny_story.scenes["hall"]
        rule = hall.next[0]
        assert rule.condition is not None

        def broken(_state):
            raise KeyError("missing")

        faulty = replace(rule, condition=replace(rule.condition, evaluate=broken))
        story = replace(tiny_story, scenes={**tiny_story.scenes,
                                            "hall": replace(hall, next=(faulty, *hall.next[1:]))})
        report = run_playtests(story, runs=4, seed=0, roles=["cadet"])
        [entry] = report.failures
        assert entry.failure.kind is FailureKind.ERROR
        assert entry.failure.message == "KeyError: 'missing'"
        assert entry.failure.path == ()
        assert entry.count == 4
