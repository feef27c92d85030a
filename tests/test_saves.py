"""The save format: a game written as JSON reads back exactly; a damaged, foreign-format or
hand-edited document gets a message naming the file and what is wrong; old formats migrate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from palace import engine
from palace.errors import SaveError
from palace.loader import load_story
from palace.model import Story
from palace.resources import shipped_story
from palace.saveformat import (
    MIN_COMPATIBLE_VERSION,
    SAVE_FORMAT_VERSION,
    checksum,
    decode,
    decode_header,
    encode,
)
from palace.savegame import SaveGame, SaveHeader, StoryStamp, Summary, make_save
from palace.savemigrations import MIGRATIONS
from palace.state import Account, AccountEntry, GameState
from palace.undo import UNDO_LIMIT
from savehelpers import SAVED_AT, typed, walk


FIXTURES = Path(__file__).parent / "savefixtures"
SOURCE = "saves/test.json"


def round_trip(save: SaveGame) -> SaveGame:
    return decode(encode(save).encode("utf-8"), source=SOURCE).save


@pytest.fixture(scope="module")
def sample(tiny_story) -> SaveGame:
    """The guard's night: rifle taken, in by the side door, the memoir read."""
    state, undo = walk(tiny_story, "guard", [0, 1, 100])
    return make_save(tiny_story, state, undo, saved_at=SAVED_AT)


@pytest.fixture(scope="module")
def shipped() -> Story:
    return load_story(shipped_story())


def edited(save: SaveGame, change, *, keep_checksum: bool = False) -> bytes:
    """The encoded save with ``change`` applied to its JSON; the checksum is made to
    match again unless ``keep_checksum``."""
    document = json.loads(encode(save))
    change(document)
    if not keep_checksum:
        document["checksum"] = checksum(document)
    return json.dumps(document, indent=2).encode("utf-8")


class TestRoundTrip:
    def test_a_save_reads_back_equal(self, sample):
        assert typed(round_trip(sample)) == typed(sample)
        assert sample.state.scene == "hall" and len(sample.undo) == 2

    def test_the_file_is_readable_json_in_a_fixed_order(self, sample):
        text = encode(sample)
        document = json.loads(text)
        assert list(document) == ["palace_save", "story", "saved_at", "summary", "state",
                                  "undo", "checksum"]
        assert document["palace_save"] == SAVE_FORMAT_VERSION
        assert document["story"]["id"] == "tiny" and document["story"]["version"] == "1.0"
        assert document["summary"] == {"role": "Red Guard", "scene": "The Great Hall",
                                       "clock": "25 Oct 21:40 (7 Nov)"}
        assert document["saved_at"] == "2026-11-23T09:30:15.250000+00:00"
        assert document["checksum"].startswith("sha256:")
        assert '\n  "state": {\n    "role": "guard",' in text

    def test_each_undo_step_stores_only_what_changed(self, sample):
        patches = json.loads(encode(sample))["undo"]
        assert patches[0] == {
            "scene": "gate", "clock": 1210, "visits": {"drop": ["hall"]},
            "documents": {"keep": 0, "add": []}, "history": {"keep": 1, "add": []},
            "accounts": {"keep": 0, "add": []}, "read": {"drop": ["memoir"]},
            "taken": {"drop": ["gate.hall.2"]},
        }

    def test_a_long_night_keeps_the_last_undo_limit_steps(self, tiny_story):
        state, undo = walk(tiny_story, "guard", [0] * (UNDO_LIMIT + 50))
        assert len(undo) == UNDO_LIMIT
        loaded = round_trip(make_save(tiny_story, state, undo, saved_at=SAVED_AT))
        assert typed(loaded.undo) == typed(undo)

    @settings(max_examples=150, deadline=None)
    @given(role=st.sampled_from(["guard", "cadet"]),
           moves=st.lists(st.integers(min_value=0, max_value=120), max_size=40))
    def test_any_reachable_state_survives_save_and_load(self, tiny_story, role, moves):
        state, undo = walk(tiny_story, role, moves)
        save = make_save(tiny_story, state, undo, saved_at=SAVED_AT)
        assert typed(round_trip(save)) == typed(save)

    @settings(max_examples=60, deadline=None)
    @given(data=st.data(), moves=st.lists(st.integers(min_value=0, max_value=120),
                                          max_size=80))
    def test_any_reachable_state_of_the_shipped_story_survives(self, shipped, data, moves):
        role = data.draw(st.sampled_from(sorted(shipped.roles)))
        state, undo = walk(shipped, role, moves)
        save = make_save(shipped, state, undo, saved_at=SAVED_AT)
        assert typed(round_trip(save)) == typed(save)


_texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)
_values = st.one_of(st.booleans(), st.integers(), _texts)


@st.composite
def game_states(draw: st.DrawFn) -> GameState:
    """Any state of the right types, reachable or not: the codec must not care."""
    documents = tuple(draw(st.lists(_texts, unique=True, max_size=4)))
    return GameState(
        role=draw(_texts), scene=draw(_texts), clock=draw(st.integers(min_value=0)),
        variables=draw(st.dictionaries(_texts, _values, max_size=4)),
        visits=draw(st.dictionaries(_texts, st.integers(min_value=0), max_size=4)),
        documents=documents,
        read=frozenset(draw(st.sets(st.sampled_from(documents))) if documents else ()),
        accounts=tuple(draw(st.lists(st.builds(
            AccountEntry, _texts, st.sampled_from(list(Account)), _texts,
            st.integers(min_value=0)), max_size=3))),
        taken=frozenset(draw(st.sets(_texts, max_size=3))),
        history=tuple(draw(st.lists(_texts, max_size=5))),
    )


@settings(max_examples=150, deadline=None)
@given(state=game_states(), undo=st.lists(game_states(), max_size=4), title=_texts)
def test_any_state_and_history_survive_the_codec(state, undo, title):
    save = SaveGame(SaveHeader(StoryStamp("s", title, "1", "f"), SAVED_AT,
                               Summary("r", "s", "c")), state, tuple(undo))
    assert typed(round_trip(save)) == typed(save)


