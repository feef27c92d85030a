"""The story map: extracted from the story, rendered as DOT and Mermaid, parsed back."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from palace.cli import main
from palace.graph import (
    EdgeKind,
    GroupBy,
    NodeKind,
    extract_map,
    mermaid_id,
    render_dot,
    render_mermaid,
)
from palace.loader import load_story


STORIES = Path(__file__).parent / "stories"


class TestExtract:
    def test_every_scene_and_each_role_start(self, story_named):
        story_map = extract_map(story_named("sound"))
        kinds = {n.id: n.kind for n in story_map.nodes}
        assert kinds["start:guard"] is NodeKind.START
        assert kinds["arrest"] is NodeKind.ENDING
        assert {n for n, k in kinds.items() if k is NodeKind.SCENE} == {
            "square", "billet", "muster", "gates", "corridor"}

    def test_edges_are_labelled_by_choice_text_and_styled_by_account(self, story_named):
        edges = {(e.source, e.target, e.label): e
                 for e in extract_map(story_named("sound")).edges}
        charge = edges[("square", "gates", "Charge the gates with the crowd!")]
        assert charge.kind is EdgeKind.CHOICE and charge.conditional
        assert str(charge.account) == "myth"
        assert str(edges[("square", "corridor", "Slip in by the Neva door.")].account) == "archive"
        assert edges[("muster", "gates", "if courage > 0")].kind is EdgeKind.NEXT

    def test_groups_by_location_or_act(self, story_named):
        story = story_named("sound")
        assert extract_map(story).groups == ("Palace Square", "The Winter Palace")
        by_act = extract_map(story, group_by=GroupBy.ACT)
        assert by_act.groups == ("Act I: Outside", "Act II: Inside")
        assert next(n for n in by_act.nodes if n.id == "home").group is None

    def test_role_keeps_only_what_the_role_reaches_and_takes(self, tiny_story):
        story_map = extract_map(tiny_story, role="cadet")
        assert {n.id for n in story_map.nodes} == {"start:cadet", "hall", "cadet_end"}
        assert [(e.source, e.target) for e in story_map.edges] == [
            ("start:cadet", "hall"), ("hall", "cadet_end")]

    def test_ending_nodes_show_the_ending_title(self, story_named):
        story = story_named("unreachable_ending")
        labels = [n.lines for n in extract_map(story).nodes]
        assert ("END: Drowned in wine", "cellar") in labels

    def test_long_labels_are_cut(self, story_named, tmp_path):
        folder = tmp_path / "story"
        shutil.copytree(STORIES / "sound", folder)
        scenes = folder / "scenes.yaml"
        scenes.write_text(scenes.read_text().replace(
            "Go home.", "Go home across the bridge, past the fortress and the silent cruiser."))
        labels = [e.label for e in extract_map(load_story(folder)).edges]
        assert "Go home across the bridge, past the for…" in labels


class TestDot:
    def test_parses_back_with_every_node_edge_and_cluster(self, story_named):
        pydot = pytest.importorskip("pydot", reason="pydot parses DOT; the test extra has it")
        story = story_named("sound")
        graphs = pydot.graph_from_dot_data(render_dot(extract_map(story)))
        assert graphs is not None and len(graphs) == 1
        graph = graphs[0]
        clusters = {s.get_name(): s for s in graph.get_subgraphs()}
        assert set(clusters) == {"cluster_1", "cluster_2"}
        assert clusters["cluster_1"].get_label() == '"Palace Square"'
        in_clusters = {n.get_name().strip('"') for s in clusters.values()
                       for n in s.get_nodes()}
        assert in_clusters == set(story.scenes)
        edges = [(e.get_source().strip('"'), e.get_destination().strip('"'),
                  (e.get_label() or "").strip('"')) for e in graph.get_edges()]
        assert ("square", "gates", "Charge the gates with the crowd!") in edges
        assert ("start:cadet", "billet", "") in edges
        assert len(edges) == 2 + sum(len(s.choices) + len(s.next) for s in story.scenes.values())

    def test_endings_and_accounts_are_styled(self, story_named):
        pydot = pytest.importorskip("pydot", reason="pydot parses DOT; the test extra has it")
        dot = render_dot(extract_map(story_named("sound")))
        graph = pydot.graph_from_dot_data(dot)[0]
        nodes = {n.get_name().strip('"'): n for s in graph.get_subgraphs()
                 for n in s.get_nodes()}
        assert nodes["arrest"].get("peripheries") == "2"
        assert nodes["home"].get("fillcolor") == '"#d7bde2"'
        assert nodes["gates"].get("color") == '"#b03a2e"'

    def test_quotes_in_labels_are_escaped(self, tiny_story):
        pydot = pytest.importorskip("pydot", reason="pydot parses DOT; the test extra has it")
        dot = render_dot(extract_map(tiny_story))
        assert '[label="if role == \\"cadet\\"", style=dashed]' in dot
        assert pydot.graph_from_dot_data(dot) is not None


MERMAID_NODE = re.compile(r'^(n_\w+)(\["|\(\["|\[/")(.*?)("\]|"\]\)|"/\])$')
MERMAID_EDGE = re.compile(r'^(n_\w+) (-->|-\.->)(\|"[^"]*"\|)? (n_\w+)$')
MERMAID_STYLE = re.compile(r"^(classDef \w+ .+|class n_\w+ \w+|linkStyle \d+ .+)$")


def parse_mermaid(text: str) -> tuple[dict[str, str], list[tuple[str, str, str]], list[str]]:
    """A strict reading of the flowchart: every line must be a header, a subgraph opening
    or end, a node, an edge or a style; subgraphs must balance."""
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str, str]] = []
    groups: list[str] = []
    depth = 0
    for raw in lines[1:]:
        line = raw.strip()
        if match := re.fullmatch(r'subgraph (group_\d+)\["([^"]*)"\]', line):
            groups.append(match[2])
            depth += 1
        elif line == "end":
            depth -= 1
            assert depth >= 0
        elif match := MERMAID_NODE.match(line):
            nodes[match[1]] = match[3]
        elif match := MERMAID_EDGE.match(line):
            edges.append((match[1], match[4], (match[3] or "").strip('|"')))
        else:
            assert MERMAID_STYLE.match(line), line
    assert depth == 0
    for source, target, _label in edges:
        assert source in nodes and target in nodes
    return nodes, edges, groups


class TestMermaid:
    def test_parses_structurally(self, story_named):
        story = story_named("sound")
        nodes, edges, groups = parse_mermaid(render_mermaid(extract_map(story)))
        assert groups == ["Palace Square", "The Winter Palace"]
        assert nodes["n_arrest"] == "END: Ten past two<br>arrest"
        assert ("n_square", "n_gates", "Charge the gates with the crowd!") in edges
        assert len(nodes) == len(story.scenes) + len(story.roles)

    def test_conditional_ways_are_dotted_and_quotes_escaped(self, tiny_story):
        text = render_mermaid(extract_map(tiny_story))
        parse_mermaid(text)
        assert 'n_hall -.->|"if role == #quot;cadet#quot;"| n_cadet_end' in text

    def test_keyword_ids_are_prefixed(self):
        assert mermaid_id("end") == "n_end"
        assert mermaid_id("start:guard") == "n_start_guard"


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_render_draws_an_svg(tmp_path, capsys):
    target = tmp_path / "map.svg"
    assert main(["graph", str(STORIES / "sound"), "--render", str(target)]) == 0
    assert capsys.readouterr().out == f"Rendered the map of A Sound Night to {target}.\n"
    assert target.read_text().lstrip().startswith(("<?xml", "<svg"))
    assert "The corridor" in target.read_text()
