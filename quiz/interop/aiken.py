"""Aiken: the simplest Moodle format, multiple choice only.

What is 2 + 2?
A. 3
B) 4
ANSWER: B
"""

from __future__ import annotations

import re
import string
from typing import Any

from quiz import models
from quiz.interop.common import (
    Draft,
    ExportResult,
    IdMaker,
    ImportResult,
    InteropError,
    InteropWarning,
    build_bank,
    prompt_slug,
)

_OPTION = re.compile(r"^([A-Z])[.)]\s+(.*\S)\s*$")
_ANSWER = re.compile(r"^ANSWER\s*:\s*(.*?)\s*$", re.IGNORECASE)


def parse_aiken(
    text: str, *, path: str = "", bank_id: str = "imported", title: str = ""
) -> ImportResult:
    """Import Aiken text. Raises InteropError with line and column on a malformed question."""
    drafts: list[Draft] = []
    ids = IdMaker()
    prompt: list[str] = []
    options: list[tuple[str, str]] = []
    start = 0

    def fail(line: int, column: int, message: str) -> InteropError:
        return InteropError(message, path=path, line=line, column=column)

    for num, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        answer = _ANSWER.match(line)
        option = _OPTION.match(line)
        if answer:
            if not prompt:
                raise fail(num, 1, "ANSWER: without a question before it")
            if len(options) < 2:
                raise fail(num, 1, "a question needs at least two options (A. ..., B. ...)")
            letter = answer.group(1).upper()
            letters = [ltr for ltr, _ in options]
            if letter not in letters:
                col = raw.find(answer.group(1)) + 1 if answer.group(1) else len(raw) + 1
                raise fail(
                    num, col, f"ANSWER {answer.group(1)!r} is not one of the options {letters}"
                )
            qtext = "\n".join(prompt)
            data: dict[str, Any] = {
                "type": "multiple_choice",
                "id": ids.make(prompt_slug(qtext), "q"),
                "prompt": qtext,
                "choices": [{"text": t, "correct": ltr == letter} for ltr, t in options],
            }
            drafts.append(Draft(data, start))
            prompt, options = [], []
        elif option and prompt:
            expected = string.ascii_uppercase[len(options)]
            if option.group(1) != expected:
                raise fail(num, 1, f"expected option {expected}, found {option.group(1)}")
            options.append((option.group(1), option.group(2)))
        elif options:
            raise fail(num, 1, "expected the next option or 'ANSWER: X' after the options")
        else:
            if not prompt:
                start = num
            prompt.append(line)
    if prompt:
        raise InteropError(
            "the last question has no 'ANSWER: X' line", path=path, line=start, column=1
        )
    return build_bank(drafts, bank_id=bank_id, title=title or bank_id, path=path, warnings=[])


def export_aiken(bank: models.Bank) -> ExportResult:
    """Multiple choice questions as Aiken; every other type is reported and left out."""
    out: list[str] = []
    warnings: list[InteropWarning] = []
    exported = 0
    for q in bank.questions:
        if not isinstance(q, models.MultipleChoice):
            warnings.append(
                InteropWarning(
                    None, f"skipped: Aiken holds multiple_choice only, not {q.type}", q.id
                )
            )
            continue
        if len(q.choices) > 26:
            warnings.append(InteropWarning(None, "skipped: more than 26 choices", q.id))
            continue
        prompt = " ".join(q.prompt.split())
        if prompt != q.prompt.strip():
            warnings.append(InteropWarning(None, "line breaks in the prompt joined", q.id))
        out.append(prompt)
        right = "A"
        for letter, choice in zip(string.ascii_uppercase, q.choices, strict=False):
            text = " ".join(choice.text.split())
            if text != choice.text.strip():
                warnings.append(InteropWarning(None, "line breaks in a choice joined", q.id))
            out.append(f"{letter}. {text}")
            if choice.correct:
                right = letter
        out += [f"ANSWER: {right}", ""]
        exported += 1
    if exported:
        warnings.append(
            InteropWarning(
                None,
                f"explanations and feedback are not part of Aiken: dropped ({exported} questions)",
            )
        )
    return ExportResult("\n".join(out), warnings, exported)
