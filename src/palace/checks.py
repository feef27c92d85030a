"""``palace check``'s analyses of a loaded story, as a compiler's warnings.

The loader already refuses what is malformed: bad YAML, unknown fields, missing
targets, undeclared variables in conditions, effects and text. What it cannot see
is how the story fits together, so each check here looks at the whole story, and
at each role's night through ``paths``: scenes no role reaches, endings no path
reaches, dead ends, loops with no way out, choices and passages whose conditions
can never hold, variables set but never read or read but never set, documents
never unlocked, and ``until`` effects that would move time backwards.

Rule: pure. ``check_story`` returns sorted diagnostics; the command line prints
them. A warning is given only where the analysis proves the fault, never on a guess.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from palace.abstract import Interval, possible_values
from palace.clock import format_hhmm
from palace.errors import Diagnostic, Severity, SourceLoc
from palace.expr.tree import Call, Name, names_in
from palace.model import (
    Choice,
    Condition,
    Effects,
    NextRule,
    Passage,
    Scene,
    Story,
    Visibility,
)
from palace.paths import RoleReach, analyse, clock_after
from palace.text import Template


Reaches = Mapping[str, RoleReach]
Check = Callable[[Story, Reaches], Iterator[Diagnostic]]


def check_story(story: Story) -> list[Diagnostic]:
    """Every finding about ``story``, sorted by file, line and column."""
    reaches = analyse(story)
    found = [d for check in CHECKS for d in check(story, reaches)]
    return sorted(found, key=Diagnostic.sort_key)


def _warning(loc: SourceLoc | None, message: str, code: str) -> Diagnostic:
    return Diagnostic(loc, Severity.WARNING, message, code)


def _error(loc: SourceLoc | None, message: str, code: str) -> Diagnostic:
    return Diagnostic(loc, Severity.ERROR, message, code)


def _roles_reaching(reaches: Reaches, scene_id: str) -> list[RoleReach]:
    return [reach for reach in reaches.values() if scene_id in reach.scenes]


def _listed(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


# --- reachability ---------------------------------------------------------------------


def check_unreachable(story: Story, reaches: Reaches) -> Iterator[Diagnostic]:
    starts = _listed([f"{r.role} starts at '{r.start}'" for r in reaches.values()])
    for scene in story.scenes.values():
        if _roles_reaching(reaches, scene.id):
            continue
        if scene.ending is not None:
            yield _warning(scene.ending.loc or scene.loc,
                           f"ending '{scene.ending.id}' (scene '{scene.id}') is never reached: "
                           f"no role's path leads to it ({starts})", "unreachable-ending")
        else:
            yield _warning(scene.loc, f"scene '{scene.id}' is never reached: no role's path "
                           f"leads to it ({starts})", "unreachable-scene")


def check_dead_ends(story: Story, reaches: Reaches) -> Iterator[Diagnostic]:
    for scene in story.scenes.values():
        if scene.ending is not None:
            continue
        stuck = [r.role for r in _roles_reaching(reaches, scene.id) if not r.open_ways[scene.id]]
        if stuck:
            yield _error(scene.loc, f"scene '{scene.id}' is a dead end for {_listed(stuck)}: "
                         "it is not an ending, and none of its ways on can ever be taken",
                         "dead-end")


def check_endings_in_reach(story: Story, reaches: Reaches) -> Iterator[Diagnostic]:
    in_reach = {role: reach.with_ending_in_reach(story) for role, reach in reaches.items()}
    for scene in story.scenes.values():
        trapped = [r.role for r in _roles_reaching(reaches, scene.id)
                   if r.open_ways[scene.id] and scene.id not in in_reach[r.role]]
        if trapped:
            yield _error(scene.loc, f"from scene '{scene.id}', {_listed(trapped)} can never "
                         "reach an ending: every way on leads into a loop with no exit",
                         "no-ending")


# --- conditions -----------------------------------------------------------------------


def check_choices(story: Story, reaches: Reaches) -> Iterator[Diagnostic]:
    for scene in story.scenes.values():
        here = _roles_reaching(reaches, scene.id)
        if not here:
            continue
        for choice in scene.choices:
            yield from _check_choice(story, scene, choice, here)


def _check_choice(story: Story, scene: Scene, choice: Choice,
                  here: list[RoleReach]) -> Iterator[Diagnostic]:
    eligible = [r for r in here if not choice.roles or r.role in choice.roles]
    label = f"choice '{choice.text.source}'"
    if not eligible:
        verb = "reaches" if len(here) == 1 else "reach"
        yield _warning(choice.loc, f"{label} is never offered: it is for "
                       f"{_listed(list(choice.roles))}, and only "
                       f"{_listed([r.role for r in here])} {verb} scene '{scene.id}'",
                       "impossible-choice")
    elif (choice.condition is not None and not _always_greyed(choice)
          and _never_holds(story, choice.condition, scene, eligible)):
        yield _warning(choice.condition.loc, f"{label} can never be taken: "
                       f"{_why_never(story, choice.condition, scene, eligible)}",
                       "impossible-choice")


def _always_greyed(choice: Choice) -> bool:
    """A choice shown greyed whose condition names nothing (``if: false``): a way the
    author shows the player but never opens, on purpose."""
    assert choice.condition is not None
    return choice.unavailable is Visibility.GREYED and not any(
        isinstance(node, Name | Call) for node in names_in(choice.condition.tree))


def check_passages_and_rules(story: Story, reaches: Reaches) -> Iterator[Diagnostic]:
    for scene in story.scenes.values():
        here = _roles_reaching(reaches, scene.id)
        if not here:
            continue
        for passage in scene.passages:
            condition = passage.condition
            if condition is not None and _never_holds(story, condition, scene, here):
                yield _warning(condition.loc, "this passage is never shown: "
                               f"{_why_never(story, condition, scene, here)}",
                               "impossible-condition")
        for rule in scene.next:
            condition = rule.condition
            if condition is not None and _never_holds(story, condition, scene, here):
                yield _warning(condition.loc, f"the way on to '{rule.target}' is never taken: "
                               f"{_why_never(story, condition, scene, here)}",
                               "impossible-condition")


def _never_holds(story: Story, condition: Condition, scene: Scene,
                 roles: Iterable[RoleReach]) -> bool:
    return all(True not in r.truths(story, condition, scene.id) for r in roles)


def _why_never(story: Story, condition: Condition, scene: Scene,
               roles: Sequence[RoleReach]) -> str:
    reasons = {r.role: _known_values(story, condition, scene, r) for r in roles}
    distinct = set(reasons.values()) - {""}
    text = f"its condition '{condition.source}' never holds"
    if len(distinct) == 1:
        return f"{text} ({distinct.pop()})"
    if distinct:
        return f"{text} ({'; '.join(f'for {k}: {v}' for k, v in reasons.items() if v)})"
    return text


def _known_values(story: Story, condition: Condition, scene: Scene, reach: RoleReach) -> str:
    """What the analysis knows of each name in the condition, in the author's words."""
    parts: list[str] = []
    for name in dict.fromkeys(n.name for n in names_in(condition.tree) if isinstance(n, Name)):
        if name == "role":
            parts.append(f"role is {reach.role}")
            continue
        if name == "clock":
            parts.append(f"the clock is {format_hhmm(reach.clock_floor(story, scene.id))} "
                         "or later here")
            continue
        floor = reach.clock_floor(story, scene.id)
        parts.append(_describe(name, possible_values(Name(name, 0), reach.facts,
                                                     clock_floor=floor)))
    return ", ".join(parts)


