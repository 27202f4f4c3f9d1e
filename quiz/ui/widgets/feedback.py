"""FeedbackPanel: after an answer, right/wrong at a glance, the right answer and why."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from quiz.ui.widgets.questions.base import RIGHT, WRONG, outcome_of

if TYPE_CHECKING:
    from quiz.grading import GradeResult
    from quiz.models import Question


def verdict(result: GradeResult, headline: str | None = None) -> str:
    """The one-line verdict: "✓ Correct", "◐ Partly correct 60%" or "✗ Incorrect"; with a
    `headline` ("Again: back in 1 minute"), that after the outcome's mark."""
    outcome = outcome_of(result)
    if headline:
        mark = {"correct": RIGHT, "partial": "◐"}.get(outcome, WRONG)
        return f"{mark} {headline}"
    if outcome == "correct":
        return f"{RIGHT} Correct"
    if outcome == "partial":
        return f"◐ Partly correct {round(result.score * 100)}%"
    return f"{WRONG} Incorrect"


class FeedbackPanel(VerticalScroll):
    """Verdict, right answer, choice feedback, explanation, source quote (with section) and,
    when the question has one, the caveat that goes beyond the article.

    Scrolls on its own when the explanation is long; all bank text is shown literally.
    """

    DEFAULT_CSS = """
    FeedbackPanel {
        height: auto;
        max-height: 60%;
        border-left: thick $primary;
        padding: 0 1;
    }
    FeedbackPanel.-correct { border-left: thick $success; }
    FeedbackPanel.-partial { border-left: thick $warning; }
    FeedbackPanel.-incorrect { border-left: thick $error; }
    FeedbackPanel > Static { height: auto; }
    FeedbackPanel > .verdict { text-style: bold; }
    FeedbackPanel.-correct > .verdict { color: $text-success; }
    FeedbackPanel.-partial > .verdict { color: $text-warning; }
    FeedbackPanel.-incorrect > .verdict { color: $text-error; }
    FeedbackPanel > .explanation { margin: 1 0 0 0; }
    FeedbackPanel > .source { margin: 1 0 0 0; color: $text-muted; }
    FeedbackPanel > .notice { margin: 1 0 0 0; color: $text-warning; }
    FeedbackPanel > .caveat { margin: 1 0 0 0; border-left: wide $warning; padding: 0 0 0 1; }
    """

    def __init__(
        self,
        question: Question,
        result: GradeResult,
        *,
        section: str | None = None,
        headline: str | None = None,
        notice: str | None = None,
        show_answer: bool = True,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.question = question
        self.result = result
        self.section = section
        #: Said in place of "Correct"/"Incorrect" (a rating, a hinted answer).
        self.headline = headline
        #: What the answer did beyond the verdict (new-card limit, leech, appeal): shown
        #: here, not as a toast over the feedback.
        self.notice = notice
        #: False where the answer is already on screen (a flipped card shows its back).
        self.show_answer = show_answer
        self.add_class(f"-{outcome_of(result)}")

    def compose(self) -> ComposeResult:
        """One Static per part; parts that are empty are left out."""
        result = self.result
        yield Static(verdict(result, self.headline), classes="verdict", markup=False)
        if self.notice:
            yield Static(Content(self.notice), classes="notice")
        if result.correct_answer and self.show_answer:
            label = "Answer: " if self.question.type == "flashcard" else "Right answer: "
            yield Static(Content.assemble((label, "bold"), result.correct_answer), classes="answer")
        for line in result.feedback:
            yield Static(Content.assemble(("› ", "bold"), line), classes="choice-feedback")
        if result.note:
            yield Static(Content(result.note), classes="note")
        yield Static(
            Content.assemble(("Why: ", "bold"), self.question.explanation), classes="explanation"
        )
        if self.question.source_quote:
            where = f"Source, section “{self.section}”:" if self.section else "Source:"
            quote = f"“{self.question.source_quote}”"
            yield Static(Content.assemble((where, "bold"), "\n", quote), classes="source")
        if (caveat := self.question.caveat) is not None:
            # Last and under its own label: it goes beyond the article the key follows.
            yield Static(
                Content.assemble(
                    ("Beyond the article: ", "bold"),
                    caveat.text,
                    "\n",
                    ("Reference: ", "italic"),
                    caveat.reference,
                ),
                classes="caveat",
            )
