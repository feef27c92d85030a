"""The colour themes: what each style class of the layout looks like in a terminal.

Rule: plain data, in prompt-toolkit's style notation, with no prompt-toolkit
import; the terminal console builds its style from it. Plain text ignores themes.
Each theme names every class, so switching themes never leaves a class unstyled.
"""

from __future__ import annotations

from collections.abc import Mapping


DEFAULT_THEME = "dark"
THEME_VARIABLE = "PALACE_THEME"

_DARK: Mapping[str, str] = {
    "title": "bold #d75f5f",
    "subtitle": "italic",
    "heading": "bold",
    "meta": "#8a8a8a",
    "prose": "",
    "number": "bold #d7af5f",
    "choice": "",
    "greyed": "#6c6c6c italic",
    "selected": "bold reverse",
    "pointer": "bold #d7af5f",
    "notice": "#5f87af",
    "error": "bold #d75f5f",
    "prompt": "bold #d7af5f",
    "more": "reverse",
    "status": "",
    "bottom-toolbar": "noreverse bg:#303030 #d0d0d0",
    "map": "#a8a8a8",
    "map.water": "#5f87af",
    "map.here": "bold #ff5f5f",
    "map.visited": "bold #d7af5f",
    "map.legend": "",
    "timeline.bar": "#8a8a8a",
    "timeline.mark": "bold #d7af5f",
    "timeline.now": "bold #ff5f5f",
}

_LIGHT: Mapping[str, str] = {
    **_DARK,
    "title": "bold #af0000",
    "meta": "#6c6c6c",
    "number": "bold #875f00",
    "greyed": "#949494 italic",
    "pointer": "bold #875f00",
    "notice": "#005f87",
    "error": "bold #af0000",
    "prompt": "bold #875f00",
    "bottom-toolbar": "noreverse bg:#dadada #262626",
    "map": "#585858",
    "map.water": "#005f87",
    "map.here": "bold #d70000",
    "map.visited": "bold #875f00",
    "timeline.bar": "#6c6c6c",
    "timeline.mark": "bold #875f00",
    "timeline.now": "bold #d70000",
}

THEMES: Mapping[str, Mapping[str, str]] = {"dark": _DARK, "light": _LIGHT}
"""Theme name -> style class -> style."""
