"""The story model: what the loader builds and the engine plays, immutable once made.

Every object carries the ``SourceLoc`` it came from, so tools can point authors
back at the line they wrote. Sequences are tuples and lookups are mappings that
no code writes to after the loader returns.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from palace.clock import ClockConfig
from palace.errors import SourceLoc
from palace.expr import Evaluator, Node, Type
from palace.state import Account, GameState, Value
from palace.text import Template


FORMAT_VERSION = 1


class Visibility(enum.StrEnum):
    """What the player sees of a choice whose condition does not hold."""

    HIDDEN = "hidden"
    GREYED = "greyed"


class EndingKind(enum.StrEnum):
    MYTH = "myth"
    ARCHIVE = "archive"
    MIXED = "mixed"


@dataclass(frozen=True, slots=True)
class Condition:
    """A condition as written, parsed once at load into a tree and compiled to an evaluator."""

    source: str
    tree: Node
    evaluate: Evaluator = field(compare=False, repr=False)
    loc: SourceLoc | None = None

    def holds(self, state: GameState) -> bool:
        return bool(self.evaluate(state))


@dataclass(frozen=True, slots=True)
class Tag:
    """Marks a scene, passage or choice as one account of a beat of the night."""

    beat: str
    account: Account


@dataclass(frozen=True, slots=True)
class Effects:
    """What taking a choice or entering a scene changes, applied in field order."""

    set: tuple[tuple[str, Value], ...] = ()
    add: tuple[tuple[str, int], ...] = ()
    advance: int = 0
    """Minutes to move the clock forward."""
    until: int | None = None
    """A story minute to move the clock forward to (never backward)."""
    unlock: tuple[str, ...] = ()
    loc: SourceLoc | None = None

    def __bool__(self) -> bool:
        return bool(self.set or self.add or self.advance or self.until is not None
                    or self.unlock)


NO_EFFECTS = Effects()


@dataclass(frozen=True, slots=True)
class Passage:
    """A paragraph or more of a scene's text, shown when its condition holds."""

    text: Template
    condition: Condition | None = None
    otherwise: Template | None = None
    tag: Tag | None = None
    loc: SourceLoc | None = None


@dataclass(frozen=True, slots=True)
class Choice:
    """A way out of a scene the player may take, with its guard, effects and account."""

    id: str
    text: Template
    target: str
    condition: Condition | None = None
    effects: Effects = NO_EFFECTS
    roles: tuple[str, ...] = ()
    """Empty means every role may take it."""
    once: bool = False
    unavailable: Visibility = Visibility.HIDDEN
    reason: str | None = None
    tag: Tag | None = None
    loc: SourceLoc | None = None


@dataclass(frozen=True, slots=True)
class NextRule:
    """An automatic way on: go to ``target`` when ``condition`` holds (or always)."""

    target: str
    condition: Condition | None = None
    loc: SourceLoc | None = None


@dataclass(frozen=True, slots=True)
class Ending:
    """How a night ends when its scene is reached: the ending's id, title and kind."""

    id: str
    title: str
    kind: EndingKind
    loc: SourceLoc | None = None


@dataclass(frozen=True, slots=True)
class Scene:
    """A state of the story: its passages of text and its ways on (choices or ``next``)."""

    id: str
    title: str
    location: str
    passages: tuple[Passage, ...]
    choices: tuple[Choice, ...] = ()
    next: tuple[NextRule, ...] = ()
    ending: Ending | None = None
    effects: Effects = NO_EFFECTS
    """Applied each time the player enters the scene."""
    tag: Tag | None = None
    act: str | None = None
    loc: SourceLoc | None = None


@dataclass(frozen=True, slots=True)
class Role:
    """Who the player is tonight, and where and when their night begins."""

    id: str
    name: str
    start: str
    description: str = ""
    clock_start: int | None = None
    """Story minute at which this role's night begins; the story's start if None."""
    loc: SourceLoc | None = None


@dataclass(frozen=True, slots=True)
class Variable:
    """A declared variable: its type and initial value."""

    name: str
    type: Type
    initial: Value
    description: str = ""
    loc: SourceLoc | None = None


@dataclass(frozen=True, slots=True)
class Location:
    """A place scenes happen in, and where it is drawn on a map."""

    id: str
    name: str
    description: str = ""
    map: str | None = None
    """The id of the map the place is drawn on, if any."""
    at: tuple[int, int] | None = None
    """Where on that map: the row and column of the art, counted from 1."""
    loc: SourceLoc | None = None


@dataclass(frozen=True, slots=True)
class Map:
    """A drawing of part of the story's world, on which locations are marked."""

    id: str
    title: str
    art: tuple[str, ...]
    """The drawing, one string per row, with its trailing spaces removed."""
    loc: SourceLoc | None = None

    @property
    def width(self) -> int:
        return max((len(row) for row in self.art), default=0)


@dataclass(frozen=True, slots=True)
class Document:
    """An entry in the game's record of sources."""

    id: str
    title: str
    source: str
    text: str
    kind: str = ""
    date: str = ""
    loc: SourceLoc | None = None


@dataclass(frozen=True, slots=True)
class Telling:
    """One account of a beat: what it says, and the documents that say it."""

    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Beat:
    """A key moment of the night that the myth and the archive tell differently."""

    id: str
    title: str
    myth: Telling
    archive: Telling
    time: int | None = None
    """When history puts the moment, in story minutes; None when the story does not say."""
    time_note: str = ""
    """What the sources say about that time, when they disagree or are unsure."""
    loc: SourceLoc | None = None


class RuleKind(enum.StrEnum):
    """What a migration rule is about: the kinds of id a save names."""

    SCENE = "scene"
    VARIABLE = "variable"
    DOCUMENT = "document"
    BEAT = "beat"
    ROLE = "role"


class RuleAction(enum.StrEnum):
    RENAMED = "renamed"
    REMOVED = "removed"
    ADDED = "added"


@dataclass(frozen=True, slots=True)
class MigrationRule:
    """How a save from an older version of the story maps onto this one.

    ``name`` is the id the old save uses (for ``ADDED``, the new variable's id).
    """

    kind: RuleKind
    name: str
    action: RuleAction
    renamed_to: str | None = None
    resume_at: str | None = None
    """For a removed scene: where a save that was in it resumes."""
    default: Value | None = None
    """For an added variable: its value in saves made before it existed."""
    loc: SourceLoc | None = None


@dataclass(frozen=True, slots=True)
class Story:
    """A whole loaded story: the manifest's declarations and every scene, document and beat."""

    id: str
    title: str
    version: str
    format: int
    clock: ClockConfig
    roles: Mapping[str, Role]
    variables: Mapping[str, Variable]
    locations: Mapping[str, Location]
    scenes: Mapping[str, Scene]
    documents: Mapping[str, Document]
    beats: Mapping[str, Beat]
    maps: Mapping[str, Map] = field(default_factory=dict)
    subtitle: str = ""
    author: str = ""
    intro: str = ""
    fingerprint: str = ""
    """A hash of every story file's path and content."""
    files: tuple[str, ...] = ()
    migrations: tuple[MigrationRule, ...] = ()
    """Rules that carry saves from older versions of the story over to this one."""
    checkpoints: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Role -> scenes, in story order, where a save whose own scene is gone may resume."""

    def role_names(self) -> Mapping[str, str]:
        return {role.id: role.name for role in self.roles.values()}

    def initial_variables(self) -> dict[str, Value]:
        return {name: var.initial for name, var in self.variables.items()}