class TestDamagedSaves:
    def test_empty_file(self):
        with pytest.raises(SaveError, match=r"^saves/test\.json: the file is empty; it was "
                                            r"never written in full$"):
            decode(b"  \n", source=SOURCE)

    def test_not_utf8(self):
        with pytest.raises(SaveError, match=r"not UTF-8 text \(bad byte at offset 1\)"):
            decode(b"{\xff}", source=SOURCE)

    def test_bad_json_names_line_and_column(self, sample):
        text = encode(sample).replace('"clock": 1300,', '"clock": 1300', 1)
        with pytest.raises(SaveError, match=r"^saves/test\.json: not valid JSON: Expecting ',' "
                                            r"delimiter \(line 19, column 5\)$"):
            decode(text.encode(), source=SOURCE)

    def test_a_file_cut_short_at_any_byte_is_reported_as_such(self, sample):
        data = encode(sample).encode()
        for length in range(1, len(data) - 2, 7):
            with pytest.raises(SaveError, match=r"it was cut short|not valid JSON"):
                decode(data[:length], source=SOURCE)
        with pytest.raises(SaveError, match=rf"the file stops in the middle \({len(data) // 2} "
                                            r"bytes\): it was cut short"):
            decode(data[:len(data) // 2], source=SOURCE)

    def test_failed_checksum(self, sample):
        def cheat(document):
            document["state"]["variables"]["courage"] = 99

        with pytest.raises(SaveError, match=r"^saves/test\.json: the checksum does not match "
                                            r"the contents: the file was damaged, or edited "
                                            r"after it was saved$"):
            decode(edited(sample, cheat, keep_checksum=True), source=SOURCE)

    @pytest.mark.parametrize(("path", "value", "message"), [
        (("state", "clock"), "ten", 'expected a whole number, found the text "ten" @ '
                                    "$.state.clock"),
        (("state", "variables", "courage"), 1.5, "expected true, false, a whole number or "
                                                 "text, found 1.5 @ $.state.variables.courage"),
        (("state", "visits", "gate"), -1, "expected a whole number of at least 0, found -1 @ "
                                          "$.state.visits.gate"),
        (("state", "documents"), "memoir", 'expected a list, found the text "memoir" @ '
                                           "$.state.documents"),
        (("state", "accounts", 0, "account"), "legend", "expected one of myth, archive, found "
                                                        'the text "legend" @ '
                                                        "$.state.accounts[0].account"),
        (("story", "version"), None, "expected text, found null @ $.story.version"),
        (("saved_at",), "yesterday", 'expected a date and time, found the text "yesterday" '
                                     "@ $.saved_at"),
        (("undo", 0, "clock"), True, "expected a whole number, found true @ $.undo[0].clock"),
        (("undo", 1, "scene"), [], "expected text, found a list @ $.undo[1].scene"),
    ])
    def test_wrong_types_name_their_path(self, sample, path, value, message):
        def change(document):
            target = document
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value

        with pytest.raises(SaveError) as caught:
            decode(edited(sample, change), source=SOURCE)
        assert str(caught.value) == f"{SOURCE}: {message}"

    def test_a_missing_field_is_named(self, sample):
        with pytest.raises(SaveError, match=r"the field 'scene' is missing @ \$\.state$"):
            decode(edited(sample, lambda d: d["state"].pop("scene")), source=SOURCE)

    def test_a_document_read_but_never_found_is_a_wrong_state(self, sample):
        with pytest.raises(SaveError, match=r'"leaflet" is marked read but is not among the '
                                            r"documents found @ \$\.state\.read"):
            decode(edited(sample, lambda d: d["state"]["read"].append("leaflet")),
                   source=SOURCE)

    def test_an_unknown_patch_field_is_refused(self, sample):
        with pytest.raises(SaveError, match=r"a patch has no field 'mood' here; it may have "
                                            r"accounts, .* @ \$\.undo\[0\]\.mood"):
            decode(edited(sample, lambda d: d["undo"][0].update(mood=1)), source=SOURCE)

    @pytest.mark.parametrize("text", ['{"format": 1}', "[1, 2]", '"palace_save"'])
    def test_other_json_is_not_a_save(self, text):
        with pytest.raises(SaveError, match=r"not a Palace save \(it has no 'palace_save' "
                                            r"field\)"):
            decode(text.encode(), source=SOURCE)

    def test_a_newer_format_asks_for_a_newer_palace(self, sample):
        data = edited(sample, lambda d: d.update(palace_save=SAVE_FORMAT_VERSION + 1))
        with pytest.raises(SaveError, match=rf"made by a newer Palace \(save format "
                                            rf"{SAVE_FORMAT_VERSION + 1}\); this Palace reads "
                                            rf"formats {MIN_COMPATIBLE_VERSION} to "
                                            rf"{SAVE_FORMAT_VERSION}: update Palace"):
            decode(data, source=SOURCE)

    def test_a_format_older_than_the_minimum_gives_both_numbers(self):
        old = MIN_COMPATIBLE_VERSION - 1
        with pytest.raises(SaveError, match=rf"too old \(saw {old}, but the minimum is "
                                            rf"{MIN_COMPATIBLE_VERSION}\)"):
            decode(json.dumps({"palace_save": old}).encode(), source=SOURCE)

    def test_deep_nesting_is_refused_not_crashed_on(self):
        with pytest.raises(SaveError, match="nested too deeply"):
            decode(b"[" * 100_000 + b"]" * 100_000, source=SOURCE)

    def test_a_save_without_checksum_loads_with_a_notice(self, sample):
        data = edited(sample, lambda d: d.pop("checksum"), keep_checksum=True)
        decoded = decode(data, source=SOURCE)
        assert typed(decoded.save) == typed(sample)
        assert decoded.notices == (f"{SOURCE} has no checksum (edited by hand?); it is read "
                                   "as it stands.",)

    def test_the_header_alone_is_checked_too(self, sample):
        header, notices = decode_header(encode(sample).encode(), source=SOURCE)
        assert header == sample.header and notices == ()
        with pytest.raises(SaveError, match="checksum"):
            decode_header(edited(sample, lambda d: d["summary"].update(scene="X"),
                                 keep_checksum=True), source=SOURCE)


class TestHostileSaves:
    """Bytes and JSON no Palace wrote: each is a ``SaveError`` with its code, never a crash."""

    @pytest.mark.parametrize(("data", "code", "message"), [
        (b"", "save-empty", "the file is empty"),
        (b"\xff\xfe{", "save-encoding", "not UTF-8 text"),
        (b'{"palace_save": 1, "story": "\\ud800"}', "save-encoding",
         "text that is not valid Unicode"),
        (b'{"palace_save": 1', "save-truncated", "the file stops in the middle"),
        (b'{"palace_save": 1,,}', "save-json", "not valid JSON"),
        (b'{"palace_save": ' + b"1" * 5000 + b"}", "save-json", "a number too long"),
        (b"[" * 100_000, "save-json", "nested too deeply"),
        (b"[]", "save-not-a-save", "not a Palace save"),
        (b'{"palace_save": "1"}', "save-format", "should be a whole number"),
        (b'{"palace_save": 99}', "save-format", "made by a newer Palace"),
        (b'{"palace_save": 1, "checksum": "sha256:0"}', "save-checksum",
         "the checksum does not match"),
        (b'{"palace_save": 1}', "save-shape", "the field 'story' is missing @ $"),
    ])
    def test_each_problem_has_its_code(self, data, code, message):
        with pytest.raises(SaveError) as caught:
            decode(data, source=SOURCE)
        assert caught.value.code == code
        assert message in str(caught.value)

    def test_a_byte_order_mark_added_by_an_editor_is_read_past(self, sample):
        data = b"\xef\xbb\xbf" + encode(sample).encode("utf-8")
        assert typed(decode(data, source=SOURCE).save) == typed(sample)

    @pytest.mark.parametrize("seconds", [10**20, -(10**15), float("nan"), float("inf")])
    def test_a_format_0_time_no_date_can_have_is_a_wrong_value(self, seconds):
        document = json.loads((FIXTURES / "format0_tiny.json").read_text())
        document["saved"] = seconds
        with pytest.raises(SaveError) as caught:
            decode(json.dumps(document).encode(), source="old.json")
        assert caught.value.code == "save-shape"
        assert str(caught.value).startswith("old.json: expected a date and time, found the text")
        assert str(caught.value).endswith(" seconds\" @ $.saved_at")


class TestFormatMigration:
    def test_a_format_0_save_is_migrated(self, tiny_story):
        decoded = decode((FIXTURES / "format0_tiny.json").read_bytes(), source="old.json")
        expected, _undo = walk(tiny_story, "guard", [0, 1, 100])
        assert typed(decoded.save.state) == typed(expected)
        assert decoded.save.undo == ()
        assert decoded.save.header.story == StoryStamp("tiny", "tiny", "1.0", "")
        assert decoded.save.header.saved_at.isoformat() == "2025-11-23T10:00:00+00:00"
        assert decoded.save.header.summary == Summary("guard", "hall", "21:40")
        assert decoded.notices == ("old.json was written in save format 0; it is read as "
                                   "format 1 and will be saved that way.",)

    def test_a_migrated_save_is_written_in_the_current_format(self, tiny_story):
        decoded = decode((FIXTURES / "format0_tiny.json").read_bytes(), source="old.json")
        again = decode(encode(decoded.save).encode(), source="new.json")
        assert json.loads(encode(decoded.save))["palace_save"] == SAVE_FORMAT_VERSION
        assert typed(again.save) == typed(decoded.save) and again.notices == ()

    def test_a_broken_format_0_save_is_reported_after_migration(self):
        document = json.loads((FIXTURES / "format0_tiny.json").read_text())
        document["accounts"] = [["charge", "legend", "gate", 1300]]
        with pytest.raises(SaveError, match=r"found the text \"legend\" @ "
                                            r"\$\.state\.accounts\[0\]\.account"):
            decode(json.dumps(document).encode(), source="old.json")

    def test_every_older_format_has_a_migration_step(self):
        assert sorted(MIGRATIONS) == list(range(MIN_COMPATIBLE_VERSION, SAVE_FORMAT_VERSION))


def test_states_made_by_the_engine_keep_their_value_types(tiny_story):
    state = engine.choose(tiny_story, engine.start(tiny_story, "guard"), "gate.gate")
    loaded = round_trip(make_save(tiny_story, state, (), saved_at=SAVED_AT)).state
    assert loaded.variables["has_rifle"] is True
    assert type(loaded.variables["courage"]) is int and loaded.variables["courage"] == 2
    assert loaded == state
