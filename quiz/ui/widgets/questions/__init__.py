"""One input widget per question type; `make_question_input` picks the right one."""

from __future__ import annotations

from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from quiz.models import Question

INPUT_CLASSES: dict[str, type[QuestionInput]] = {
    "multiple_choice": MultipleChoiceInput,
    "multiple_select": MultipleSelectInput,
    "true_false": TrueFalseInput,
    "short_answer": ShortAnswerInput,
    "numeric": NumericInput,
    "cloze": ClozeInput,
    "ordering": OrderingInput,
    "matching": MatchingInput,
    "flashcard": FlashcardInput,
}


def make_question_input(question: Question, seed: int | None = None) -> QuestionInput:
    """The input widget for this question's type."""
    return INPUT_CLASSES[question.type](question, seed=seed)


__all__ = [
    "INPUT_CLASSES",
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
    "make_question_input",
    "shuffled_order",
]
