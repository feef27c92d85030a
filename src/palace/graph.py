"""The story map: the scenes and ways on of a story, drawn from the story itself.

``extract_map`` turns a story into a small neutral picture (``StoryMap``): nodes
for scenes, endings and each role's start, edges for choices and automatic ways
on, each with its label, group and style. ``render_dot`` and ``render_mermaid``
turn that picture into Graphviz DOT and Mermaid text.

Rule: pure. Nothing here reads or writes a file or runs Graphviz; the command line
does, with the strings these functions return.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from palace.model import EndingKind, Scene, Story
from palace.paths import WayOn, analyse_role, ways_on
from palace.state import Account


LABEL_WIDTH = 40
"""Edge labels longer than this are cut, so the map stays readable."""

START_PREFIX = "start:"


class NodeKind(enum.StrEnum):
    SCENE = "scene"
    ENDING = "ending"
    START = "start"


class EdgeKind(enum.StrEnum):
    CHOICE = "choice"
    NEXT = "next"
    START = "start"


class GroupBy(enum.StrEnum):
    LOCATION = "location"
    ACT = "act"


@dataclass(frozen=True, slots=True)
class MapNode:
    """A box on the story map: a scene, an ending or a role's start."""

    id: str
    lines: tuple[str, ...]
    """The label, line by line: a scene's title and id, an ending's title, a role's name."""
    kind: NodeKind
    group: str | None = None
    account: Account | None = None
    """The account a scene follows, when it is tagged with one."""
    ending: EndingKind | None = None


@dataclass(frozen=True, slots=True)
class MapEdge:
    """An arrow on the story map: a choice, an automatic way on, or a role's start."""

    source: str
    target: str
    label: str
    kind: EdgeKind
    conditional: bool = False
    account: Account | None = None


@dataclass(frozen=True, slots=True)
class StoryMap:
    """The story map, before it is written as DOT or Mermaid."""

    title: str
    nodes: tuple[MapNode, ...]
    edges: tuple[MapEdge, ...]

    @property
    def groups(self) -> tuple[str, ...]:
        """The groups, in the order their first scene appears."""
        return tuple(dict.fromkeys(n.group for n in self.nodes if n.group is not None))


def extract_map(story: Story, *, role: str | None = None,
                group_by: GroupBy = GroupBy.LOCATION) -> StoryMap:
    """The map of the whole story, or of what ``role`` can reach and take."""
    roles = list(story.roles) if role is None else [role]
    if role is None:
        scenes = list(story.scenes.values())
        ways = [way for scene in scenes for way in ways_on(scene)]
    else:
        reach = analyse_role(story, role)
        scenes = [s for s in story.scenes.values() if s.id in reach.scenes]
        ways = [way for s in scenes for way in reach.open_ways[s.id]]
    nodes = [*(_start_node(story, r) for r in roles),
             *(_scene_node(story, s, group_by) for s in scenes)]
    edges = [*(MapEdge(START_PREFIX + r, story.roles[r].start, "", EdgeKind.START)
               for r in roles), *(_way_edge(w) for w in ways)]
    return StoryMap(story.title, tuple(nodes), tuple(edges))


def _start_node(story: Story, role: str) -> MapNode:
    return MapNode(START_PREFIX + role, (story.roles[role].name,), NodeKind.START)


def _scene_node(story: Story, scene: Scene, group_by: GroupBy) -> MapNode:
    group = story.locations[scene.location].name if group_by is GroupBy.LOCATION else scene.act
    account = scene.tag.account if scene.tag else None
    if scene.ending is not None:
        return MapNode(scene.id, (f"END: {scene.ending.title}", scene.id), NodeKind.ENDING,
                       group, account, scene.ending.kind)
    return MapNode(scene.id, (scene.title, scene.id), NodeKind.SCENE, group, account)


def _way_edge(way: WayOn) -> MapEdge:
    if way.choice is not None:
        tag = way.choice.tag
        return MapEdge(way.source, way.target, _short(way.choice.text.source), EdgeKind.CHOICE,
                       way.condition is not None, tag.account if tag else None)
    label = f"if {way.condition.source}" if way.condition is not None else ""
    return MapEdge(way.source, way.target, _short(label), EdgeKind.NEXT,
                   way.condition is not None)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_WIDTH else text[:LABEL_WIDTH - 1].rstrip() + "…"


# --- Graphviz DOT ---------------------------------------------------------------------

ACCOUNT_COLOURS = {Account.MYTH: "#b03a2e", Account.ARCHIVE: "#1f618d"}
ENDING_FILLS = {EndingKind.MYTH: "#f5b7b1", EndingKind.ARCHIVE: "#aed6f1",
                EndingKind.MIXED: "#d7bde2"}


