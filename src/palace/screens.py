"""The screens of a sitting, as styled lines: the title, a scene, the debrief, the
record and its documents, and the help.

Rule: pure. Story, state and width in, styled lines out; the session shows them.
"""

from __future__ import annotations

from collections.abc import Iterable

from palace import engine, layout
from palace.debrief import build_debrief, sources_of
from palace.engine import View
from palace.glyphs import Glyphs
from palace.layout import StyledLine
from palace.model import Story
from palace.state import Account, GameState


def title(story: Story, width: int, *, plain: bool) -> list[StyledLine]:
    lines: list[StyledLine] = [[]]
    lines += layout.wrap(story.title.upper(), width, style="class:title")
    if story.subtitle:
        lines += layout.wrap(story.subtitle, width, style="class:subtitle")
    if story.intro:
        lines.append([])
        lines += layout.paragraphs(engine.paragraphs_of(story.intro), width)
    lines.append([])
    how = "" if plain else "Choose with the arrow keys and Enter, or a number. "
    lines += layout.wrap(f"{how}Type 'help' at any prompt for the commands.", width,
                         style="class:meta")
    return lines


def scene(story: Story, state: GameState, view: View, width: int, *,
          glyphs: Glyphs) -> list[StyledLine]:
    """The scene's heading and text, and its ending (with the debrief) if it is one;
    the choices are a menu the session shows apart."""
    location = story.locations[view.scene.location].name
    lines = layout.heading(view.scene.title, [location, story.clock.describe(state.clock)],
                           width, glyphs=glyphs)
    lines += layout.paragraphs(view.paragraphs, width)
    if view.ending is not None:
        lines += [[], *layout.wrap(f"THE END: {view.ending.title}", width,
                                   style="class:heading")]
        lines += debrief(story, state, width, glyphs=glyphs)
        lines += [[], *layout.notice("Type 'debrief' to see this again, 'record' to read "
                                     "the documents you found, 'restart' to play again, or "
                                     "'quit'.", width)]
    elif view.is_stuck:
        lines += [[], *layout.notice("The story has no way on from here (a fault in the "
                                     "story). Type 'restart' or 'quit'.", width,
                                     style="class:error")]
    return lines


def debrief(story: Story, state: GameState, width: int, *,
            glyphs: Glyphs) -> list[StyledLine]:
    """The player's night beat by beat, beside the legend's and the record's tellings."""
    night = build_debrief(story, state)
    lines: list[StyledLine] = [[], *layout.wrap("YOUR NIGHT, THE LEGEND AND THE RECORD",
                                                width, style="class:heading")]
    for lived in night.lived:
        lines.append([])
        lines += layout.wrap(f"{lived.beat.title}{glyphs.separator}"
                             f"{story.clock.short(lived.clock)}", width, style="class:subtitle")
        followed = "the legend" if lived.account is Account.MYTH else "the record"
        lines += layout.wrap(f"Your night followed {followed}.", width, style="class:meta")
        for account, label in ((Account.MYTH, "The legend"), (Account.ARCHIVE, "The record")):
            telling = lived.beat.myth if account is Account.MYTH else lived.beat.archive
            lines += layout.telling(label, telling.text, width,
                                    followed=account is lived.account, glyphs=glyphs)
            for document in sources_of(story, lived.beat, account):
                lines += layout.wrap(f"{document.title}: {document.source}", width,
                                     style="class:meta", indent="      ")
    lines.append([])
    lines += layout.wrap(night.verdict(), width, style="class:heading")
    return lines


def record_list(story: Story, state: GameState, width: int) -> list[StyledLine]:
    """The documents found so far, numbered, the unread ones marked new."""
    lines: list[StyledLine] = [[], *layout.wrap("THE RECORD", width, style="class:heading")]
    for number, document_id in enumerate(state.documents, start=1):
        document = story.documents[document_id]
        mark = "" if document_id in state.read else "  (new)"
        lines.append([("class:number", f"{number:>2}. "), ("class:choice", document.title),
                      ("class:meta", mark)])
    lines.append([])
    lines += layout.notice("Type 'record N' to read one.", width)
    return lines


def document(story: Story, document_id: str, width: int, *,
             glyphs: Glyphs) -> list[StyledLine]:
    found = story.documents[document_id]
    lines: list[StyledLine] = [[], *layout.wrap(found.title.upper(), width,
                                                style="class:heading")]
    details = [d for d in (found.kind, found.date) if d]
    if details:
        lines += layout.wrap(", ".join(details), width, style="class:meta")
    lines.append([])
    lines += layout.paragraphs(engine.paragraphs_of(found.text), width)
    lines.append([])
    lines += layout.wrap(f"Source: {found.source}", width, style="class:meta")
    return lines


def help_screen(commands: Iterable[tuple[str, str]], keys: Iterable[tuple[str, str]],
                width: int) -> list[StyledLine]:
    """The commands (usage and summary) and the console's keys, one line each."""
    lines: list[StyledLine] = [[]]
    lines += layout.wrap("Answer with a choice's number, or type a command:", width,
                         style="class:heading")
    lines += layout.table(commands, width)
    keys = list(keys)
    if keys:
        lines += [[], *layout.wrap("Keys:", width, style="class:heading")]
        lines += layout.table(keys, width)
    return lines
