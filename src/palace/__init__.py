"""Palace: a terminal interactive-fiction engine and the game of the night of 25 October 1917."""

__version__ = "0.1.0"
