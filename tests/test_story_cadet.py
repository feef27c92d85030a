"""The officer cadet's night in the shipped story, played through the real engine.

Counts taken from the loaded story (scenes, words of prose, endings, beats, the
documents only the cadet's paths unlock), one recorded path to every cadet
ending with the debrief it earns, the three crossings with the Red Guard entered
inside their agreed windows by both roles, and seeded random walks that must
always reach an ending.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from palace import engine
from palace.debrief import build_debrief
from palace.loader import load_story
from palace.model import Choice, EndingKind, Scene, Story
from palace.resources import shipped_story
from storypaths import minute, play, prose_words, scenes_of, tagged_beats, unlocked_by


ROLE = "cadet"


@pytest.fixture(scope="module")
def story() -> Story:
    return load_story(shipped_story())


def cd_scenes(story: Story) -> dict[str, Scene]:
    return scenes_of(story, "cd_")


def choices_of(scenes: dict[str, Scene]) -> Iterator[Choice]:
    for scene in scenes.values():
        yield from scene.choices


# --- the size of the night ---------------------------------------------------------


def test_at_least_thirty_cadet_scenes(story):
    assert len(cd_scenes(story)) >= 30


def test_at_least_twelve_thousand_words_of_prose(story):
    total = sum(prose_words(scene) for scene in cd_scenes(story).values())
    assert total >= 12_000, total


def test_at_least_four_endings_both_myth_and_archive(story):
    endings = [s.ending for s in cd_scenes(story).values() if s.ending is not None]
    assert len(endings) >= 4
    kinds = {ending.kind for ending in endings}
    assert EndingKind.MYTH in kinds and EndingKind.ARCHIVE in kinds
    assert all(ending.id.startswith("cd_") for ending in endings)


def test_at_least_ten_beats_tagged_in_cadet_scenes_and_choices(story):
    beats = tagged_beats(cd_scenes(story))
    assert len(beats) >= 10, sorted(beats)
    assert beats <= set(story.beats)


def test_every_cadet_scene_has_a_way_on_or_is_an_ending(story):
    for scene in cd_scenes(story).values():
        assert scene.ending is not None or scene.next or scene.choices, scene.id


def test_cadet_variables_carry_the_prefix(story):
    cadet = [name for name in story.variables if name.startswith("cd_")]
    assert {"cd_grisha", "cd_rifle", "cd_word", "cd_post", "cd_letter", "cd_parole"} <= set(cadet)


# --- recorded paths to every ending ---------------------------------------------------

C = engine.CONTINUE
M, A = "myth", "archive"

PATHS: dict[str, tuple[list[str], list[tuple[str, str]]]] = {
    # Out under the arch with the battery at four, into the cordon, home before dark.
    "cd_end_battery": (
        ["cd_billet.billet_letter", "cd_billet.kerensky_ask", "cd_kerensky.cd_guns",
         "cd_guns.guns_letter", "cd_guns.guns_go_with", "cd_battery_march.cd_end_battery"],
        [("kerensky_flight", A), ("artillery_leaves", A), ("last_man", A)],
    ),
    # Every beat as the legend tells it, to the stand in the green hall.
    "cd_end_last_stand": (
        ["cd_billet.kerensky_laugh", "cd_kerensky.cd_guns", "cd_guns.cd_guns_ready",
         "cd_guns_ready.cd_orders", "cd_orders.count_believe", "cd_roll.cd_lost",
         "cd_lost.cd_hospital", "cd_hospital.cd_malachite", "cd_malachite.cd_x_canal",
         "cd_x_canal.canal_escort", "cd_chudnovsky_held.cd_ultimatum",
         "cd_ultimatum.cd_defiance", "cd_defiance.cd_cossacks", "cd_cossacks.cossacks_believe",
         "cd_first_probe.cd_drift", "cd_drift.drift_word", "cd_window.x_aurora_gun",
         "x_aurora_gun.cd_after_gun", "cd_after_gun.cd_barricade_dark",
         "cd_barricade_dark.cd_gallery_call", "cd_gallery_call.gallery_fight",
         "cd_grenade.grenade_grisha", "cd_kishkin.cd_women", "cd_women.cd_women_legend",
         "cd_women_legend.cd_fortress_fire", "cd_fortress_fire.shells_cruiser",
         "cd_doors.cd_front", "cd_front.cd_dark_hours", "cd_dark_hours.cd_ministers_room",
         "cd_ministers_room.cd_malachite_stand", "cd_malachite_stand.cd_end_last_stand"],
        [("kerensky_flight", M), ("artillery_leaves", M), ("defenders_count", M),
         ("the_ultimatum", M), ("cossacks_leave", M), ("last_man", M), ("aurora_signal", M),
         ("grenade_gallery", M), ("womens_battalion", M), ("aurora_shelling", M),
         ("side_doors", M), ("no_bloodshed", M), ("ministers_taken", M), ("the_dead", M)],
    ),
    # Every beat as the record tells it: the canal, the supper, the captives, 02:10.
    "cd_end_ten_past_two": (
        ["cd_billet.kerensky_ask", "cd_kerensky.cd_guns", "cd_guns.cd_battery_goes",
         "cd_battery_goes.cd_orders", "cd_orders.count_answers", "cd_roll.cd_canal_wait",
         "cd_canal_wait.canal_wait_logs", "cd_x_canal.canal_hold",
         "cd_canal_after.cd_ultimatum", "cd_ultimatum.cd_supper", "cd_supper.cd_cossacks",
         "cd_cossacks.cossacks_watch", "cd_first_probe.cd_drift", "cd_drift.drift_stay",
         "cd_window.x_aurora_gun", "x_aurora_gun.cd_after_gun",
         "cd_after_gun.cd_nothing_follows", "cd_nothing_follows.cd_gallery_call",
         "cd_gallery_call.gallery_bucket", "cd_grenade.grenade_grisha", "cd_kishkin.cd_women",
         "cd_women.cd_women_room", "cd_women_room.cd_fortress_fire",
         "cd_fortress_fire.shells_flashes", "cd_doors.cd_x_captives",
         "cd_x_captives.captives_talk", "cd_captives_turned.turned_warn",
         "cd_dark_hours.cd_ministers_room", "cd_ministers_room.cd_x_arab_hall",
         "cd_x_arab_hall.arab_officer", "cd_arab_yield.cd_surrender",
         "cd_surrender.cd_released", "cd_released.released_parole",
         "cd_home.cd_end_ten_past_two"],
        [("kerensky_flight", A), ("artillery_leaves", A), ("defenders_count", A),
         ("the_ultimatum", A), ("cossacks_leave", A), ("last_man", A), ("aurora_signal", A),
         ("grenade_gallery", A), ("womens_battalion", A), ("aurora_shelling", A),
         ("side_doors", A), ("no_bloodshed", A), ("ministers_taken", A), ("the_dead", A)],
    ),
    # Runner upstairs, Grisha sent home with the letter, captives, out by the Neva door.
    "cd_end_neva": (
        ["cd_billet.billet_letter", "cd_billet.kerensky_ask", "cd_kerensky.cd_guns",
         "cd_guns.cd_battery_goes", "cd_battery_goes.cd_orders", "cd_orders.count_answers",
         "cd_roll.cd_lost", "cd_lost.cd_hospital", "cd_hospital.cd_malachite",
         "cd_malachite.cd_supper", "cd_supper.cd_cossacks", "cd_cossacks.cossacks_believe",
         "cd_first_probe.cd_drift", "cd_drift.cd_neva_look", "cd_neva_look.neva_letter",
         "cd_neva_look.cd_window", "cd_window.x_aurora_gun", "x_aurora_gun.cd_after_gun",
         "cd_after_gun.cd_nothing_follows", "cd_nothing_follows.cd_gallery_call",
         "cd_gallery_call.gallery_bucket", "cd_grenade.grenade_carry", "cd_kishkin.cd_women",
         "cd_women.cd_women_room", "cd_women_room.cd_fortress_fire",
         "cd_fortress_fire.shells_flashes", "cd_doors.cd_x_captives",
         "cd_x_captives.captives_guard", "cd_captives_turned.cd_neva_escape",
         "cd_neva_escape.cd_end_neva"],
        [("kerensky_flight", A), ("artillery_leaves", A), ("defenders_count", A),
         ("the_ultimatum", A), ("cossacks_leave", M), ("aurora_signal", A),
         ("grenade_gallery", A), ("womens_battalion", A), ("aurora_shelling", A),
         ("side_doors", A), ("last_man", A)],
    ),
    # A night half legend, half record, told afterwards as the legend.
    "cd_end_emigre": (
        ["cd_billet.kerensky_laugh", "cd_kerensky.cd_guns", "cd_guns.cd_guns_ready",
         "cd_guns_ready.cd_orders", "cd_orders.count_answers", "cd_roll.cd_canal_wait",
         "cd_canal_wait.canal_wait_walk", "cd_x_canal.canal_escort",
         "cd_chudnovsky_held.cd_ultimatum", "cd_ultimatum.cd_defiance",
         "cd_defiance.cd_cossacks", "cd_cossacks.cossacks_watch", "cd_first_probe.cd_drift",
         "cd_drift.drift_stay", "cd_window.x_aurora_gun", "x_aurora_gun.cd_after_gun",
         "cd_after_gun.cd_barricade_dark", "cd_barricade_dark.cd_gallery_call",
         "cd_gallery_call.gallery_bucket", "cd_grenade.grenade_grisha", "cd_kishkin.cd_women",
         "cd_women.cd_women_room", "cd_women_room.cd_fortress_fire",
         "cd_fortress_fire.shells_cruiser", "cd_doors.cd_x_captives",
         "cd_x_captives.captives_water", "cd_captives_turned.turned_ask",
         "cd_boatswain.cd_dark_hours", "cd_dark_hours.dark_pick_rifle",
         "cd_dark_hours.cd_ministers_room", "cd_ministers_room.cd_x_arab_hall",
         "cd_x_arab_hall.arab_level", "cd_arab_yield.cd_surrender", "cd_surrender.cd_released",
         "cd_released.released_silent", "cd_home.cd_end_emigre"],
        [("kerensky_flight", M), ("artillery_leaves", M), ("defenders_count", A),
         ("the_ultimatum", M), ("cossacks_leave", A), ("last_man", A), ("aurora_signal", M),
         ("grenade_gallery", A), ("womens_battalion", A), ("aurora_shelling", M),
         ("side_doors", A), ("no_bloodshed", A), ("ministers_taken", A), ("the_dead", M)],
    ),
    # The word given to the officer and to the sailor, and Sunday the 29th.
    "cd_end_rising": (
        ["cd_billet.kerensky_ask", "cd_kerensky.cd_guns", "cd_guns.cd_battery_goes",
         "cd_battery_goes.cd_orders", "cd_orders.count_believe", "cd_roll.cd_lost",
         "cd_lost.cd_hospital", "cd_hospital.cd_malachite", "cd_malachite.cd_x_canal",
         "cd_x_canal.canal_hold", "cd_canal_after.cd_ultimatum", "cd_ultimatum.cd_supper",
         "cd_supper.cd_cossacks", "cd_cossacks.cossacks_watch", "cd_first_probe.cd_drift",
         "cd_drift.drift_word", "cd_window.x_aurora_gun", "x_aurora_gun.cd_after_gun",
         "cd_after_gun.cd_nothing_follows", "cd_nothing_follows.cd_gallery_call",
         "cd_gallery_call.gallery_fight", "cd_grenade.grenade_grisha", "cd_kishkin.cd_women",
         "cd_women.cd_women_legend", "cd_women_legend.cd_fortress_fire",
         "cd_fortress_fire.shells_flashes", "cd_doors.cd_front", "cd_front.cd_dark_hours",
         "cd_dark_hours.cd_ministers_room", "cd_ministers_room.cd_x_arab_hall",
         "cd_x_arab_hall.arab_level", "cd_arab_yield.cd_surrender", "cd_surrender.cd_released",
         "cd_released.released_parole", "cd_home.cd_end_rising"],
        [("kerensky_flight", A), ("artillery_leaves", A), ("defenders_count", M),
         ("the_ultimatum", A), ("cossacks_leave", A), ("last_man", M), ("aurora_signal", A),
         ("grenade_gallery", M), ("womens_battalion", M), ("aurora_shelling", A),
         ("side_doors", M), ("no_bloodshed", A), ("ministers_taken", A)],
    ),
}


def test_every_cadet_ending_has_a_recorded_path(story):
    endings = {s.ending.id for s in cd_scenes(story).values() if s.ending is not None}
    assert endings == set(PATHS)


@pytest.mark.parametrize("ending", sorted(PATHS))
def test_recorded_path_reaches_its_ending(story, ending):
    state, _ = play(story, ROLE, PATHS[ending][0])
    view = engine.view(story, state)
    assert view.ending is not None
    assert view.ending.id == ending
    assert engine.available_choices(story, state) == []


@pytest.mark.parametrize("ending", sorted(PATHS))
def test_debrief_lists_the_beats_the_path_recorded(story, ending):
    path, expected = PATHS[ending]
    state, entered = play(story, ROLE, path)
    recorded = [(entry.beat, entry.account.value) for entry in state.accounts]
    assert recorded == expected
    debrief = build_debrief(story, state)
    lived = [(b.beat.id, b.account.value) for b in debrief.lived]
    assert lived == expected
    assert debrief.myth == sum(1 for _, a in expected if a == M)
    assert debrief.archive == sum(1 for _, a in expected if a == A)
    visited = [scene for scene, _ in entered]
    for lived_beat in debrief.lived:
        assert lived_beat.scene in visited, lived_beat
    assert {b.id for b in debrief.missed}.isdisjoint(b for b, _ in expected)


def test_a_night_of_legend_and_a_night_of_record_get_their_verdicts(story):
    legend, _ = play(story, ROLE, PATHS["cd_end_last_stand"][0])
    assert "as the legend tells it" in build_debrief(story, legend).verdict()
    record, _ = play(story, ROLE, PATHS["cd_end_ten_past_two"][0])
    assert "as the record tells it" in build_debrief(story, record).verdict()


def test_endings_of_both_kinds_are_reached_by_the_recorded_paths(story):
    kinds = set()
    for path, _ in PATHS.values():
        state, _ = play(story, ROLE, path)
        kinds.add(engine.view(story, state).ending.kind)
    assert {EndingKind.MYTH, EndingKind.ARCHIVE} <= kinds


# --- choices that matter -------------------------------------------------------------


def test_the_letter_is_written_once_and_carried(story):
    state = engine.start(story, ROLE)
    state = engine.choose(story, state, "cd_billet.billet_letter")
    assert state.variables["cd_letter"] == "pocket"
    assert "cd_billet.billet_letter" not in engine.available_choices(story, state)
    assert any("breast pocket" in p for p in engine.view(story, state).paragraphs)
    neva, _ = play(story, ROLE, PATHS["cd_end_neva"][0])
    assert neva.variables["cd_letter"] == "Grisha"
    assert any("young man in spectacles" in p for p in engine.view(story, neva).paragraphs)


def test_grisha_is_hurt_only_if_he_stayed(story):
    stayed, _ = play(story, ROLE, PATHS["cd_end_ten_past_two"][0])
    assert stayed.variables["cd_grisha"] == "hurt"
    sent_home, _ = play(story, ROLE, PATHS["cd_end_neva"][0])
    assert sent_home.variables["cd_grisha"] == "home"


def test_the_stand_is_greyed_without_a_rifle(story):
    path = PATHS["cd_end_ten_past_two"][0]
    state, _ = play(story, ROLE, path[:path.index("cd_dark_hours.cd_ministers_room") + 1])
    assert state.scene == "cd_ministers_room"
    assert state.variables["cd_rifle"] is False
    shown = {c.id: c for c in engine.view(story, state).choices}
    stand = shown["cd_ministers_room.cd_malachite_stand"]
    assert not stand.available and stand.reason


def test_the_post_thins_through_the_evening(story):
    path = PATHS["cd_end_ten_past_two"][0]
    counts = []
    state = engine.start(story, ROLE)
    for choice_id in path:
        state = engine.choose(story, state, choice_id)
        counts.append(state.variables["cd_post"])
    assert counts[0] == 40
    assert counts == sorted(counts, reverse=True)
    assert counts[-1] == 0


# --- documents ------------------------------------------------------------------------


def test_ten_documents_unlocked_on_cadet_paths_that_the_red_guard_never_unlocks(story):
    # Whatever an rg_ scene or choice unlocks, or a scene both roles share.
    red_guard = unlocked_by({sid: scene for sid, scene in story.scenes.items()
                             if not sid.startswith("cd_")})
    on_paths: set[str] = set()
    for path, _ in PATHS.values():
        state, _ = play(story, ROLE, path)
        on_paths.update(state.documents)
    only_cadet = on_paths - red_guard
    assert len(only_cadet) >= 10, sorted(only_cadet)
    assert unlocked_by(cd_scenes(story)) <= set(story.documents)


# --- the crossings with the Red Guard -------------------------------------------------

CROSSINGS = {
    ("rg_x_canal", "cd_x_canal"): ("millionnaya", "18:00", "18:20"),
    ("rg_x_captives", "cd_x_captives"): ("cadet_billets", "23:20", "23:50"),
    ("rg_x_arab_hall", "cd_x_arab_hall"): ("arab_hall", "01:45", "02:00"),
}
WINDOWS = {scene: (start, end) for pair, (_, start, end) in CROSSINGS.items() for scene in pair}


def in_window(story: Story, scene: str, clock: int) -> bool:
    start, end = WINDOWS[scene]
    return minute(story, start) <= clock <= minute(story, end)


def test_crossing_pairs_exist_at_the_same_place(story):
    for (rg, cd), (location, _, _) in CROSSINGS.items():
        assert rg in story.scenes and cd in story.scenes, (rg, cd)
        assert story.scenes[rg].location == story.scenes[cd].location == location


def test_the_shared_gun_leads_the_cadet_on_to_cd_after_gun(story):
    shared = story.scenes["x_aurora_gun"]
    targets = {c.target: c.roles for c in shared.choices}
    assert targets["cd_after_gun"] == (ROLE,)


@pytest.mark.parametrize("ending", sorted(PATHS))
def test_recorded_cadet_paths_enter_crossings_inside_their_windows(story, ending):
    _, entered = play(story, ROLE, PATHS[ending][0])
    for scene, clock in entered:
        if scene in WINDOWS:
            assert in_window(story, scene, clock), (scene, clock)
        if scene == "x_aurora_gun":
            assert clock == minute(story, "21:40")


def test_every_cadet_crossing_is_met_on_some_recorded_path(story):
    met = set()
    for path, _ in PATHS.values():
        _, entered = play(story, ROLE, path)
        met.update(scene for scene, _ in entered if scene in WINDOWS)
    assert {cd for _, cd in CROSSINGS} <= met
    assert "x_aurora_gun" in {scene for path, _ in PATHS.values()
                              for scene, _ in play(story, ROLE, path)[1]}


def walk(story: Story, role: str, seed: int, steps: int = 400) -> list[tuple[str, int]]:
    """A seeded uniform random walk from the role's start until an ending, as (scene, clock)."""
    rng = random.Random(seed)
    state = engine.start(story, role)
    entered = [(state.scene, state.clock)]
    for _ in range(steps):
        view = engine.view(story, state)
        assert not view.is_stuck, (role, seed, state.scene)
        if view.ending is not None:
            return entered
        state = engine.choose(story, state, rng.choice(engine.available_choices(story, state)))
        entered.append((state.scene, state.clock))
    pytest.fail(f"{role} walk {seed} found no ending in {steps} steps; it ended in {state.scene}")


