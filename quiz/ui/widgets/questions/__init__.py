"""One input widget per question type; `make_question_input` picks the right one."""

from __future__ import annotations

from typing import assert_never

from quiz import models
from quiz.grading import Answer
from quiz.ui.widgets.questions.base import QuestionInput, shuffled_order
from quiz.ui.widgets.questions.cloze import ClozeInput
from quiz.ui.widgets.questions.flashcard import FlashcardInput
from quiz.ui.widgets.questions.matching import MatchingInput
from quiz.ui.widgets.questions.multiple_choice import MultipleChoiceInput
from quiz.ui.widgets.questions.multiple_select import MultipleSelectInput
from quiz.ui.widgets.questions.numeric import NumericInput
from quiz.ui.widgets.questions.ordering import OrderingInput
from quiz.ui.widgets.questions.short_answer import ShortAnswerInput
from quiz.ui.widgets.questions.true_false import TrueFalseInput


def input_class(question: models.Question) -> type[QuestionInput]:
    """The input widget class for this question's type."""
    match question:
        case models.MultipleChoice():
            return MultipleChoiceInput
        case models.MultipleSelect():
            return MultipleSelectInput
        case models.TrueFalse():
            return TrueFalseInput
        case models.ShortAnswer():
            return ShortAnswerInput
        case models.Numeric():
            return NumericInput
        case models.Cloze():
            return ClozeInput
        case models.Ordering():
            return OrderingInput
        case models.Matching():
            return MatchingInput
        case models.Flashcard():
            return FlashcardInput
        case _:
            assert_never(question)


def make_question_input(question: models.Question, seed: int | None = None) -> QuestionInput:
    """The input widget for this question's type."""
    return input_class(question)(question, seed=seed)


__all__ = [
    "Answer",
    "ClozeInput",
    "FlashcardInput",
    "MatchingInput",
    "MultipleChoiceInput",
    "MultipleSelectInput",
    "NumericInput",
    "OrderingInput",
    "QuestionInput",
    "ShortAnswerInput",
    "TrueFalseInput",
    "input_class",
    "make_question_input",
    "shuffled_order",
]
