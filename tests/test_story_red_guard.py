"""The Red Guard's night in the shipped story, played through the real engine.

Counts taken from the loaded story (scenes, words of prose, endings, beats,
documents), one recorded path to every Red Guard ending with the debrief it
earns, the crossings with the cadet entered inside their windows of the clock,
and random walks that must always reach an ending.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from palace import engine
from palace.debrief import build_debrief
from palace.loader import load_story
from palace.model import Choice, EndingKind, Scene, Story, Visibility
from palace.resources import shipped_story
from storypaths import minute, play, prose_words, scenes_of, tagged_beats, unlocked_by


ROLE = "red_guard"
C = engine.CONTINUE


@pytest.fixture(scope="module")
def story() -> Story:
    return load_story(shipped_story())


def rg_scenes(story: Story) -> dict[str, Scene]:
    return scenes_of(story, "rg_")


def rg_choices(story: Story) -> Iterator[Choice]:
    for scene in rg_scenes(story).values():
        yield from scene.choices


# --- the size of the night ---------------------------------------------------------


def test_at_least_thirty_red_guard_scenes(story):
    assert len(rg_scenes(story)) >= 30


def test_at_least_twelve_thousand_words_of_prose(story):
    total = sum(prose_words(scene) for scene in rg_scenes(story).values())
    assert total >= 12_000, total


def test_at_least_four_endings_both_myth_and_archive(story):
    endings = [s.ending for s in rg_scenes(story).values() if s.ending is not None]
    assert len(endings) >= 4
    kinds = {ending.kind for ending in endings}
    assert EndingKind.MYTH in kinds and EndingKind.ARCHIVE in kinds
    assert all(ending.id.startswith("rg_") for ending in endings)


def test_at_least_ten_beats_tagged(story):
    beats = tagged_beats(rg_scenes(story))
    assert len(beats) >= 10, sorted(beats)
    assert beats <= set(story.beats)


def test_at_least_twenty_documents_unlocked(story):
    documents = unlocked_by(rg_scenes(story))
    assert len(documents) >= 20, sorted(documents)
    assert documents <= set(story.documents)


def test_every_red_guard_scene_has_a_way_on_or_is_an_ending(story):
    for scene in rg_scenes(story).values():
        assert scene.ending is not None or scene.next or scene.choices, scene.id


# --- the opening shows every feature of the format ----------------------------------

OPENING = ("rg_vyborg_yard", "rg_mother_kitchen", "rg_truck_liteiny", "rg_smolny_yard",
           "rg_smolny_corridor", "rg_smolny_fire", "rg_mrc_orders")


def test_the_opening_uses_every_feature_of_the_format(story):
    scenes = [story.scenes[sid] for sid in OPENING]
    passages = [p for s in scenes for p in s.passages]
    choices = [c for s in scenes for c in s.choices]
    effects = [s.effects for s in scenes] + [c.effects for c in choices]
    slots = {slot.name for p in passages for slot in p.text.slots}
    assert {"clock", "rg_companion", "rg_rounds"} <= slots
    assert any(p.condition is not None and p.otherwise is not None for p in passages)
    assert any(c.reason and c.condition is not None for c in choices)
    assert any(c.condition is not None and c.unavailable is Visibility.HIDDEN for c in choices)
    assert any(c.once for c in choices)
    assert any(e.set for e in effects) and any(e.add for e in effects)
    assert any(e.advance for e in effects) and any(e.until is not None for e in effects)
    assert any(e.unlock for e in effects)
    assert any(len(s.next) == 1 for s in scenes)
    assert any(len(s.next) > 1 and s.next[0].condition is not None for s in scenes)
    # A scene tagged as a whole records its beat on entry; the opening's beats are
    # chosen, not walked into, so the night shows that form in the Small Dining Room.
    assert all(s.tag is None for s in scenes)
    assert story.scenes["rg_small_dining_room"].tag is not None
    assert any(p.tag is not None for p in passages)
    assert any(c.tag is not None for c in choices)


def test_the_yard_greys_hides_and_spends_its_choices(story):
    state = engine.start(story, ROLE)
    shown = {c.id: c for c in engine.view(story, state).choices}
    lorry = shown["rg_vyborg_yard.climb_lorry"]
    assert not lorry.available and lorry.reason
    assert "{" not in engine.view(story, state).paragraphs[0]
    state = engine.choose(story, state, "rg_vyborg_yard.take_rifle")
    state = engine.choose(story, state, "rg_vyborg_yard.pick_semyon")
    shown = {c.id: c for c in engine.view(story, state).choices}
    assert "rg_vyborg_yard.take_rifle" not in shown          # once
    assert "rg_vyborg_yard.pick_fedya" not in shown          # hidden condition
    assert shown["rg_vyborg_yard.climb_lorry"].available
    assert state.variables["rg_rounds"] == 15
    assert any("Semyon stays at your elbow" in p for p in engine.view(story, state).paragraphs)


# --- recorded paths to every ending ---------------------------------------------------

PATHS: dict[str, tuple[list[str], list[tuple[str, str]]]] = {
    "rg_end_storming": (
        ["rg_vyborg_yard.take_rifle", "rg_vyborg_yard.pick_fedya", "rg_vyborg_yard.climb_lorry",
         "rg_truck_liteiny.sing_city_rising", "rg_smolny_yard.rg_smolny_fire",
         "rg_smolny_fire.believe_the_sailor", C, "rg_truck_west.take_doorway",
         "rg_x_canal.canal_forward", "rg_canal_held.rg_ultimatum", "rg_ultimatum.edge_up_arch",
         "rg_arch_cossacks.follow_sailors_out", "rg_square_dark.lie_by_column",
         "x_aurora_gun.rg_after_gun", "rg_after_gun.signal_charge",
         "rg_first_rush.rg_column_night", "rg_column_night.rg_fortress_guns",
         "rg_fortress_guns.cheer_aurora", "rg_after_shells.wait_for_assault",
         "rg_long_wait.look_away", "rg_square_charge.run_upright",
         "rg_sea_of_fighters.rg_the_gates", "rg_the_gates.climb_gates",
         "rg_over_the_gates.rg_jordan", "rg_jordan.charge_staircase",
         "rg_staircase_battle.rg_malachite", "rg_malachite.arrest_in_malachite"],
        [("city_in_arms", "myth"), ("lenin_leads", "myth"), ("aurora_signal", "myth"),
         ("aurora_shelling", "myth"), ("side_doors", "myth"), ("the_dead", "myth"),
         ("square_charge", "myth"), ("iron_gates", "myth"), ("state_staircase", "myth"),
         ("ministers_taken", "myth")],
    ),
    "rg_end_ten_past_two": (
        ["rg_vyborg_yard.take_rifle", "rg_vyborg_yard.pick_semyon", "rg_vyborg_yard.run_home", C,
         "rg_vyborg_yard.climb_lorry", "rg_truck_liteiny.watch_the_tram",
         "rg_smolny_yard.rg_smolny_corridor", "rg_smolny_corridor.watch_the_door", C,
         "rg_telegraph.walk_by_moika", "rg_x_canal.canal_stay", "rg_canal_held.canal_shout",
         "rg_ultimatum.stay_by_wall", "rg_arch_cossacks.stay_under_arch",
         "rg_arch_probe.rg_square_dark", "rg_square_dark.go_to_river", "rg_neva_look.neva_linger",
         "x_aurora_gun.rg_after_gun", "rg_after_gun.stay_down", "rg_column_night.rg_fortress_guns",
         "rg_fortress_guns.watch_flashes", "rg_after_shells.the_cat_door",
         "rg_neva_door.keep_close", "rg_x_captives.give_cadet_bread",
         "rg_billets_freed.let_misha_go", "rg_dark_corridor.rg_hospital_wards",
         "rg_hospital_wards.rg_dark_corridor", "rg_dark_corridor.rg_kerensky_rooms",
         "rg_kerensky_rooms.take_pencil", "rg_upper_gallery.rg_toward_arab_hall",
         "rg_toward_arab_hall.middle_of_crowd", "rg_x_arab_hall.watch_officer",
         "rg_arab_hall_yield.rg_small_dining_room", "rg_small_dining_room.return_pocket"],
        [("lenin_leads", "archive"), ("city_in_arms", "archive"), ("aurora_signal", "archive"),
         ("aurora_shelling", "archive"), ("side_doors", "archive"),
         ("peoples_property", "archive"), ("ministers_taken", "archive"),
         ("the_dead", "archive")],
    ),
    "rg_end_escort": (
        ["rg_vyborg_yard.run_home", C, "rg_vyborg_yard.take_rifle", "rg_vyborg_yard.pick_fedya",
         "rg_vyborg_yard.climb_lorry", "rg_truck_liteiny.watch_the_tram",
         "rg_smolny_yard.rg_smolny_corridor", "rg_smolny_corridor.believe_lenin_leads", C,
         "rg_telegraph.cut_across_field", "rg_x_canal.canal_stay", "rg_canal_held.rg_ultimatum",
         "rg_ultimatum.stay_by_wall", "rg_arch_cossacks.stay_under_arch",
         "rg_arch_probe.rg_square_dark", "rg_square_dark.lie_by_column",
         "x_aurora_gun.rg_after_gun", "rg_after_gun.stay_down", "rg_column_night.rg_fortress_guns",
         "rg_fortress_guns.watch_flashes", "rg_after_shells.wait_for_assault",
         "rg_long_wait.kneel_by_him", "rg_square_charge.run_stooping",
         "rg_column_jam.rg_the_gates", "rg_the_gates.open_door_beside", "rg_courtyard.rg_jordan",
         "rg_jordan.small_stair", "rg_small_stair.rg_toward_arab_hall",
         "rg_toward_arab_hall.front_of_party", "rg_x_arab_hall.take_bayonet",
         "rg_arab_hall_yield.rg_small_dining_room", "rg_small_dining_room.join_escort"],
        [("lenin_leads", "myth"), ("city_in_arms", "archive"), ("aurora_signal", "archive"),
         ("aurora_shelling", "archive"), ("side_doors", "myth"), ("the_dead", "archive"),
         ("square_charge", "archive"), ("iron_gates", "archive"), ("state_staircase", "archive"),
         ("ministers_taken", "archive")],
    ),
    "rg_end_cellars": (
        ["rg_vyborg_yard.take_rifle", "rg_vyborg_yard.pick_semyon", "rg_vyborg_yard.climb_lorry",
         "rg_truck_liteiny.watch_the_tram", "rg_smolny_yard.rg_smolny_corridor",
         "rg_smolny_corridor.watch_the_door", C, "rg_telegraph.cut_across_field",
         "rg_x_canal.canal_stay", "rg_canal_held.rg_ultimatum", "rg_ultimatum.edge_up_arch",
         "rg_arch_cossacks.follow_sailors_out", "rg_square_dark.square_fire_high",
         "rg_square_dark.lie_by_column", "x_aurora_gun.rg_after_gun", "rg_after_gun.stay_down",
         "rg_column_night.column_fire_back", "rg_fortress_guns.watch_flashes",
         "rg_after_shells.boatswain_party", "rg_neva_door.drop_back", "rg_x_captives.sit_quiet",
         "rg_billets_freed.stand_guard", "rg_dark_corridor.rg_upper_gallery",
         "rg_upper_gallery.rg_dark_corridor", "rg_dark_corridor.rg_cellar_stair",
         "rg_cellar_stair.refuse_wine"],
        [("lenin_leads", "archive"), ("city_in_arms", "archive"), ("aurora_signal", "archive"),
         ("aurora_shelling", "archive"), ("side_doors", "archive"),
         ("peoples_property", "archive")],
    ),
    "rg_end_dustbin": (
        ["rg_vyborg_yard.take_rifle", "rg_vyborg_yard.pick_fedya", "rg_vyborg_yard.climb_lorry",
         "rg_truck_liteiny.watch_the_tram", "rg_smolny_yard.rg_smolny_corridor",
         "rg_smolny_corridor.believe_lenin_leads", C, "rg_telegraph.cut_across_field",
         "rg_x_canal.canal_forward", "rg_canal_held.rg_ultimatum", "rg_ultimatum.edge_up_arch",
         "rg_arch_cossacks.follow_sailors_out", "rg_square_dark.lie_by_column",
         "x_aurora_gun.rg_after_gun", "rg_after_gun.signal_charge",
         "rg_first_rush.rg_column_night", "rg_column_night.take_note",
         "rg_runner_nevsky.ride_lorry", "rg_smolny_door.rg_congress_opens",
         "rg_congress_opens.push_forward", "rg_congress_guns.listen_to_aurora",
         "rg_walkout.hear_it_clearly"],
        [("lenin_leads", "myth"), ("city_in_arms", "archive"), ("aurora_signal", "myth"),
         ("aurora_shelling", "myth"), ("dustbin_of_history", "myth")],
    ),
    "rg_end_congress": (
        ["rg_vyborg_yard.run_home", C, "rg_vyborg_yard.take_rifle", "rg_vyborg_yard.pick_semyon",
         "rg_vyborg_yard.climb_lorry", "rg_truck_liteiny.sing_city_rising",
         "rg_smolny_yard.rg_smolny_corridor", "rg_smolny_corridor.watch_the_door", C,
         "rg_telegraph.walk_by_moika", "rg_x_canal.canal_stay", "rg_canal_held.rg_ultimatum",
         "rg_ultimatum.share_bread", "rg_ultimatum_bread.rg_arch_cossacks",
         "rg_arch_cossacks.follow_sailors_out", "rg_square_dark.go_to_river",
         "rg_neva_look.back_to_column", "x_aurora_gun.rg_after_gun", "rg_after_gun.stay_down",
         "rg_column_night.take_note", "rg_runner_nevsky.run_all_the_way",
         "rg_smolny_door.rg_congress_opens", "rg_congress_opens.stay_by_door",
         "rg_congress_guns.ask_the_sailor", "rg_walkout.ask_around",
         "rg_small_hours.yard_for_air"],
        [("lenin_leads", "archive"), ("city_in_arms", "archive"), ("aurora_signal", "archive"),
         ("aurora_shelling", "archive"), ("dustbin_of_history", "archive")],
    ),
}


def test_every_red_guard_ending_has_a_recorded_path(story):
    endings = {s.ending.id for s in rg_scenes(story).values() if s.ending is not None}
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
    debrief = build_debrief(story, state)
    lived = [(b.beat.id, b.account.value) for b in debrief.lived]
    assert lived == expected
    assert debrief.myth == sum(1 for _, a in expected if a == "myth")
    assert debrief.archive == sum(1 for _, a in expected if a == "archive")
    visited = [scene for scene, _ in entered]
    for lived_beat in debrief.lived:
        assert lived_beat.scene in visited, lived_beat
    assert {b.id for b in debrief.missed}.isdisjoint(b for b, _ in expected)


def test_a_night_of_legend_and_a_night_of_record_get_their_verdicts(story):
    myth_state, _ = play(story, ROLE, PATHS["rg_end_storming"][0])
    assert "as the legend tells it" in build_debrief(story, myth_state).verdict()
    archive_state, _ = play(story, ROLE, PATHS["rg_end_cellars"][0])
    assert "as the record tells it" in build_debrief(story, archive_state).verdict()


# --- the crossings with the cadet ------------------------------------------------------

CROSSINGS = {
    "rg_x_canal": ("millionnaya", "18:00", "18:20"),
    "rg_x_captives": ("cadet_billets", "23:20", "23:50"),
    "rg_x_arab_hall": ("arab_hall", "01:45", "02:00"),
}


def in_window(story: Story, scene: str, clock: int) -> bool:
    _, start, end = CROSSINGS[scene]
    return minute(story, start) <= clock <= minute(story, end)


def test_crossing_scenes_exist_at_the_agreed_places(story):
    for scene_id, (location, _, _) in CROSSINGS.items():
        assert story.scenes[scene_id].location == location
    shared = story.scenes["x_aurora_gun"]
    assert shared.location == "palace_front"
    targets = {c.target: c.roles for c in shared.choices}
    assert targets["rg_after_gun"] == (ROLE,)


@pytest.mark.parametrize("ending", sorted(PATHS))
def test_recorded_paths_enter_crossings_inside_their_windows(story, ending):
    _, entered = play(story, ROLE, PATHS[ending][0])
    for scene, clock in entered:
        if scene in CROSSINGS:
            assert in_window(story, scene, clock), (scene, clock)
        if scene == "x_aurora_gun":
            assert clock == minute(story, "21:40")


def test_every_crossing_is_met_on_some_recorded_path(story):
    met = set()
    for path, _ in PATHS.values():
        _, entered = play(story, ROLE, path)
        met.update(scene for scene, _ in entered if scene in CROSSINGS)
    assert met == set(CROSSINGS)


# --- random walks ----------------------------------------------------------------------


def test_random_walks_always_reach_an_ending(story):
    reached = set()
    for n in range(300):
        rng = random.Random(n)
        state = engine.start(story, ROLE)
        for _ in range(400):
            view = engine.view(story, state)
            assert not view.is_stuck, (n, state.scene)
            if state.scene in CROSSINGS:
                assert in_window(story, state.scene, state.clock), (n, state.scene, state.clock)
            if view.ending is not None:
                reached.add(view.ending.id)
                break
            state = engine.choose(story, state, rng.choice(engine.available_choices(story, state)))
        else:
            pytest.fail(f"walk {n} found no ending in 400 steps; it ended in {state.scene}")
    assert reached == set(PATHS)
