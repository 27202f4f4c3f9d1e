"""FeedbackPanel: after an answer, right/wrong at a glance, the right answer and why."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

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
    Built with a result it shows it at once; built without one (the study screen builds
    it with the question, hidden) it stays hidden until `show` fills it, so the answer
    only updates a few Statics instead of mounting a panel.
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
    FeedbackPanel > .source { margin: 1 0 0 0; color: $text-muted; }
    FeedbackPanel > .caveat { margin: 1 0 0 0; border-left: wide $warning; padding: 0 0 0 1; }
    """

    #: The verdict's style per outcome: it is the body's first line, not a widget of its
    #: own styled by the panel's outcome class (see `_fill`).
    VERDICT_STYLES: ClassVar[dict[str, str]] = {
        "correct": "bold $text-success",
        "partial": "bold $text-warning",
        "incorrect": "bold $text-error",
    }

    def __init__(
        self,
        question: Question,
        result: GradeResult | None = None,
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
        # Few widgets: each costs a mount, a restyle and a render, and its place in every
        # layout of the screen. The verdict, the notice, the answer, the choices'
        # feedback, the note and the why are lines of one Static, styled by their spans
        # (blank lines where they had margins). The source (muted: an `auto` colour, which
        # only CSS resolves against the background) and the caveat (its border) keep
        # widgets of their own, there only if the question has them.
        self._body = Static("", classes="body")
        self._source = Static("", classes="source") if question.source_quote else None
        self._caveat = Static("", classes="caveat") if question.caveat is not None else None
        if result is None:
            self.display = False
        else:
            self._fill(result)

    def compose(self) -> ComposeResult:
        """The body (verdict, notice, answer, choices' feedback, note, why), the source,
        the caveat."""
        parts = (self._body, self._source, self._caveat)
        yield from (part for part in parts if part is not None)

    @property
    def text(self) -> str:
        """What the panel says, as plain text (the body, the source, the caveat)."""
        parts = [self._body, self._source, self._caveat]
        return "\n\n".join(str(part.render()) for part in parts if part is not None)

    async def show(
        self,
        result: GradeResult,
        *,
        section: str | None = None,
        headline: str | None = None,
        notice: str | None = None,
    ) -> None:
        """Fill the panel with `result` (replacing what it showed) and show it."""
        self.section = section
        self.headline = headline
        self.notice = notice
        self._fill(result)
        self.display = True

    def _fill(self, result: GradeResult) -> None:
        self.result = result
        outcome = outcome_of(result)
        classes = {f"-{name}": name == outcome for name in ("correct", "partial", "incorrect")}
        if any(self.has_class(name) != wanted for name, wanted in classes.items()):
            # The class sets the border's colour, which only the panel itself shows: it
            # alone is restyled, not its children too (update_classes would restyle all).
            self.update_classes(classes, update=False)
            if self.is_attached:
                self.app.stylesheet.update_nodes([self], animate=False)
        question = self.question
        lines: list[Content] = [
            Content.styled(verdict(result, self.headline), self.VERDICT_STYLES[outcome])
        ]
        if self.notice:
            lines += [Content(""), Content.styled(self.notice, "$text-warning")]
        if result.correct_answer and self.show_answer:
            label = "Answer: " if question.type == "flashcard" else "Right answer: "
            lines.append(Content.assemble((label, "bold"), result.correct_answer))
        lines.extend(Content.assemble(("› ", "bold"), line) for line in result.feedback)
        if result.note:
            lines.append(Content(result.note))
        # A blank line before "Why", as the margin the explanation had on its own.
        lines += [Content(""), Content.assemble(("Why: ", "bold"), question.explanation)]
        self._body.update(Content("\n").join(lines))
        if self._source is not None:
            where = f"Source, section “{self.section}”:" if self.section else "Source:"
            quote = f"“{question.source_quote}”"
            self._source.update(Content.assemble((where, "bold"), "\n", quote))
        if self._caveat is not None and (caveat := question.caveat) is not None:
            # Last and under its own label: it goes beyond the article the key follows.
            self._caveat.update(
                Content.assemble(
                    ("Beyond the article: ", "bold"),
                    caveat.text,
                    "\n",
                    ("Reference: ", "italic"),
                    caveat.reference,
                )
            )
