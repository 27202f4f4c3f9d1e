"""Turn a `PublicQuestion` into a question the study app's widgets can render, and back.

The question widgets take a full bank `Question`; a student has only the public view (no key).
`renderable_question` builds a model in *display order* with placeholder keys that the input
widgets never show (the client never asks them to mark results; feedback is shown with the
real question once the server reveals it). `to_ids` maps the widgets' answer, which
indexes that display-order model, to the option ids the server was sent (it alone knows
which bank option each id stands for).
"""

from __future__ import annotations

from typing import Any

from quiz.classroom.models import PublicQuestion
from quiz.models import (
    Choice,
    Cloze,
    Flashcard,
    Matching,
    MultipleChoice,
    MultipleSelect,
    Numeric,
    Ordering,
    Pair,
    Question,
    ShortAnswer,
    TrueFalse,
)

#: Stands in for the explanation and keys until the reveal (never displayed by an input).
PLACEHOLDER = "?"
FLASHCARD_BACK = "(the answer is shown when the teacher reveals it)"


def renderable_question(pq: PublicQuestion) -> Question:
    """A display-order question with placeholder keys, for `QuestionView`."""
    base: dict[str, Any] = {
        "id": pq.id,
        "prompt": pq.prompt,
        "explanation": PLACEHOLDER,
        "hint": pq.hint,
    }
    match pq.type:
        case "multiple_choice":
            choices = [Choice(text=c.text, correct=i == 0) for i, c in enumerate(pq.choices or [])]
            return MultipleChoice(type="multiple_choice", choices=choices, shuffle=False, **base)
        case "multiple_select":
            choices = [Choice(text=c.text, correct=i == 0) for i, c in enumerate(pq.choices or [])]
            return MultipleSelect(type="multiple_select", choices=choices, shuffle=False, **base)
        case "true_false":
            return TrueFalse(type="true_false", answer=True, **base)
        case "short_answer":
            return ShortAnswer(type="short_answer", accept=[PLACEHOLDER], **base)
        case "numeric":
            return Numeric(type="numeric", answer=0.0, unit=pq.unit, **base)
        case "cloze":
            text = "{{?}}".join(pq.segments or ["", ""])
            return Cloze(type="cloze", text=text, **base)
        case "ordering":
            return Ordering(type="ordering", items=[i.text for i in pq.items or []], **base)
        case "matching":
            pairs = [
                Pair(left=left.text, right=r.text)
                for left, r in zip(pq.lefts or [], pq.rights or [], strict=True)
            ]
            return Matching(type="matching", pairs=pairs, **base)
        case "flashcard":
            return Flashcard(type="flashcard", back=FLASHCARD_BACK, **base)
    raise ValueError(f"unknown question type {pq.type!r}")


def to_ids(pq: PublicQuestion, answer: Any) -> Any:
    """The widgets' answer (display-order positions) as the option ids the API takes."""
    if pq.type == "multiple_choice" and pq.choices is not None:
        return pq.choices[answer].id
    if pq.type == "multiple_select" and pq.choices is not None:
        return [pq.choices[i].id for i in answer]
    if pq.type == "ordering" and pq.items is not None:
        return [pq.items[i].id for i in answer]
    if pq.type == "matching" and pq.rights is not None:
        return [None if j is None else pq.rights[j].id for j in answer]
    return answer
