"""Reading content files: scenes and their text, ways on and endings, and through
the other readers their choices, effects, documents and beats, each checked against
the manifest and the story's ids.

A file is read as soon as it is composed, and declares its items' ids as they are
read; what it names may be declared by a later file, and is then checked once every
file is read (see ``forwardrefs``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from yaml.nodes import Node, ScalarNode, SequenceNode

from palace import expr
from palace.choicereader import ChoiceReader
from palace.effectsreader import EffectsReader
from palace.errors import Diagnostic, Severity, suggest
from palace.expr.tree import Call
from palace.forwardrefs import Spot
from palace.manifestreader import ManifestReader
from palace.model import (
    NO_EFFECTS,
    Beat,
    Document,
    Ending,
    EndingKind,
    NextRule,
    Passage,
    Scene,
)
from palace.recordreader import RecordReader
from palace.refreader import Names, RefReader
from palace.storyformat import ENDING_FIELDS, NEXT_FIELDS, PASSAGE_FIELDS, SCENE_FIELDS
from palace.yamlsource import FileReader


_ENDING_KINDS = frozenset(k.value for k in EndingKind)


@dataclass
class Items:
    """The scenes, documents and beats read so far, by id; the first of an id stays."""

    scenes: dict[str, Scene] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    beats: dict[str, Beat] = field(default_factory=dict)


class ContentReader:
    """Builds one file's scenes, documents and beats."""

    def __init__(self, reader: FileReader, *, manifest: ManifestReader, names: Names) -> None:
        self.reader = reader
        self.header = manifest.header
        self.refs = RefReader(reader, names)
        self.effects = EffectsReader(reader, manifest, self.refs)
        self.choices = ChoiceReader(reader, self.refs, self.effects, self.header.roles)
        self.record = RecordReader(reader, manifest, self.refs)

    def read(self, found: Mapping[str, Node], items: Items) -> None:
        """Read the lists of a file whose outline (``scenes``, ...) is ``found``."""
        reader = self.reader
        if "scenes" in found:
            for item in reader.sequence(found["scenes"], "scenes"):
                scene = self.scene(item)
                if scene is not None:
                    items.scenes.setdefault(scene.id, scene)
        if "documents" in found:
            for item in reader.sequence(found["documents"], "documents"):
                document = self.record.document(item)
                if document is not None:
                    items.documents.setdefault(document.id, document)
        if "beats" in found:
            for item in reader.sequence(found["beats"], "beats"):
                beat = self.record.beat(item)
                if beat is not None:
                    items.beats.setdefault(beat.id, beat)

    def scene(self, node: Node) -> Scene | None:
        reader = self.reader
        found = reader.fields(node, "a scene", SCENE_FIELDS)
        if found is None or "id" not in found:
            return None
        scene_id = reader.identifier(found["id"], "scene id")
        if scene_id is None:
            return None
        self.refs.declare("scene", scene_id, found["id"])
        what = f"scene '{scene_id}'"
        title = reader.text(found["title"], "title") if "title" in found else None
        location = self.refs.known(found.get("location"), self.header.locations, "location")
        act = reader.text(found["act"], "act") if "act" in found else None
        passages = self._passages(found["text"], what) if "text" in found else ()
        effects = (self.effects.effects(found["effects"]) if "effects" in found
                   else NO_EFFECTS)
        tag = self.refs.tag(found, what, node)
        choices = (self.choices.choices(found["choices"], scene_id)
                   if "choices" in found else ())
        next_rules = self._next(found["next"], scene_id) if "next" in found else ()
        ending = self._ending(found["ending"]) if "ending" in found else None
        self._check_ways_on(node, what, found)
        if title is None or location is None:
            return None
        return Scene(scene_id, title, location, passages, choices, next_rules, ending, effects,
                     tag, act, reader.loc(node))

    def _check_ways_on(self, node: Node, what: str, found: Mapping[str, Node]) -> None:
        given = [k for k in ("choices", "next", "ending") if k in found]
        if len(given) > 1:
            self.reader.error(found[given[1]], f"{what} has both '{given[0]}' and "
                              f"'{given[1]}'; a scene has exactly one of choices, next "
                              "or ending", "conflicting-fields")
        elif not given:
            self.reader.error(node, f"{what} has no way on: give it 'choices', 'next' or "
                              "'ending'", "missing-field")

    def _passages(self, node: Node, what: str) -> tuple[Passage, ...]:
        reader = self.reader
        if isinstance(node, ScalarNode):
            template = self.refs.template(node, f"the text of {what}")
            return (Passage(template, loc=reader.loc(node)),) if template else ()
        passages: list[Passage] = []
        spots: list[Spot | None] = []
        for item in reader.sequence(node, f"the text of {what}"):
            read = self._passage(item, what)
            if read is not None:
                passages.append(read[0])
                spots.append(read[1])
        self._check_own_beats(passages, spots)
        return tuple(passages)

    def _check_own_beats(self, passages: list[Passage], spots: list[Spot | None]) -> None:
        """Refuse a passage condition that reads a beat its scene's passages record.

        Entering a scene records the beats of the tagged passages whose conditions
        hold as it is entered; the scene is shown on the state after. A condition
        reading such a beat (``account(beat)``, or ``beats(...)``, which counts them
        all) could be judged differently the two times, and what is shown would not be
        what is recorded."""
        recorders: dict[str, Passage] = {}
        for passage in passages:
            if passage.tag is not None:
                recorders.setdefault(passage.tag.beat, passage)
        if not recorders:
            return
        for passage, spot in zip(passages, spots, strict=True):
            if passage.condition is None or spot is None:
                continue
            for node in expr.names_in(passage.condition.tree):
                if isinstance(node, Call) and (node.function == "beats" or (
                        node.function == "account" and node.argument in recorders)):
                    self._own_beat(passage, spot, node, recorders)

    def _own_beat(self, passage: Passage, spot: Spot, call: Call,
                  recorders: Mapping[str, Passage]) -> None:
        condition, tag = passage.condition, passage.tag
        assert condition is not None
        if call.function == "account":  # the passage itself, or the first that records it
            own = tag is not None and tag.beat == call.argument
            recorder = passage if own else recorders[call.argument]
        else:  # beats() counts every beat: the passage itself, or the first tagged one
            recorder = passage if tag is not None else next(iter(recorders.values()))
        who = ("this passage" if recorder is passage else
               f"the passage on line {recorder.loc.line if recorder.loc else '?'}")
        beat = recorder.tag.beat if recorder.tag is not None else call.argument
        what = (f"which {who} records" if call.function == "account" else
                f"which counts the beat '{beat}' that {who} records")
        self.reader.diagnostics.append(Diagnostic(
            spot.at(call.offset), Severity.ERROR,
            f"passage condition '{condition.source}' reads {call.function}({call.argument}), "
            f"{what} on entering the scene: what is recorded and what is shown could then "
            "differ; move the condition to a choice or a 'next' rule, or tag the scene "
            "instead", "passage-reads-own-beat"))

    def _passage(self, node: Node, what: str) -> tuple[Passage, Spot | None] | None:
        """A passage, and where its condition is, if it has one."""
        reader = self.reader
        if isinstance(node, ScalarNode):
            template = self.refs.template(node, f"a passage of {what}")
            return (Passage(template, loc=reader.loc(node)), None) if template else None
        found = reader.fields(node, f"a passage of {what}", PASSAGE_FIELDS)
        if found is None or "text" not in found:
            return None
        text = self.refs.template(found["text"], "passage text")
        otherwise = self.refs.template(found["else"], "else text") if "else" in found else None
        condition = self.refs.condition(found["if"]) if "if" in found else None
        if "else" in found and "if" not in found:
            reader.error(found["else"], "a passage has 'else' but no 'if'; add the condition "
                         "or drop the else", "missing-field")
        tag = self.refs.tag(found, "a passage", node)
        if text is None:
            return None
        spot = reader.spot(found["if"]) if condition is not None else None
        return Passage(text, condition, otherwise, tag, reader.loc(node)), spot

    def _next(self, node: Node, scene_id: str) -> tuple[NextRule, ...]:
        reader = self.reader
        if isinstance(node, ScalarNode):
            target = self.refs.declared(node, "scene")
            return (NextRule(target, None, reader.loc(node)),) if target else ()
        items = reader.sequence(node, "next")
        if not items and isinstance(node, SequenceNode):
            reader.error(node, f"scene '{scene_id}' has an empty next list; add a rule or "
                         "use 'choices' or 'ending'", "missing-field")
        rules = []
        for item in items:
            found = reader.fields(item, "a next rule", NEXT_FIELDS)
            if found is None:
                continue
            target = self.refs.declared(found.get("to"), "scene")
            condition = self.refs.condition(found["if"]) if "if" in found else None
            if target is not None:
                rules.append(NextRule(target, condition, reader.loc(item)))
        return tuple(rules)

    def _ending(self, node: Node) -> Ending | None:
        reader = self.reader
        found = reader.fields(node, "an ending", ENDING_FIELDS)
        if found is None or not {"id", "title", "kind"} <= found.keys():
            return None
        ending_id = reader.identifier(found["id"], "ending id")
        if ending_id is not None:  # tools count endings by id: two scenes may not share one
            self.refs.declare("ending", ending_id, found["id"])
        title = reader.text(found["title"], "ending title")
        word = reader.text(found["kind"], "ending kind")
        kinds = _ENDING_KINDS
        if word is not None and word not in kinds:
            reader.error(found["kind"], f"ending kind '{word}' is unknown{suggest(word, kinds)}"
                         f"; use one of: {', '.join(sorted(kinds))}", "wrong-value")
            return None
        if ending_id is None or title is None or word is None:
            return None
        return Ending(ending_id, title, EndingKind(word), reader.loc(node))
