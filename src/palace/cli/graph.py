"""``palace graph``: write the story map as Graphviz DOT or Mermaid, or render it with dot."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from palace.cli.cache import add_cache_option, load_chosen_story


NAME = "graph"
HELP = "write the story map (Graphviz DOT or Mermaid)"
GROUPS = ("location", "act")
"""The values of ``graph.GroupBy``, the default first (a test keeps them in step)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("story", nargs="?", type=Path, metavar="DIR",
                        help="the story folder (default: the shipped story)")
    parser.add_argument("--format", choices=("dot", "mermaid"), default="dot",
                        help="dot for Graphviz (the default), mermaid for Markdown")
    parser.add_argument("--role", metavar="ROLE",
                        help="only what ROLE can reach, and the ways on it can take")
    parser.add_argument("--group", choices=GROUPS, default=GROUPS[0],
                        help="group scenes by location (the default) or by act")
    parser.add_argument("--render", metavar="FILE", type=Path,
                        help="render the map with Graphviz's dot into FILE (.svg, .png, .pdf)")
    add_cache_option(parser)


def run(options: argparse.Namespace) -> int:
    from palace.cli import EXIT_ERROR, EXIT_OK, usage_error
    from palace.graph import GroupBy, extract_map, render_dot, render_mermaid

    story = load_chosen_story(options.story, no_cache=options.no_cache, whole=True)
    if options.role is not None and options.role not in story.roles:
        return usage_error(f"unknown role '{options.role}'; choose one of: "
                           f"{', '.join(story.roles)}")
    story_map = extract_map(story, role=options.role, group_by=GroupBy(options.group))
    if options.render is None:
        render = render_mermaid if options.format == "mermaid" else render_dot
        sys.stdout.write(render(story_map))
        return EXIT_OK
    if options.format != "dot":
        return usage_error("--render draws with Graphviz, so it takes --format dot")
    problem = render_with_graphviz(render_dot(story_map), options.render)
    if problem:
        print(f"palace: {problem}", file=sys.stderr)
        return EXIT_ERROR
    print(f"Rendered the map of {story.title} to {options.render}.")
    return EXIT_OK


def render_with_graphviz(dot_text: str, target: Path) -> str | None:
    """Run ``dot`` to draw ``dot_text`` into ``target``; return what went wrong, if anything."""
    import shutil
    import subprocess

    dot = shutil.which("dot")
    if dot is None:
        return ("--render needs Graphviz's 'dot', which is not installed (apt install "
                "graphviz, brew install graphviz); 'palace graph > map.dot' writes the DOT text")
    output_format = target.suffix.lstrip(".").lower() or "svg"
    result = subprocess.run([dot, f"-T{output_format}", "-o", str(target)], input=dot_text,
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        return f"dot could not render {target}: {result.stderr.strip()}"
    return None
