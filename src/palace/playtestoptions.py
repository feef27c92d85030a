"""What a playtest can be asked for: its strategies and default limits.

Kept apart from ``playtest`` so the command line can describe its options without
importing the machinery behind them.
"""

from __future__ import annotations

import enum


DEFAULT_RUNS = 1000
DEFAULT_MAX_STEPS = 500
DEFAULT_MAX_STATES = 100_000


class Strategy(enum.StrEnum):
    LEAST_TRIED = "least-tried"
    UNIFORM = "uniform"
