"""The player's commands for looking back over the night: ``record`` (the documents
found), ``debrief``, ``map`` and ``timeline``.

Rule: they read the session's state and write through the session, so transcripts
cover them; only reading a document changes the state (it is marked read).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from palace import engine, layout, screens
from palace.console import Command, typed_number


if TYPE_CHECKING:
    from palace.session import Session
    from palace.state import GameState


class ReadingCommands:
    """The record, the debrief, the map and the timeline for one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def commands(self) -> list[Command]:
        return [
            Command("record", "list the documents you have found; 'record N' reads one",
                    self.record, ("r",), "record [N]"),
            Command("debrief", "your night so far beside the legend and the record",
                    self.debrief),
            Command("map", "where you are, and where you have been; 'map NAME' shows another",
                    self.map, ("m",), "map [NAME]", self.map_names),
            Command("timeline", "the night's hours: what you witnessed, and when history "
                    "puts it", self.timeline, ("t",)),
        ]

    @property
    def _state(self) -> GameState:
        assert self.session.state is not None, "the commands run once the night has begun"
        return self.session.state

    def record(self, argument: str) -> None:
        session = self.session
        found = self._state.documents
        if not found:
            session.say("Your record is empty: documents are added as you come upon them.")
            return
        if not argument:
            session.write(screens.record_list(session.story, self._state, session.width))
            return
        document_id = self._document_named(argument)
        if document_id is None:
            session.say(f"No document '{argument}'. Type 'record' to list them, then "
                        f"'record N' with a number from 1 to {len(found)}.")
            return
        session.write(screens.document(session.story, document_id, session.width,
                                       glyphs=session.glyphs))
        session.state = engine.mark_read(self._state, document_id)

    def _document_named(self, argument: str) -> str | None:
        found = self._state.documents
        number = typed_number(argument)
        if number is not None and 1 <= number <= len(found):
            return found[number - 1]
        return argument if argument in found else None

    def debrief(self, _argument: str) -> None:
        session = self.session
        session.write(screens.debrief(session.story, self._state, session.width,
                                      glyphs=session.glyphs))

    def map_names(self) -> list[str]:
        return list(self.session.story.maps)

    def map(self, argument: str) -> None:
        from palace import maps  # the map and the timeline wait until asked for

        session = self.session
        width = max(layout.MIN_WIDTH, session.console.width - 1)
        session.write(maps.map_screen(session.story, self._state, argument, width=width,
                                      glyphs=session.glyphs))

    def timeline(self, _argument: str) -> None:
        from palace.timeline import night_of, render_timeline

        session = self.session
        night = night_of(session.story, self._state)
        session.write(render_timeline(night, session.width, glyphs=session.glyphs))