def render_dot(story_map: StoryMap) -> str:
    """The map as a Graphviz ``digraph``: groups as clusters, endings double-framed,
    myth in red and archive in blue, conditional ways on dashed."""
    lines = [
        "digraph story {",
        f"  graph [rankdir=LR, label={_dot(story_map.title)}, labelloc=t, "
        'fontname="Helvetica"];',
        '  node [shape=box, style=rounded, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    for number, group in enumerate(story_map.groups, start=1):
        lines.append(f"  subgraph cluster_{number} {{")
        lines.append(f"    label={_dot(group)};")
        lines += [f"    {_dot_node(n)}" for n in story_map.nodes if n.group == group]
        lines.append("  }")
    lines += [f"  {_dot_node(n)}" for n in story_map.nodes if n.group is None]
    lines += [f"  {_dot_edge(e)}" for e in story_map.edges]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _dot_attributes(pairs: Iterable[tuple[str, str]]) -> str:
    return ", ".join(f"{key}={value}" for key, value in pairs)


def _dot_node(node: MapNode) -> str:
    attributes = [("label", _dot("\n".join(node.lines)))]
    if node.kind is NodeKind.START:
        attributes += [("shape", "plaintext"), ("fontcolor", '"#555555"')]
    if node.kind is NodeKind.ENDING and node.ending is not None:
        attributes += [("peripheries", "2"), ("style", '"rounded,filled"'),
                       ("fillcolor", _dot(ENDING_FILLS[node.ending]))]
    if node.account is not None:
        colour = _dot(ACCOUNT_COLOURS[node.account])
        attributes += [("color", colour), ("fontcolor", colour), ("penwidth", "2")]
    return f"{_dot(node.id)} [{_dot_attributes(attributes)}];"


def _dot_edge(edge: MapEdge) -> str:
    attributes: list[tuple[str, str]] = []
    if edge.label:
        attributes.append(("label", _dot(edge.label)))
    if edge.conditional:
        attributes.append(("style", "dashed"))
    if edge.kind is EdgeKind.START:
        attributes.append(("arrowhead", "vee"))
    if edge.account is not None:
        colour = _dot(ACCOUNT_COLOURS[edge.account])
        attributes += [("color", colour), ("fontcolor", colour), ("penwidth", "2")]
    suffix = f" [{_dot_attributes(attributes)}]" if attributes else ""
    return f"{_dot(edge.source)} -> {_dot(edge.target)}{suffix};"


# --- Mermaid --------------------------------------------------------------------------

_MERMAID_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def render_mermaid(story_map: StoryMap) -> str:
    """The map as a Mermaid ``flowchart`` for pasting into Markdown."""
    lines = ["flowchart LR"]
    for number, group in enumerate(story_map.groups, start=1):
        lines.append(f'  subgraph group_{number}["{_mermaid_text(group)}"]')
        lines += [f"    {_mermaid_node(n)}" for n in story_map.nodes if n.group == group]
        lines.append("  end")
    lines += [f"  {_mermaid_node(n)}" for n in story_map.nodes if n.group is None]
    lines += [f"  {_mermaid_edge(e)}" for e in story_map.edges]
    lines += list(_mermaid_styles(story_map))
    return "\n".join(lines) + "\n"


def mermaid_id(node_id: str) -> str:
    """A Mermaid-safe id: prefixed, so that scene ids such as ``end`` cannot clash with
    Mermaid's keywords."""
    return "n_" + _MERMAID_UNSAFE.sub("_", node_id)


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;")


def _mermaid_node(node: MapNode) -> str:
    label = _mermaid_text("<br>".join(node.lines))
    shapes = {NodeKind.SCENE: ('["', '"]'), NodeKind.ENDING: ('(["', '"])'),
              NodeKind.START: ('[/"', '"/]')}
    left, right = shapes[node.kind]
    return f"{mermaid_id(node.id)}{left}{label}{right}"


def _mermaid_edge(edge: MapEdge) -> str:
    arrow = "-.->" if edge.conditional else "-->"
    label = f'|"{_mermaid_text(edge.label)}"|' if edge.label else ""
    return f"{mermaid_id(edge.source)} {arrow}{label} {mermaid_id(edge.target)}"


def _mermaid_styles(story_map: StoryMap) -> Iterator[str]:
    for account, colour in ACCOUNT_COLOURS.items():
        yield f"  classDef {account} stroke:{colour},color:{colour},stroke-width:2px"
    for kind, fill in ENDING_FILLS.items():
        yield f"  classDef ending_{kind} fill:{fill}"
    for node in story_map.nodes:
        if node.ending is not None:
            yield f"  class {mermaid_id(node.id)} ending_{node.ending}"
        if node.account is not None:
            yield f"  class {mermaid_id(node.id)} {node.account}"
    for index, edge in enumerate(story_map.edges):
        if edge.account is not None:
            colour = ACCOUNT_COLOURS[edge.account]
            yield f"  linkStyle {index} stroke:{colour},color:{colour},stroke-width:2px"
