"""Flashcard: space shows the back, then 1-4 rate your recall (Again/Hard/Good/Easy)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import HorizontalGroup
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Button, Static

from quiz.models import Flashcard
from quiz.ui.widgets.questions.base import QuestionInput

if TYPE_CHECKING:
    from quiz.grading import GradeResult

RATINGS = ("Again", "Hard", "Good", "Easy")


class FlashcardInput(QuestionInput):
    """Posts the self-rating 1..4 (only after the back was shown)."""

    DEFAULT_CSS = """
    FlashcardInput > .back {
        height: auto;
        border: round $primary;
        padding: 0 1;
        display: none;
    }
    FlashcardInput.-flipped > .back { display: block; }
    FlashcardInput > .ratings { height: auto; display: none; }
    FlashcardInput.-flipped > .ratings { display: block; }
    FlashcardInput.-flipped > #flip { display: none; }
    FlashcardInput .ratings Button { margin: 0 1 0 0; }
    FlashcardInput .ratings Button.-chosen { text-style: bold reverse; }
    """

    has_submit_button = False

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "flip", "Show answer"),
        *[
            Binding(str(n), f"rate({n})", name, group=Binding.Group("Rate", compact=True))
            for n, name in enumerate(RATINGS, 1)
        ],
    ]

    flipped: reactive[bool] = reactive(False)
    rating: reactive[int | None] = reactive(None)

    def __init__(self, question: Flashcard, *, seed: int | None = None, **kw: Any) -> None:
        super().__init__(question, seed=seed, **kw)
        self.card = question

    def compose_body(self) -> ComposeResult:
        """The hidden back, a flip button, and the rating buttons."""
        yield Button("Show answer (space)", id="flip", compact=True)
        yield Static(Content(self.card.back), classes="back")
        with HorizontalGroup(classes="ratings"):
            for n, name in enumerate(RATINGS, 1):
                yield Button(f"{n} {name}", id=f"rate-{n}", compact=True)

    def help_text(self) -> str:
        """Keys for this type, before and after flipping."""
        if self.flipped:
            return "How well did you recall it? 1 Again, 2 Hard, 3 Good, 4 Easy"
        return "Recall the answer, then press Space to see it"

    def watch_flipped(self, flipped: bool) -> None:
        """Show the back and the rating buttons; update the key help."""
        self.set_class(flipped, "-flipped")
        for widget in self.query(".help"):
            if isinstance(widget, Static):
                widget.update(Content(self.help_text()))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Flip only before, rate only after seeing the back."""
        if not super().check_action(action, parameters):
            return False
        if action == "flip":
            return not self.flipped
        if action == "rate":
            return self.flipped
        return True

    def action_flip(self) -> None:
        """Show the back."""
        self.flipped = True

    def action_rate(self, rating: int) -> None:
        """Submit the self-rating."""
        if self.flipped and 1 <= rating <= 4:
            self.rating = rating
            self.submit(rating)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Mouse: the same as the keys."""
        event.stop()
        if event.button.id == "flip":
            self.action_flip()
            self.focus()
        elif event.button.id and event.button.id.startswith("rate-"):
            self.action_rate(int(event.button.id.removeprefix("rate-")))

    def locked_changed(self, locked: bool) -> None:
        """No re-rating."""
        for button in self.query(Button):
            button.disabled = locked

    def watch_rating(self, rating: int | None) -> None:
        """Keep the chosen rating visible after locking."""
        for button in self.query(".ratings Button"):
            button.set_class(button.id == f"rate-{rating}", "-chosen")

    def show_result(self, result: GradeResult) -> None:
        """Self-rated: the chosen rating button stays highlighted; nothing to mark."""
