"""The fuzz targets (tests/fuzz), run without a fuzzer: over the project's own examples
and over every input that ever broke a reader, so that each crash the fuzzer found
stays fixed. The long, coverage-guided run is ``python3 tests/fuzz/run.py TARGET``."""

from __future__ import annotations

import pytest

from fuzz import targets


@pytest.mark.parametrize("name", sorted(targets.TARGETS))
def test_every_seed_keeps_the_promise(name):
    seeds = list(targets.seeds(name))
    assert seeds
    for data in seeds:
        targets.TARGETS[name](data)


REGRESSIONS = [(target, name, data) for target in sorted(targets.TARGETS)
               for name, data in targets.regressions(target)]


@pytest.mark.parametrize(("target", "name", "data"), REGRESSIONS,
                         ids=[f"{target}/{name}" for target, name, _data in REGRESSIONS])
def test_every_input_that_once_broke_a_reader_is_handled(target, name, data):
    targets.TARGETS[target](data)
