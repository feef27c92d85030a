"""Resuming a save in the story at hand, which may be a newer version than the save's.

A save names scenes, variables, documents, beats and a role by their ids. When
the story has changed since the save was made, each id is carried over by the
manifest's migration rules (renamed, removed, added), then checked against the
story as it is now:

- everything is still there: the game resumes as saved, with one line saying
  which version the save came from and which rules carried it over;
- a rule removed the save's scene: it resumes where the rule says (``resume_at``),
  or at the nearest checkpoint, with that line;
- anything else is gone (no rule says what became of it): the player is told
  exactly what, and where the game would resume, and asked before anything
  changes. A value that no longer fits its variable's type counts as gone.

The undo history is carried over by the same rules, up to the first step whose
scene or role is gone.

Rule: pure. Story and save in, a ``Resumption`` (or a ``SaveError``) out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from palace.errors import SaveError
from palace.expr.tree import holds, literal
from palace.model import MigrationRule, RuleAction, RuleKind, Story
from palace.savegame import SaveGame
from palace.state import AccountEntry, GameState, Value


@dataclass(frozen=True, slots=True)
class Resumption:
    """A save made ready for the story at hand."""

    state: GameState
    undo: tuple[GameState, ...]
    notice: str | None = None
    """One line about the story's version, or None when the story is the same."""
    missing: tuple[str, ...] = ()
    """What the save names that this version lacks, one line each; non-empty means the
    player must agree before the game resumes."""
    moved_from: str | None = None
    """The save's own scene, when the game resumes in another."""


def resume(story: Story, save: SaveGame, *, source: str) -> Resumption:
    """Carry ``save`` over to ``story``.

    Raises:
        SaveError: the save is from another story, or its role is gone from this one.
    """
    stamp = save.header.story
    if stamp.id != story.id:
        raise SaveError(f"{source} is a save of \u201c{stamp.title}\u201d (story '{stamp.id}'), "
                        f"not of \u201c{story.title}\u201d (story '{story.id}'); play it with "
                        "--story and the folder of that story", code="save-other-story")
    carried = carry_state(story, save.state)
    state = carried.state
    if state is None:
        raise SaveError(f"{source}: the role '{save.state.role}' no longer exists in "
                        f"{story.title} {story.version} (roles: {', '.join(story.roles)}), "
                        "so this save cannot be resumed in it", code="save-role-gone")
    undo = _carry_history(story, save.undo)
    moved_from = save.state.scene if carried.moved else None
    return Resumption(state, undo, _notice(story, save, carried.applied, carried.missing),
                      carried.missing, moved_from)


@dataclass(frozen=True, slots=True)
class Carried:
    """A state carried over to a changed story, and what the carrying found."""

    state: GameState | None
    """None when the state's role is gone from the story."""
    applied: tuple[str, ...]
    """The story's migration rules that were used, one line each."""
    missing: tuple[str, ...]
    """What the state names that no rule accounts for, one line each."""
    moved: bool
    """The state's scene is gone, and it was moved to a checkpoint or the role's start."""


def carry_state(story: Story, state: GameState) -> Carried:
    """Carry one game state over to ``story``, by its migration rules where they apply."""
    carrier = _Carrier(story)
    carried = carrier.carry(state)
    return Carried(carried, tuple(carrier.applied), tuple(carrier.missing.values()),
                   carrier.moved)


def _carry_history(story: Story, undo: tuple[GameState, ...]) -> tuple[GameState, ...]:
    kept: list[GameState] = []
    for state in reversed(undo):
        carried = carry_state(story, state)
        if carried.state is None or carried.moved:
            break
        kept.append(carried.state)
    return tuple(reversed(kept))


def _notice(story: Story, save: SaveGame, applied: tuple[str, ...],
            missing: tuple[str, ...]) -> str | None:
    stamp = save.header.story
    if stamp.fingerprint == story.fingerprint:
        if not applied and not missing:
            return None
        # The story is the one the save was made with: the save itself is at fault.
        made = (f"This save does not fit {story.title}, though it was made with this very "
                "story: it was changed after it was saved")
    elif stamp.version == story.version:
        made = f"{story.title} has changed since this save was made"
    else:
        made = (f"This save was made with version {stamp.version} of {story.title}; this is "
                f"version {story.version}")
    if missing:
        return f"{made}, and some of what the save names is gone:"
    if applied:
        return f"{made}. The story's rules carry it over: {'; '.join(applied)}."
    return f"{made}; everything the save names is still there."


