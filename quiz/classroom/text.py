"""Text from students (and banks) as data: refused at the door, escaped at every terminal.

A terminal obeys what it is sent: ESC starts a control sequence (retitle, clear, colour),
BEL rings, C1 codes act as ESC sequences on some terminals, and bidi overrides reorder
what is shown. The server refuses them in what students send (`control_characters`); text
already stored (an older database) or from a bank is passed through `printable` before
it reaches a terminal, and through `csv_cell` before a spreadsheet sees it.
"""

from __future__ import annotations

import unicodedata
from typing import Any

#: Categories refused in student text: Cc (C0, DEL, C1), Cf (format: bidi overrides and
#: isolates, zero-width characters), Cs (lone surrogates), Co (private use).
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co"})
#: A cell starting with one of these is a formula to Excel, LibreOffice or Google Sheets
#: (OWASP "CSV injection"), full-width forms included.
FORMULA_START = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")


def is_control(ch: str) -> bool:
    """Whether `ch` is a control, format, surrogate or private-use character."""
    return unicodedata.category(ch) in REFUSED_CATEGORIES


def control_characters(value: Any) -> list[str]:
    """Every control character in the strings of a decoded JSON value (recursively)."""
    found: list[str] = []
    if isinstance(value, str):
        found += [ch for ch in value if is_control(ch)]
    elif isinstance(value, list | tuple):
        for v in value:
            found += control_characters(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            found += control_characters(k) + control_characters(v)
    return found


def describe(chars: list[str]) -> str:
    """`U+001B, U+0007` for a refusal message (never the characters themselves)."""
    return ", ".join(dict.fromkeys(f"U+{ord(c):04X}" for c in chars))


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every control character shown as a visible escape (`\\x1b`, `\\u202e`).

    Tab becomes a space; newlines are kept only when asked (multi-line prompts).
    """
    out: list[str] = []
    for ch in text:
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif ch == "\t":
            out.append(" ")
        elif is_control(ch):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def csv_cell(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: controls escaped, a formula start quoted."""
    if not isinstance(value, str):
        return value
    text = printable(value)
    if text and (text[0] in FORMULA_START or text.lstrip()[:1] in FORMULA_START):
        return "'" + text
    return text
