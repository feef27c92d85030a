"""Write a synthetic Palace story of N scenes, for benchmarks.

The story is valid and realistic in shape: prose of about a kilobyte a scene,
spread over files of 50 scenes in folders of 20 files, with conditions, effects
of every kind, greyed and hidden choices, conditional passages, interpolations,
documents and beats. Every scene is reachable (scene i always leads to i + 1),
walks are short (scene i may also jump to 2i + 1, or to an ending once that is
past the last ordinary scene), and the last twentieth of the scenes are endings,
each reached from some scene: ``palace check`` finds no problem and ``palace
test`` no failure.

    python bench/generate.py 1000 /tmp/story-1000
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path


MIN_SCENES = 22
"""Fewer scenes leave some variables or documents unused, which ``palace check`` warns of."""
SCENES_PER_FILE = 50
FILES_PER_FOLDER = 20
VARIABLES = 12
SOURCE_PROSE = (
    "the palace square lies under wet snow and the lamps are few; somewhere a tram "
    "rings on the embankment while men in greatcoats argue by the firewood, a rifle "
    "passes from hand to hand, the windows above are lit and nobody knows who holds "
    "the building tonight, a sailor laughs, a cadet stamps his feet against the cold, "
    "and the river smells of coal smoke and iron"
)
WORDS = SOURCE_PROSE.split()


def prose(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    sentences, sentence = [], []
    for word in chosen:
        sentence.append(word)
        if len(sentence) > 8 and rng.random() < 0.15:
            sentences.append(" ".join(sentence).capitalize() + ".")
            sentence = []
    if sentence:
        sentences.append(" ".join(sentence).capitalize() + ".")
    return " ".join(sentences)


def manifest(scenes: int) -> str:
    variables = "\n".join(
        [f"  n{i}: 0" for i in range(VARIABLES)] + [f"  f{i}: false" for i in range(VARIABLES)])
    return f"""format: 1
id: synthetic_{scenes}
title: A synthetic night of {scenes} scenes
version: "1.0"
clock:
  start: "1917-10-25 12:00"
roles:
  walker:
    name: Walker
    start: s0
variables:
{variables}
locations:
  street: A street
  hall: A hall
"""


def first_ending(total: int) -> int:
    return total - max(2, total // 20)


def jump_target(index: int, total: int) -> int:
    """Where scene ``index``'s second choice leads: twice as far, or an ending."""
    endings_from = first_ending(total)
    if 2 * index + 1 < endings_from:
        return 2 * index + 1
    return endings_from + index % (total - endings_from)


def scene(index: int, total: int, rng: random.Random) -> str:
    endings_from = first_ending(total)
    number, flag = f"n{index % VARIABLES}", f"f{(index + 3) % VARIABLES}"
    lines = [
        f"  - id: s{index}",
        f"    title: Scene {index}",
        f"    location: {'street' if index % 2 else 'hall'}",
        "    text:",
        f"      - >-\n        {prose(rng, 90)}",
        f"      - if: {flag}\n        text: \"{prose(rng, 25)} It is {{clock}}.\"\n"
        f"        else: \"{prose(rng, 20)} You count {{{number}}}.\"",
        f"      - >-\n        {prose(rng, 60)}",
    ]
    if index % 10 == 0:
        lines += [f"    account: {'myth' if index % 20 else 'archive'}", f"    beat: b{index % 5}"]
    if index >= endings_from:
        kind = ("myth", "archive", "mixed")[index % 3]
        lines.append(f"    ending: {{id: e{index}, title: Ending {index}, kind: {kind}}}")
        return "\n".join(lines)
    lines.append("    effects: {advance: 2}")
    lines.append("    choices:")
    lines.append(f"      - text: {prose(rng, 6)}\n        to: s{index + 1}\n"
                 f"        effects: {{add: {{{number}: 1}}, set: {{{flag}: true}}}}")
    lines.append(f"      - text: {prose(rng, 7)}\n        to: s{jump_target(index, total)}\n"
                 f"        if: {number} >= 1 or {flag}\n        reason: Not yet.")
    if index + 2 < total:
        lines.append(f"      - text: {prose(rng, 5)}\n        to: s{index + 2}\n"
                     f"        if: not {flag} and clock < 23:00\n"
                     f"        effects: {{unlock: d{index % 20}, until: \"23:30\"}}\n"
                     f"        account: archive\n        beat: b{index % 5}")
    return "\n".join(lines)


def record() -> str:
    documents = "\n".join(
        f"  - id: d{i}\n    title: Document {i}\n    source: A source, page {i}\n"
        f"    text: What the source says, number {i}." for i in range(20))
    beats = "\n".join(
        f"  - id: b{i}\n    title: Beat {i}\n    myth: {{text: The legend {i}., sources: d{i}}}\n"
        f"    archive: {{text: The record {i}., sources: [d{i + 5}]}}" for i in range(5))
    return f"documents:\n{documents}\nbeats:\n{beats}\n"


def write_story(folder: Path, scenes: int, *, seed: int = 1917) -> None:
    """Write a story of ``scenes`` scenes into ``folder``, replacing a story already there.

    Raises:
        ValueError: too few scenes, or ``folder`` holds something other than a story.
    """
    if scenes < MIN_SCENES:
        raise ValueError(f"a synthetic story needs at least {MIN_SCENES} scenes, not {scenes}")
    if folder.exists() and any(folder.iterdir()):
        if not (folder / "story.yaml").is_file():
            raise ValueError(f"{folder} is not empty and holds no story.yaml: not replacing it")
        shutil.rmtree(folder)
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "story.yaml").write_text(manifest(scenes), encoding="utf-8")
    (folder / "record.yaml").write_text(record(), encoding="utf-8")
    for start in range(0, scenes, SCENES_PER_FILE):
        body = "\n".join(scene(i, scenes, rng) for i in range(start, min(scenes, start +
                                                                          SCENES_PER_FILE)))
        number = start // SCENES_PER_FILE
        path = folder / f"act_{number // FILES_PER_FOLDER:03d}" / f"part_{number:04d}.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text("scenes:\n" + body + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenes", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=1917)
    options = parser.parse_args()
    try:
        write_story(options.folder, options.scenes, seed=options.seed)
    except ValueError as error:
        parser.error(str(error))


if __name__ == "__main__":
    main()
