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

_OPTION = re.compile(r"^([A-Z])[.)][ \t]+(.*\S)\s*$")
#: Moodle also takes an option without the space (`A)Correct`) once a question has begun.
_OPTION_TIGHT = re.compile(r"^([A-Z])[.)](\S.*?)\s*$")
_ANSWER = re.compile(r"^ANSWER\s*:\s*(.*?)\s*$", re.IGNORECASE)


def parse_aiken(
    text: str,
    *,
    path: str = "",
    bank_id: str = "imported",
    title: str = "",
    strict: bool = False,
) -> ImportResult:
    """Import Aiken text as Moodle reads it: each malformed question is skipped and reported
    with its line (InteropError with `strict`, or when no question is left)."""
    drafts: list[Draft] = []
    skipped: list[InteropError] = []
    ids = IdMaker()
    prompt: list[str] = []
    options: list[tuple[str, str]] = []
    start = 0
    #: After an error inside a question, its remaining option lines and ANSWER line are
    #: passed over, so one mistake is reported once.
    passing = False

    def fail(line: int, column: int, message: str, *, rest: bool = False) -> None:
        nonlocal prompt, options, passing
        what = f"question {' '.join(prompt)[:40]!r}: " if prompt else ""
        skipped.append(InteropError(what + message, path=path, line=line, column=column))
        prompt, options, passing = [], [], rest

    for num, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        answer = _ANSWER.match(line)
        option = _OPTION.match(line) or (_OPTION_TIGHT.match(line) if prompt else None)
        if passing and (answer or option):
            passing = not answer
            continue
        passing = False
        if answer:
            if not prompt:
                fail(num, 1, "'ANSWER:' without a question before it")
                continue
            if len(options) < 2:
                fail(num, 1, "a question needs at least two options (A. ..., B. ...)")
                continue
            letter = answer.group(1).upper()
            letters = [ltr for ltr, _ in options]
            if letter not in letters:
                col = raw.find(answer.group(1)) + 1 if answer.group(1) else len(raw) + 1
                fail(num, col, f"ANSWER {answer.group(1)!r} is not one of the options {letters}")
                continue
            qtext = "\n".join(prompt)
            data: dict[str, Any] = {
                "type": "multiple_choice",
                "id": ids.make(prompt_slug(qtext), "q"),
                "prompt": qtext,
                "choices": [{"text": t, "correct": ltr == letter} for ltr, t in options],
            }
            drafts.append(Draft(data, start))
            prompt, options = [], []
        elif option:
            if not prompt:
                fail(num, 1, f"option {option.group(1)} without a question before it")
                continue
            expected = string.ascii_uppercase[len(options)]
            if option.group(1) != expected:
                fail(num, 1, f"expected option {expected}, found {option.group(1)}", rest=True)
                continue
            options.append((option.group(1), option.group(2)))
        else:
            if options:
                # Moodle: a new question begins here; the unfinished one is reported.
                fail(num, 1, f"no 'ANSWER: X' line for the question of line {start} before here")
            if not prompt:
                start = num
            prompt.append(line)
    if prompt:
        fail(start, 1, "the question has no 'ANSWER: X' line")
    return build_bank(
        drafts,
        bank_id=bank_id,
        title=title or bank_id,
        path=path,
        warnings=[],
        skipped=skipped,
        strict=strict,
    )


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
        if any(c.credit for c in q.choices):
            warnings.append(InteropWarning(None, "partial credit on choices dropped", q.id))
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
