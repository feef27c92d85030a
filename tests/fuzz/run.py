"""Coverage-guided fuzzing of Palace's readers of untrusted input, with atheris.

    python3 -m pip install atheris
    python3 tests/fuzz/run.py TARGET [libFuzzer options]

TARGET is ``condition``, ``loader`` or ``save`` (see ``targets.py``). The working
corpus grows in ``.fuzz/TARGET/`` at the top of the checkout, seeded from the
project's own examples; a crashing input is written to ``.fuzz/crashes/`` and the
run stops. For example, five minutes on the loader::

    python3 tests/fuzz/run.py loader -max_total_time=300

Without atheris, ``--replay`` runs a target over its seeds, its regressions and its
working corpus, the way the normal tests do::

    python3 tests/fuzz/run.py loader --replay
"""

from __future__ import annotations

import sys
from pathlib import Path


HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path[:0] = [str(ROOT / "src"), str(HERE.parent)]


def main(arguments: list[str]) -> int:
    if not arguments or arguments[0] not in ("condition", "loader", "save"):
        print(__doc__, file=sys.stderr)
        return 2
    target, options = arguments[0], arguments[1:]
    if "--replay" in options:
        return replay(target)
    return fuzz(target, options)


def fuzz(target: str, options: list[str]) -> int:
    try:
        import atheris
    except ImportError:
        print("atheris is not installed: python3 -m pip install atheris", file=sys.stderr)
        return 2
    with atheris.instrument_imports(include=["palace", "yaml"]):
        from fuzz import targets
    corpus = ROOT / ".fuzz" / target
    crashes = ROOT / ".fuzz" / "crashes"
    _seed(corpus, target)
    crashes.mkdir(parents=True, exist_ok=True)
    function = targets.TARGETS[target]
    atheris.Setup([sys.argv[0], *options, f"-artifact_prefix={crashes}/{target}-",
                   str(corpus)], function)
    atheris.Fuzz()
    return 0


def _seed(corpus: Path, target: str) -> None:
    from fuzz import targets

    corpus.mkdir(parents=True, exist_ok=True)
    for number, data in enumerate(targets.seeds(target)):
        (corpus / f"seed-{number:04d}").write_bytes(data)
    for name, data in targets.regressions(target):
        (corpus / f"regression-{name}").write_bytes(data)


def replay(target: str) -> int:
    from fuzz import targets

    corpus = ROOT / ".fuzz" / target
    inputs = [*targets.seeds(target), *(data for _name, data in targets.regressions(target)),
              *(path.read_bytes() for path in sorted(corpus.glob("*")) if corpus.is_dir())]
    for data in inputs:
        targets.TARGETS[target](data)
    print(f"{target}: {len(inputs)} inputs, no failure")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