def _describe(name: str, values: object) -> str:
    if isinstance(values, Interval):
        if values.low is None and values.high is None:
            return f"{name} can be any number"
        if values.high is None:
            return f"{name} is never below {values.low}"
        if values.low is None:
            return f"{name} is never above {values.high}"
        return f"{name} is between {values.low} and {values.high}"
    assert isinstance(values, frozenset)
    shown = sorted(_word(v) for v in values)
    if len(shown) == 1:
        return f"{name} is always {shown[0]}"
    return f"{name} is only ever {_listed(shown).replace(' and ', ' or ')}"


def _word(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else str(value)


# --- variables and documents ----------------------------------------------------------


def check_variables(story: Story, _reaches: Reaches) -> Iterator[Diagnostic]:
    read = _variables_read(story)
    written = {name for effects in _all_effects(story)
               for name, _ in (*effects.set, *effects.add)}
    for variable in story.variables.values():
        name = variable.name
        if name not in read and name not in written:
            yield _warning(variable.loc, f"variable '{name}' is declared but never used",
                           "unused-variable")
        elif name not in read:
            yield _warning(variable.loc, f"variable '{name}' is set but never read: no "
                           "condition or text uses it", "unused-variable")
        elif name not in written:
            yield _warning(variable.loc, f"variable '{name}' is read but never set: it is "
                           f"always {_word(variable.initial)}", "unset-variable")


def _variables_read(story: Story) -> set[str]:
    names: set[str] = set()
    distinct = {condition.source: condition for condition in _all_conditions(story)}
    for condition in distinct.values():
        names.update(n.name for n in names_in(condition.tree) if isinstance(n, Name))
    for template in _all_templates(story):
        names.update(slot.name for slot in template.slots)
    return names & set(story.variables)


def check_documents(story: Story, reaches: Reaches) -> Iterator[Diagnostic]:
    anywhere = {d for effects in _all_effects(story) for d in effects.unlock}
    reached = {d for reach in reaches.values() for d in reach.facts.unlockable}
    for document in story.documents.values():
        if document.id not in anywhere:
            yield _warning(document.loc, f"document '{document.id}' is never unlocked: no "
                           "effect unlocks it, so the player can never read it",
                           "locked-document")
        elif document.id not in reached:
            yield _warning(document.loc, f"document '{document.id}' is never unlocked: only "
                           "effects that play can never reach unlock it", "locked-document")


# --- the clock ------------------------------------------------------------------------


def check_clock(story: Story, reaches: Reaches) -> Iterator[Diagnostic]:
    backwards: dict[int, tuple[Effects, dict[str, int]]] = {}
    for reach in reaches.values():
        for effects, clock in _until_effects(story, reach):
            assert effects.until is not None
            if effects.until < clock:
                _, roles = backwards.setdefault(id(effects), (effects, {}))
                roles[reach.role] = clock
    for effects, roles in backwards.values():
        assert effects.until is not None
        earliest = format_hhmm(min(roles.values()))
        yield _warning(effects.loc, f"'until: {format_hhmm(effects.until)}' would move time "
                       f"backwards for {_listed(list(roles))}: on every path here the clock "
                       f"is already {earliest} or later, so it never does anything",
                       "clock-backwards")


def _until_effects(story: Story, reach: RoleReach) -> Iterator[tuple[Effects, int]]:
    """Each reachable ``until`` effect, with the earliest clock just before it applies."""
    for scene_id in reach.scenes:
        scene = story.scenes[scene_id]
        if scene.effects.until is not None:
            yield scene.effects, reach.arrival[scene_id] + scene.effects.advance
        leaving = clock_after(reach.arrival[scene_id], scene.effects)
        for way in reach.open_ways[scene_id]:
            if way.effects.until is not None:
                yield way.effects, leaving + way.effects.advance


# --- walking the story ----------------------------------------------------------------


def _all_effects(story: Story) -> Iterator[Effects]:
    for scene in story.scenes.values():
        yield scene.effects
        for choice in scene.choices:
            yield choice.effects


def _all_conditions(story: Story) -> Iterator[Condition]:
    for scene in story.scenes.values():
        owners: list[Passage | Choice | NextRule] = [*scene.passages, *scene.choices,
                                                     *scene.next]
        yield from (o.condition for o in owners if o.condition is not None)


def _all_templates(story: Story) -> Iterator[Template]:
    for scene in story.scenes.values():
        for passage in scene.passages:
            yield passage.text
            if passage.otherwise is not None:
                yield passage.otherwise
        for choice in scene.choices:
            yield choice.text


CHECKS: tuple[Check, ...] = (
    check_unreachable, check_dead_ends, check_endings_in_reach, check_choices,
    check_passages_and_rules, check_variables, check_documents, check_clock,
)
"""Every analysis ``check_story`` runs, in the order they are described in the docs."""
