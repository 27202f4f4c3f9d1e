"""Numeric: type a number (the unit is shown), Enter submits; non-numbers are refused."""

from __future__ import annotations

import math
import re
from typing import Any

from quiz.models import Numeric
from quiz.ui.widgets.questions.short_answer import TEXT_INPUT_CSS, TextAnswerInput

# A lone comma between digits is a decimal comma ("3,5"); with thousands separators or
# both marks the meaning is ambiguous, so those are refused rather than guessed.
_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")


def parse_number(text: str) -> float | None:
    """The number typed, or None. Accepts 3.5, -2e3, 1_000, 3,5 and a leading +."""
    cleaned = text.strip().replace(" ", "")
    if _DECIMAL_COMMA.match(cleaned):
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class NumericInput(TextAnswerInput):
    """Posts a float; refuses text that is not a number with a visible message."""

    DEFAULT_CSS = TEXT_INPUT_CSS.format(cls="NumericInput")

    def __init__(self, question: Numeric, *, seed: int | None = None, **kw: Any) -> None:
        super().__init__(question, seed=seed, **kw)
        self.numeric = question

    def placeholder(self) -> str:
        """Say that a number is wanted."""
        return "A number, e.g. 3.5"

    def unit(self) -> str | None:
        """The question's unit."""
        return self.numeric.unit

    def help_text(self) -> str:
        """Keys for this type."""
        unit = f" in {self.numeric.unit}" if self.numeric.unit else ""
        return f"Type a number{unit} and press Enter"

    def parse(self, text: str) -> tuple[float | None, str | None]:
        """A finite float, or a message naming what was typed."""
        if not text.strip():
            return None, "Type a number first."
        value = parse_number(text)
        if value is None:
            return None, f"“{text.strip()}” is not a number: type digits, e.g. 3.5 or -2e3."
        return value, None
