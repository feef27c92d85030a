"""The condition language: a condition is parsed once at load into a tree, type-checked
against the story, then compiled to a function of the game state.

Names are story variables and the built-ins ``role`` (the player's role id) and
``clock`` (the in-game time). Functions take one bare name: ``visited(scene)``,
``visits(scene)``, ``seen(document)``, ``read(document)``, ``beats(myth)``,
``account(beat)``. A time is written ``21:40`` and means its first occurrence at
or after the story clock's start.

A condition passes through these modules, in order:

- ``tree``: the types of values and the nodes of a parsed condition (for tools that
  walk conditions);
- ``parser``: text to tree, with the grammar and the words the language keeps for itself;
- ``checker``: a tree's type, against what the story declares;
- ``compiler``: a checked tree to a function of the game state.

This package offers the steps and the names their callers need; a tool that takes a
tree apart imports the node classes from ``tree``.

Rule: nothing here calls ``eval`` or ``exec``. A tree is compiled to a chain of
small Python closures over the game state, which is both safe and fast.
"""

from palace.expr.checker import Scope, Usage, check
from palace.expr.compiler import Evaluator, compile_node
from palace.expr.parser import MAX_NESTING, RESERVED, parse
from palace.expr.tree import Node, Type, names_in


__all__ = ["MAX_NESTING", "RESERVED", "Evaluator", "Node", "Scope", "Type", "Usage", "check",
           "compile_node", "names_in", "parse"]
