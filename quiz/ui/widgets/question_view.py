"""QuestionView: one question of any type, its prompt, hint and input; posts Answered."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, ClassVar, assert_never

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import HorizontalGroup, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from quiz import models
from quiz.ui.widgets.questions import Answer, QuestionInput, make_question_input

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from quiz.grading import GradeResult
    from quiz.models import Question


def type_name(question: Question) -> str:
    """What the question's type is called on screen."""
    match question:
        case models.MultipleChoice():
            return "Multiple choice"
        case models.MultipleSelect():
            return "Multiple select: tick all that apply"
        case models.TrueFalse():
            return "True or false"
        case models.ShortAnswer():
            return "Short answer"
        case models.Numeric():
            return "Numeric"
        case models.Cloze():
            return "Fill in the gaps"
        case models.Ordering():
            return "Put in order"
        case models.Matching():
            return "Matching"
        case models.Flashcard():
            return "Flashcard"
        case _:
            assert_never(question)


class QuestionView(Widget):
    """Renders one question, takes one answer, then locks.

    Everything from the bank is shown as plain text (never parsed as markup). The whole
    view scrolls, so long prompts work on an 80x24 terminal.
    """

    DEFAULT_CSS = """
    QuestionView {
        height: 1fr;
        width: 1fr;
    }
    QuestionView > VerticalScroll {
        height: 1fr;
        padding: 0 1;
    }
    QuestionView .kind {
        color: $text-muted;
        text-style: italic;
        height: 1;
    }
    QuestionView .prompt {
        height: auto;
        text-style: bold;
        padding: 0 0 1 0;
    }
    QuestionView .hint {
        height: auto;
        display: none;
        border-left: thick $warning;
        padding: 0 1;
        margin: 0 0 1 0;
    }
    QuestionView.-hinted .hint { display: block; }
    QuestionView .buttons { height: auto; }
    QuestionView .buttons Button { margin: 0 1 0 0; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("h", "hint", "Hint", tooltip="Show the hint"),
        # While typing, h is a letter: F2 asks for the hint instead.
        Binding("f2", "hint_typing", "Hint", tooltip="Show the hint"),
    ]

    #: Not repainting: the view draws nothing of its own that the lock changes (its
    #: children do), and a repaint draws every line of the view again.
    locked: reactive[bool] = reactive(False, repaint=False)
    hinted: reactive[bool] = reactive(False)

    class Answered(Message):
        """The learner submitted an answer (shapes as in the grading contract)."""

        def __init__(
            self, view: QuestionView, answer: Answer, hinted: bool, elapsed_ms: int
        ) -> None:
            self.view = view
            self.question = view.question
            self.answer = answer
            self.hinted = hinted
            self.elapsed_ms = elapsed_ms
            super().__init__()

        @property
        def control(self) -> QuestionView:
            """The view that posted this message."""
            return self.view

    def __init__(
        self,
        question: Question,
        *,
        seed: int | None = None,
        show_hint_key: bool = True,
        autofocus: bool = True,
        lock_on_answer: bool = True,
        on_answer: Callable[[QuestionView.Answered], Awaitable[None]] | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.question = question
        self.seed = seed
        self.show_hint_key = show_hint_key
        #: Put the keyboard in the input once mounted; a view built ahead of time (hidden)
        #: leaves that, and `restart_clock`, to whoever shows it.
        self.autofocus = autofocus
        #: Lock as the answer is posted. False: whoever handles Answered sets `locked`,
        #: so that the lock and the feedback are drawn in one frame (a lock drawn first
        #: costs a frame, and the feedback then waits for the next one).
        self.lock_on_answer = lock_on_answer
        #: Given the answer directly, in place of posting Answered: a posted message
        #: waits for each container between the view and its handler to pass it on.
        self.on_answer = on_answer
        self.input: QuestionInput = make_question_input(question, seed)
        self._started = time.monotonic()

    def compose(self) -> ComposeResult:
        """Kind, prompt, hint (hidden until asked for), the input and mouse buttons."""
        with VerticalScroll():
            yield Static(type_name(self.question), classes="kind")
            yield Static(Content(self.question.prompt), classes="prompt")
            if self.question.hint:
                hint = Content.assemble(("Hint: ", "bold"), self.question.hint)
                yield Static(hint, classes="hint")
            yield self.input
            with HorizontalGroup(classes="buttons"):
                if self.input.has_submit_button:
                    yield Button("Submit (Enter)", id="submit", variant="primary", compact=True)
                if self.can_hint:
                    key = "F2" if self.input.takes_text else "h"
                    yield Button(f"Hint ({key})", id="hint", compact=True)

    def on_mount(self) -> None:
        """Start timing and put the keyboard in the input."""
        self._started = time.monotonic()
        if self.autofocus:
            self.call_after_refresh(self.input.focus_input)

    def restart_clock(self) -> None:
        """Time the answer from now (the view was built before it was shown)."""
        self._started = time.monotonic()

    @property
    def can_hint(self) -> bool:
        """There is a hint and the caller lets the learner ask for it."""
        return bool(self.question.hint) and self.show_hint_key

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The hint key exists only while a hint is available."""
        if action in {"hint", "hint_typing"}:
            typing = isinstance(self.app.focused, Input)
            wanted = typing if action == "hint_typing" else not typing
            return wanted and self.can_hint and not self.hinted and not self.locked
        return True

    def action_hint(self) -> None:
        """Reveal the hint; the answer counts as hinted."""
        if self.can_hint and not self.locked:
            self.hinted = True

    def action_hint_typing(self) -> None:
        """F2: the hint while the focus is in a text input."""
        self.action_hint()

    def watch_hinted(self, hinted: bool) -> None:
        """Show the hint line and drop the hint key from the footer."""
        self.set_class(hinted, "-hinted")
        for button in self.query("#hint"):
            button.display = not hinted
        self.refresh_bindings()

    def watch_locked(self, locked: bool) -> None:
        """Lock the input too (e.g. when the classroom host closes the question); the
        mouse buttons go. Their row's `display` is set on it alone: a class on the view
        would restyle every widget in it."""
        for buttons in self.query(".buttons"):
            buttons.display = not locked
        self.input.locked = locked
        self.refresh_bindings()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Mouse equivalents of Enter and h."""
        if event.button.id == "submit":
            event.stop()
            self.input.action_submit()
        elif event.button.id == "hint":
            event.stop()
            self.action_hint()
            self.input.focus_input()

    async def on_question_input_submitted(self, message: QuestionInput.Submitted) -> None:
        """Turn the input's answer into Answered, once (to `on_answer` if given)."""
        message.stop()
        if self.locked:
            return
        elapsed_ms = int((time.monotonic() - self._started) * 1000)
        if self.lock_on_answer:
            self.locked = True
        answered = self.Answered(self, message.answer, self.hinted, elapsed_ms)
        if self.on_answer is not None:
            await self.on_answer(answered)
        else:
            self.post_message(answered)

    def locked_height(self) -> int | None:
        """The height of what the view shows once locked (the key help line and the
        buttons go), from its last layout; None when it does not fit the view now (it
        scrolls), or was never laid out."""
        scroll = self.query_children(VerticalScroll).first()
        if not scroll.size.height or scroll.max_scroll_y > 0:
            return None
        bottom: int = max(
            (child.virtual_region_with_margin.bottom for child in scroll.displayed_children),
            default=0,
        )
        # Both at the end of what the view shows, and both blank once locked.
        going = [*self.input.query_children(".help"), *scroll.query_children(".buttons")]
        gone: int = sum(widget.outer_size.height for widget in going if widget.display)
        return bottom - gone

    def show_result(self, result: GradeResult) -> None:
        """Lock, and mark right/wrong parts of the answer inline (each changed part
        restyled once for both)."""
        with self.input.marking():
            self.locked = True
            self.input.show_result(result)