@dataclass
class _Carrier:
    """Carries one state over to the story, noting the rules used and what is missing."""

    story: Story
    applied: list[str] = field(default_factory=list)
    missing: dict[tuple[str, str], str] = field(default_factory=dict)
    moved: bool = False
    """The state's scene is gone and it was moved elsewhere."""

    def __post_init__(self) -> None:
        self.rules: Mapping[tuple[RuleKind, str], MigrationRule] = {
            (rule.kind, rule.name): rule for rule in self.story.migrations}
        self.choice_ids = {c.id for s in self.story.scenes.values() for c in s.choices}

    def _apply(self, note: str) -> None:
        if note not in self.applied:
            self.applied.append(note)

    def follow(self, kind: RuleKind, name: str) -> tuple[str | None, MigrationRule | None]:
        """The id ``name`` has now, through any renames; (None, rule) if a rule removed it."""
        current, seen = name, {name}
        while (rule := self.rules.get((kind, current))) is not None:
            if rule.action is RuleAction.REMOVED:
                self._apply(f"{kind} `{name}` was removed")
                return None, rule
            if rule.action is not RuleAction.RENAMED or rule.renamed_to in seen:
                break
            current = str(rule.renamed_to)
            seen.add(current)
        if current != name:
            self._apply(f"{kind} `{name}` is now `{current}`")
        return current, None

    def scene_now(self, scene: str) -> str | None:
        now, _removal = self.follow(RuleKind.SCENE, scene)
        return now if now in self.story.scenes else None

    def carry(self, state: GameState) -> GameState | None:
        role, _removal = self.follow(RuleKind.ROLE, state.role)
        if role is None or role not in self.story.roles:
            return None
        visits = self._visits(state.visits)
        scene = self._scene(state.scene, role, visits)
        documents = self._documents(state.documents)
        return GameState(
            role=role,
            scene=scene,
            clock=state.clock,
            variables=self._variables(state.variables),
            visits=visits,
            documents=documents,
            read=frozenset(self._documents(tuple(sorted(state.read)))) & set(documents),
            accounts=self._accounts(state.accounts),
            taken=frozenset(self._choice(choice) for choice in state.taken),
            history=tuple(self._choice(choice) for choice in state.history),
        )

    def _scene(self, scene: str, role: str, visits: Mapping[str, int]) -> str:
        now, removal = self.follow(RuleKind.SCENE, scene)
        if now is not None and now in self.story.scenes:
            return now
        self.moved = True
        if removal is not None and removal.resume_at is not None:
            self._apply(f"the game resumes at scene `{removal.resume_at}`")
            return removal.resume_at
        target = self._checkpoint(role, visits)
        if removal is not None:
            self._apply(f"the game resumes at the checkpoint `{target}`")
        else:
            self.missing[("scene", scene)] = f"scene `{scene}`, where you were, no longer exists"
        return target

    def _checkpoint(self, role: str, visits: Mapping[str, int]) -> str:
        """The latest of the role's checkpoints the player has been to, or the role's start."""
        for scene in reversed(self.story.checkpoints.get(role, ())):
            if visits.get(scene):
                return scene
        return self.story.roles[role].start

    def _visits(self, visits: Mapping[str, int]) -> dict[str, int]:
        carried: dict[str, int] = {}
        for scene, count in visits.items():
            now, removal = self.follow(RuleKind.SCENE, scene)
            if removal is not None:
                continue
            if now is None or now not in self.story.scenes:
                self.missing.setdefault(("scene", scene),
                                        f"scene `{scene}` no longer exists (you had been there)")
                continue
            carried[now] = carried.get(now, 0) + count
        return carried

    def _variables(self, saved: Mapping[str, Value]) -> dict[str, Value]:
        carried: dict[str, Value] = {}
        for name, value in saved.items():
            now, removal = self.follow(RuleKind.VARIABLE, name)
            if removal is not None:
                continue
            declared = self.story.variables.get(str(now))
            if declared is None:
                self.missing[("variable", name)] = (f"variable `{name}` no longer exists (it "
                                                    f"was {literal(value)})")
            elif not holds(declared.type, value):
                self.missing[("variable", name)] = (
                    f"variable `{now}` is now a {declared.type} and cannot hold "
                    f"{literal(value)}; it starts again at {literal(declared.initial)}")
            else:
                carried[declared.name] = value
        for name, declared in self.story.variables.items():
            if name not in carried:
                carried[name] = self._starting_value(name, declared.initial, saved)
        return carried

    def _starting_value(self, name: str, initial: Value, saved: Mapping[str, Value]) -> Value:
        rule = self.rules.get((RuleKind.VARIABLE, name))
        if rule is None or rule.action is not RuleAction.ADDED or rule.default is None:
            return initial
        if name not in saved:
            self._apply(f"variable `{name}` is new and starts at {literal(rule.default)}")
            return rule.default
        return initial

    def _documents(self, documents: tuple[str, ...]) -> tuple[str, ...]:
        carried: list[str] = []
        for document in documents:
            now, removal = self.follow(RuleKind.DOCUMENT, document)
            if removal is not None:
                continue
            if now is None or now not in self.story.documents:
                self.missing[("document", document)] = (f"document `{document}` no longer "
                                                        "exists")
            elif now not in carried:
                carried.append(now)
        return tuple(carried)

    def _accounts(self, accounts: tuple[AccountEntry, ...]) -> tuple[AccountEntry, ...]:
        carried: list[AccountEntry] = []
        for entry in accounts:
            beat, removal = self.follow(RuleKind.BEAT, entry.beat)
            if removal is not None:
                continue
            if beat is None or beat not in self.story.beats:
                self.missing[("beat", entry.beat)] = f"beat `{entry.beat}` no longer exists"
                continue
            scene = self.scene_now(entry.scene) or entry.scene  # a record of where it was
            carried.append(AccountEntry(beat, entry.account, scene, entry.clock))
        return tuple(carried)

    def _choice(self, choice_id: str) -> str:
        """A choice id (``scene.target``) with its renamed scenes, when this story has it."""
        if choice_id in self.choice_ids:
            return choice_id
        parts = choice_id.split(".")
        for index in range(min(2, len(parts))):
            renamed = self.rules.get((RuleKind.SCENE, parts[index]))
            if renamed is not None and renamed.renamed_to is not None:
                parts[index] = renamed.renamed_to
        return ".".join(parts)