@pytest.mark.parametrize("role", ["red_guard", ROLE])
def test_both_roles_enter_the_crossings_inside_the_agreed_windows(story, role):
    prefix = "rg_" if role == "red_guard" else "cd_"
    wanted = {scene for pair in CROSSINGS for scene in pair if scene.startswith(prefix)}
    met: dict[str, set[int]] = {}
    for seed in range(200):
        for scene, clock in walk(story, role, seed):
            if scene in wanted:
                met.setdefault(scene, set()).add(clock)
                assert in_window(story, scene, clock), (role, seed, scene, clock)
    assert set(met) == wanted, sorted(met)


# --- random walks ----------------------------------------------------------------------


def test_random_walks_always_reach_an_ending(story):
    reached = set()
    for n in range(300):
        rng = random.Random(n)
        state = engine.start(story, ROLE)
        for _ in range(400):
            view = engine.view(story, state)
            assert not view.is_stuck, (n, state.scene)
            if state.scene in WINDOWS:
                assert in_window(story, state.scene, state.clock), (n, state.scene, state.clock)
            if view.ending is not None:
                reached.add(view.ending.id)
                break
            state = engine.choose(story, state, rng.choice(engine.available_choices(story, state)))
        else:
            pytest.fail(f"walk {n} found no ending in 400 steps; it ended in {state.scene}")
    assert reached == set(PATHS)
