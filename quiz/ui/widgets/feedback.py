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


def verdict(result: GradeResult) -> str:
    """The one-line verdict: "✓ Correct", "◐ Partly correct 60%" or "✗ Incorrect"."""
    outcome = outcome_of(result)
    if outcome == "correct":
        return f"{RIGHT} Correct"
    if outcome == "partial":
        return f"◐ Partly correct {round(result.score * 100)}%"
    return f"{WRONG} Incorrect"


class FeedbackPanel(VerticalScroll):
    """Verdict, right answer, choice feedback, explanation and source quote (with section).

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
    """

    def __init__(
        self,
        question: Question,
        result: GradeResult | None = None,
        *,
        section: str | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.question = question
        self.result = result
        self.section = section

    def compose(self) -> ComposeResult:
        """One Static per part. Without a result yet (prepared while the learner thinks)
        the answer's parts are empty and hidden; `show_result` fills them in."""
        for classes in ("verdict", "answer", "choice-feedback", "note"):
            part = Static("", classes=classes, markup=False)
            part.display = False
            yield part
        yield Static(
            Content.assemble(("Why: ", "bold"), self.question.explanation), classes="explanation"
        )
        if self.question.source_quote:
            where = f"Source, section “{self.section}”:" if self.section else "Source:"
            quote = f"“{self.question.source_quote}”"
            yield Static(Content.assemble((where, "bold"), "\n", quote), classes="source")

    def on_mount(self) -> None:
        if self.result is not None:
            self.show_result(self.result)

    def show_result(self, result: GradeResult) -> None:
        """Fill in the parts that depend on the answer (no widget is mounted here)."""
        self.result = result
        for outcome in ("correct", "partial", "incorrect"):
            self.remove_class(f"-{outcome}")
        self.add_class(f"-{outcome_of(result)}")
        self._part("verdict", Content(verdict(result)))
        if result.correct_answer:
            label = "Answer: " if self.question.type == "flashcard" else "Right answer: "
            self._part("answer", Content.assemble((label, "bold"), result.correct_answer))
        else:
            self._part("answer", None)
        lines = [Content.assemble(("› ", "bold"), line) for line in result.feedback]
        self._part("choice-feedback", Content("\n").join(lines) if lines else None)
        self._part("note", Content(result.note) if result.note else None)

    def _part(self, name: str, content: Content | None) -> None:
        part = self.query_one(f".{name}", Static)
        part.display = content is not None
        if content is not None:
            part.update(content)
