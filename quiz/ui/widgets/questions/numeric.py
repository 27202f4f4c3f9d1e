"""Numeric: type a number (the unit is shown), Enter submits; non-numbers are refused."""

from __future__ import annotations

from typing import Any

from quiz.grading import read_number
from quiz.models import Numeric
from quiz.ui.widgets.questions.short_answer import TEXT_INPUT_CSS, TextAnswerInput


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
        """A finite float, or a message naming what was typed.

        Parsed exactly as grading parses strings (decimal comma, thousands separators, the
        unit or other words after the number, number words), so what the UI accepts and
        what grading means agree.
        """
        if not text.strip():
            return None, "Type a number first."
        value = read_number(text, self.numeric.unit)
        if value is None:
            return None, f"“{text.strip()}” is not a number: type one, e.g. 3.5, -2e3 or four."
        return value, None
