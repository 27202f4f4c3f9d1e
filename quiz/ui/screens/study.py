"""The study screen: one question at a time, feedback after each answer, then Results."""

from __future__ import annotations

import gc
import math
import zlib
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import Reactive, reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Header, ProgressBar, Static

from quiz.numbers import format_score_percent
from quiz.session import RATING_NAMES, AnswerRecord, Mode, QuizSession, SessionError
from quiz.study import prompt_text, short_prompt
from quiz.ui.footer import QuizFooter

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.widget import AwaitMount

    from quiz.grading import Answer
    from quiz.models import Question
    from quiz.session import QueueItem
    from quiz.study import Recorded, StudyService
    from quiz.ui.app import QuizApp
    from quiz.ui.widgets.question_view import QuestionView


class FlashcardCard(Widget, can_focus=True):
    """A card in flashcards mode: the front, then (space) the back; rate recall with 1-4."""

    DEFAULT_CSS = """
    FlashcardCard {
        height: auto;
        max-height: 100%;
        /* A long back with its source scrolls inside the card (↑↓), not off screen. */
        overflow-y: auto;
        padding: 1 2;
        border: round $primary;
    }
    FlashcardCard > #card-back { margin-top: 1; display: none; }
    FlashcardCard.-flipped > #card-back { display: block; }
    FlashcardCard > #card-help { margin-top: 1; color: $text-muted; }
    """

    flipped: reactive[bool] = reactive(False)

    def __init__(self, question: Question, back: str, **kw: object) -> None:
        super().__init__(**kw)  # type: ignore[arg-type]
        self.question = question
        self.back = back

    def compose(self) -> ComposeResult:
        front = Text(self.question.prompt, style="bold")
        if self.question.type == "cloze":
            # A cloze's prompt is an instruction ("Fill in the gaps."): show its text too.
            front.append(f"\n\n{prompt_text(self.question)}", style="not bold")
        yield Static(front, id="card-front")
        back = Text(self.back, style="bold")
        if self.question.explanation:
            back.append("\n\n")
            back.append(self.question.explanation)
        if self.question.source_quote:
            # Where the card comes from, once the back is shown (as the feedback does).
            back.append("\n\nSource: ", style="bold dim")
            back.append(f"“{self.question.source_quote}”", style="dim")
        yield Static(back, id="card-back")
        yield Static(Text("space: show the answer"), id="card-help")

    def watch_flipped(self, flipped: bool) -> None:
        self.set_class(flipped, "-flipped")
        help_text = (
            "How well did you recall it?  1 Again   2 Hard   3 Good   4 Easy"
            if flipped
            else "space: show the answer"
        )
        if self.is_mounted:
            self.query_one("#card-help", Static).update(Text(help_text))


RATE_GROUP = Binding.Group("Rate", compact=True)


#: The fewest lines the feedback is given over the blank lines under a question (it
#: scrolls): with less room there, the question makes room instead (see _feedback_layer).
FEEDBACK_LINES = 8


class StudyScreen(Screen[None]):
    """Ask the session's questions; record each answer as it is given."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,n", "next", "Next", id="study.next", tooltip="Go on to the next question"),
        Binding("space", "flip", "Flip", id="study.flip", tooltip="Show the card's back"),
        # Shown as one "1-4 Rate" once the card is flipped (the footer folds the group).
        *[
            Binding(str(n), f"rate({n})", name, id=f"study.rate{n}", group=RATE_GROUP)
            for n, name in RATING_NAMES.items()
        ],
        # Two bindings, not one "u,ctrl+z": the footer shows the first key that still works,
        # and while typing u is a letter, so ctrl+z must show as itself there.
        Binding("u", "undo", "Undo", id="study.undo", tooltip="Take back the last answer"),
        Binding(
            "ctrl+z",
            "undo",
            "Undo",
            id="study.undo_typing",
            tooltip="Take back the last answer (also while typing)",
        ),
        # Anki's keys: letters would clash with the matching question's a-z pairing keys.
        Binding(
            "at",
            "suspend",
            "Suspend",
            id="study.suspend",
            key_display="@",
            tooltip="Never ask this again (until unsuspended)",
        ),
        Binding(
            "minus",
            "bury",
            "Bury",
            id="study.bury",
            key_display="-",
            tooltip="Not again until tomorrow",
        ),
        Binding(
            "i",
            "appeal",
            "I was right",
            id="study.appeal",
            tooltip="Count this typed answer as right (score and schedule follow)",
        ),
        Binding("escape", "leave", "Leave", id="study.leave", tooltip="Back home; resume later"),
    ]

    app: QuizApp

    #: Textual's `focused` repaints the whole screen when the focus moves. Here it moves
    #: with every answer (to the feedback) and question (to its input), and the widgets
    #: whose look depends on focus are restyled, so repainted, by the move itself: a full
    #: repaint would draw every line of the screen again for nothing.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def __init__(self, session: QuizSession) -> None:
        super().__init__()
        self.session = session
        self._timer: Timer | None = None
        #: The next question's slot, mounted hidden ahead of time (see _prebuild_next).
        self._next: tuple[QueueItem, Vertical, AwaitMount] | None = None
        #: The slot on screen: the question (or card) and, once answered, its feedback.
        self._slot: Vertical | None = None
        #: Pending `_prebuild_next` (see _prebuild_soon).
        self._prebuild_timer: Timer | None = None
        #: What the status line's Statics show (see _set_status).
        self._status: dict[str, Text] = {}
        #: The collector's thresholds before this screen raised the first (see on_mount).
        self._gc_thresholds: tuple[int, int, int] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="study-status"):
            yield Static("", id="study-count")
            yield ProgressBar(
                total=self.session.total, show_eta=False, show_percentage=False, id="study-progress"
            )
            yield Static("", id="study-score")
            yield Static("", id="study-timer")
        yield Vertical(id="study-body")
        yield QuizFooter()

    #: The cyclic collector's first threshold while studying (Python's default: 700).
    #: An answer and its frame allocate a few thousand objects: at 700 the collector ran
    #: 4-5 times in each (and a second-generation pass every other answer), 1-2 ms of
    #: the answer's ~20. Raised, and with the young generations collected while the
    #: learner reads (`_collect_young`), it runs between keys, not in them.
    YOUNG_GC_THRESHOLD = 20_000

    #: Seconds after a question is shown before the young generations are collected.
    COLLECT_DELAY = 0.05

    async def on_mount(self) -> None:
        self.sub_title = self.session.title
        thresholds = gc.get_threshold()
        self._gc_thresholds = thresholds
        gc.set_threshold(max(thresholds[0], self.YOUNG_GC_THRESHOLD), *thresholds[1:])
        await self.show_question()
        if self.session.options.time_limit is not None:
            self._timer = self.set_interval(0.25, self._tick)

    def on_unmount(self) -> None:
        """Give the collector its thresholds back."""
        if self._gc_thresholds is not None:
            gc.set_threshold(*self._gc_thresholds)
            self._gc_thresholds = None

    def _collect_young(self) -> None:
        """Collect the young generations while the learner reads: the next key starts
        with them empty, so the collector does not run in it (see YOUNG_GC_THRESHOLD)."""
        gc.collect(1)

    # -- display -----------------------------------------------------------------------

    @property
    def service(self) -> StudyService:
        """The study service the app opened (answers go through it to the store)."""
        data = self.app.data
        assert data is not None, "a study screen is only shown once the data is loaded"
        return data.service

    @property
    def flashcards(self) -> bool:
        """In flashcards mode every question is shown as a card to flip and rate."""
        return self.session.mode is Mode.FLASHCARDS

    def _update_status(self) -> None:
        s = self.session
        shown = min(s.index + 1, s.total)
        self._set_status("study-count", Text(f"{shown} of {s.total}"))
        self.query_one("#study-progress", ProgressBar).update(
            total=s.total, progress=len(s.records)
        )
        self._set_status(
            "study-score", Text(f"Score {format_score_percent(s.score, len(s.records))}")
        )
        self._show_time()

    def _set_status(self, widget_id: str, text: Text) -> None:
        """Show `text` in a status Static unless it shows it already: an update lays the
        line out and draws it again even with the same text (the count, on each answer)."""
        if self._status.get(widget_id) != text:
            self._status[widget_id] = text
            self.query_one(f"#{widget_id}", Static).update(text)

    def _show_time(self) -> None:
        left = self.session.time_left()
        label = self.query_one("#study-timer", Static)
        if left is None:
            label.display = False
            return
        label.display = True
        if self.session.answered:
            return
        label.update(Text(f"⏱ {left:4.0f}s", style="bold red" if left <= 5 else ""))

    async def _tick(self) -> None:
        await self._take_posted()  # given in time, even if it arrives with the tick
        self._show_time()
        left = self.session.time_left()
        expired = left is not None and left <= 0
        if expired and not self.session.answered and self.session.current is not None:
            await self._record(lambda: self.service.time_out(self.session))

    def _build(self, item: QueueItem) -> Vertical:
        """A slot holding the widget that asks `item` (a card in flashcards mode, else a
        QuestionView); the slot will hold its feedback too.

        The widget gets no focus here: `show_question` gives it when it goes on screen, so
        a slot built ahead of time can wait, hidden, after the one being answered.
        """
        q = item.question
        widget: Widget
        if self.flashcards:
            widget = FlashcardCard(q, self.session.right_answer(q), id="card")
        else:
            from quiz.ui.widgets.question_view import QuestionView

            # crc32, not hash(): str hashes change from run to run, and a resumed session
            # (a new process) must show the choices in the order they were first shown.
            seed = zlib.crc32(repr((self.session.options.seed, item.key)).encode())
            # Locked by on_question_view_answered, in the same frame as the feedback.
            widget = QuestionView(
                q,
                seed=seed,
                autofocus=False,
                lock_on_answer=False,
                on_answer=self._on_answer,
                id="question",
            )
            from quiz.ui.widgets.feedback import FeedbackPanel

            # Built (hidden, empty) with the question: the answer fills it, and does not
            # pay for mounting, styling and composing it.
            # A self-rated card's answer is its back, shown by the view: not a second time.
            panel = FeedbackPanel(q, show_answer=q.type != "flashcard", id="feedback")
            # First: over the question, where it usually goes (see _place_feedback).
            return Vertical(panel, widget, classes="study-slot question-slot")
        return Vertical(widget, classes="study-slot")

    #: Seconds between a frame and building the next question: the frame reaches the
    #: terminal first (the app's writer thread, and the terminal itself on a busy
    #: machine, would otherwise wait for the build), and the learner reads for longer.
    PREBUILD_DELAY = 0.1

    def _prebuild_soon(self) -> None:
        """Build the next question once this frame is on the terminal."""
        if self._prebuild_timer is not None:
            self._prebuild_timer.stop()
        self._prebuild_timer = self.set_timer(
            self.PREBUILD_DELAY, self._prebuild_next, name="prebuild-next"
        )

    def _prebuild_next(self) -> None:
        """Mount the next question, hidden, while the learner reads this one's feedback.

        Mounting a question (compose, styles) is most of what a transition costs; done
        here, the key that moves on only has to swap two slots.
        """
        self._prebuild_timer = None
        s = self.session
        if self._next is not None or not self.is_attached or s.index + 1 >= s.total:
            return
        item = s.queue[s.index + 1]
        slot = self._build(item)
        # Laid out and painted, but on the layer under the one on screen: its lines are
        # rendered and cached now, not in the frame after the key. Out of the focus chain.
        slot.styles.layer = "spare"
        slot.can_focus_children = False
        self._next = (item, slot, self.query_one("#study-body", Vertical).mount(slot))

    async def _take_next(self, item: QueueItem) -> Vertical | None:
        """The slot built ahead for `item`, mounted; a stale one (after undo) is dropped."""
        if self._next is None:
            return None
        built_for, slot, mounted = self._next
        self._next = None
        await mounted
        if built_for is not item:
            await slot.remove()
            return None
        return slot

    def _discard(self, widgets: list[Widget]) -> None:
        """Remove widgets without waiting for them to close."""
        for widget in widgets:
            widget.remove()

    async def show_question(self) -> None:
        """Put the current question (unanswered) on screen, with the keyboard in it."""
        item = self.session.current
        if item is None:
            self._finish()
            return
        from quiz.ui.widgets.question_view import QuestionView

        body = self.query_one("#study-body", Vertical)
        if self._prebuild_timer is not None:
            # Due to build the question now being shown: this builds it, or has it.
            self._prebuild_timer.stop()
            self._prebuild_timer = None
        # One frame for the whole swap: no flash of an empty body, no repaint per step.
        with self.app.batch_update():
            slot = await self._take_next(item)
            spare = self._next[1] if self._next is not None else None
            old = [child for child in body.children if child not in (slot, spare)]
            if slot is None:
                slot = self._build(item)
                await body.mount(slot, before=0)
            else:
                body.move_child(slot, before=0)
            slot.styles.layer = "shown"
            slot.can_focus_children = True
            # First in the body, so "#question" finds this one while the old slot waits,
            # hidden, to be pruned once the question is on screen: pruning holds up the
            # app's messages (the focus among them) until every widget in it has closed.
            for child in old:
                child.display = False
            self.call_after_refresh(self._discard, old)
            self._slot = slot
            # The question (or card): first, unless its feedback was placed over it.
            widget = next(child for child in slot.children if child.id != "feedback")
            self._show_bank(item.bank_id)
            self._update_status()
            if isinstance(widget, QuestionView):
                widget.restart_clock()
                widget = widget.input.focus_target()
            # At once, not as widget.focus() does on a later message: the first frame of
            # the question shows the keyboard in it, and the footer its keys.
            self.set_focus(widget)
            self.refresh_bindings()
        self.set_timer(self.COLLECT_DELAY, self._collect_young, name="collect-young")
        if self.flashcards:
            # No feedback between cards: build the next one while this one is studied.
            self._prebuild_soon()

    def _show_bank(self, bank_id: str) -> None:
        """A review, or a run over several banks (a tag), names each question's bank."""
        several = len({i.bank_id for i in self.session.queue}) > 1
        if self.session.mode is not Mode.REVIEW and not several:
            return
        data = self.app.data
        loaded = data.banks.get(bank_id) if data is not None else None
        title = loaded.bank.title if loaded is not None else bank_id
        self.sub_title = f"{self.session.title} · {title}"

    def _section(self, bank_id: str, quote: str | None) -> str | None:
        data = self.app.data
        if data is None or not quote:
            return None
        loaded = data.banks.get(bank_id)
        if loaded is None or not loaded.article:
            return None
        from quiz.banks import article_section

        return article_section(loaded.article, quote)

    async def show_feedback(
        self, record: AnswerRecord, *, headline: str | None = None, notice: str | None = None
    ) -> None:
        """Right/wrong (or the rating given), the right answer, the choice's feedback, what
        the answer did (`notice`), explanation and source."""
        from quiz.ui.widgets.feedback import FeedbackPanel

        slot = self._slot
        if slot is None:
            return
        views = slot.query_children("#question")
        # Measured before the lock changes the view's layout.
        question_height = views.first().locked_height() if views else None  # type: ignore[attr-defined]
        if views:
            # Locks the view and marks the answer (see QuestionView.show_result).
            views.first().show_result(record.result)  # type: ignore[attr-defined]
        q = record.item.question
        with self.app.batch_update():
            panels = slot.query_children(FeedbackPanel)
            if panels:
                panel = panels.first()
                await panel.show(
                    record.result,
                    section=self._section(record.item.bank_id, q.source_quote),
                    headline=headline,
                    notice=notice,
                )
                self._place_feedback(slot, panel, question_height)
            else:
                panel = FeedbackPanel(
                    q,
                    record.result,
                    section=self._section(record.item.bank_id, q.source_quote),
                    headline=headline,
                    notice=notice,
                    # A flipped card already shows its back: not a second time.
                    show_answer=q.type != "flashcard",
                    id="feedback",
                )
                await slot.mount(panel)
            self.refresh_bindings()
        # The focus and the status line change in the frame after the feedback's, as the
        # footer does: moving the focus restyles the input and the panel with all their
        # children (~9 nodes), and the score resizes the progress bar: together about a
        # third of the answer's time, none of it part of the feedback.
        self.call_after_refresh(self._after_feedback, slot, panel)
        self._prebuild_soon()

    def _feedback_layer(
        self, slot: Widget, panel: Widget, question_height: int | None
    ) -> tuple[str, int | None]:
        """Where the feedback goes, and the height it is held to there.

        Over the blank lines under the question ("feedback") when the question, locked,
        leaves the panel room there: all the room it needs, or at least FEEDBACK_LINES
        (the panel then scrolls, as it does at its own max-height). Else in the
        question's layer, under the question, which makes room for it and scrolls: a
        long question is never hidden by the feedback.

        Over the blank lines the question keeps its size and its place in the drawing
        order, so the frame that shows the feedback does not lay the question out and
        draw it again.
        """
        room = slot.size.height
        if question_height is None or not room:
            return "question", None
        styles = panel.styles
        # The panel's height as the layout will find it (the measured text is cached
        # for the layout): its content at its width, its gutter, at most its max-height.
        width = slot.size.width - styles.margin.width - styles.gutter.width
        height = panel.get_content_height(slot.size, self.app.size, width) + styles.gutter.height
        if styles.max_height is not None:
            height = min(height, math.ceil(styles.max_height.resolve(slot.size, self.app.size)))
        spare = room - question_height - styles.margin.height
        if height <= spare:
            return "feedback", None
        if spare >= FEEDBACK_LINES:
            return "feedback", spare
        return "question", None

    def _place_feedback(self, slot: Widget, panel: Widget, question_height: int | None) -> None:
        """Put the panel in its layer (see _feedback_layer). Over the question it comes
        first in the slot, as built: Textual numbers the slot's widgets for drawing in
        reverse order, so a panel placed after the question would renumber the question
        and all its widgets, and the frame would draw them all again, unchanged. Under
        the question (the same layer) it comes after it, as the layout needs."""
        panel.styles.max_height = None  # measured at the stylesheet's own limit
        layer, cap = self._feedback_layer(slot, panel, question_height)
        panel.styles.layer = layer
        if cap is not None:
            panel.styles.max_height = cap
        first = slot.children[0] is panel
        if layer == "feedback" and not first:
            slot.move_child(panel, before=0)
        elif layer == "question" and first:
            slot.move_child(panel, after=len(slot.children) - 1)

    def on_resize(self) -> None:
        """A smaller screen may no longer leave the feedback room under the question."""
        from quiz.ui.widgets.feedback import FeedbackPanel

        view, slot = self._view(), self._slot
        if view is None or slot is None or not self.session.answered:
            return
        for panel in slot.query_children(FeedbackPanel):
            if panel.display and panel.styles.layer == "feedback":
                self._place_feedback(slot, panel, view.locked_height())

    def _after_feedback(self, slot: Vertical, panel: Widget) -> None:
        """Once the feedback is on screen: the keyboard goes to the panel (Enter/n reach
        this screen, arrows scroll the panel), and the status line counts the answer.

        Until then the focus is on the locked input, whose keys are off, so a key pressed
        in between (Enter, u) still reaches this screen's bindings.
        """
        if not self.is_attached:
            return
        if self._slot is slot and self.session.answered and panel.is_attached:
            self.set_focus(panel)
        self._update_status()

    async def _record(self, action: Callable[[], Recorded]) -> AnswerRecord | None:
        """Run a service action that records an answer; report a store failure, keep state."""
        try:
            recorded = action()
        except SessionError as exc:
            self.notify(str(exc), markup=False)
            return None
        except Exception as exc:  # the store failed: the answer was not recorded
            self.notify(f"Could not save the answer: {exc}", severity="error", markup=False)
            return None
        if self.flashcards:
            # No feedback between cards: the rating and the notice go in a short toast.
            said = " ".join(filter(None, [recorded.headline, recorded.notice]))
            if said:
                self.notify(said, timeout=3 if recorded.notice else 1.5, markup=False)
            await self._advance()
        else:
            # In the feedback, not a toast over it.
            await self.show_feedback(
                recorded.record, headline=recorded.headline, notice=recorded.notice
            )
        return recorded.record

    async def _advance(self) -> None:
        try:
            self.session.advance()
        except SessionError as exc:
            self.notify(str(exc), markup=False)
            return
        await self.show_question()

    def _finish(self) -> None:
        from quiz.ui.screens.results import ResultsScreen

        if self._timer is not None:
            self._timer.stop()
        self.app.switch_screen(ResultsScreen(self.session))

    # -- events and actions ------------------------------------------------------------

    async def on_question_view_answered(self, event: QuestionView.Answered) -> None:
        event.stop()
        await self._on_answer(event)

    async def _on_answer(self, event: QuestionView.Answered) -> None:
        """An answer from a question view: called by the view itself (`on_answer`), not
        through the messages that bubble up to here (a hop through the slot and the body)."""
        if event.view is self._view():  # not a question gone since (undone, set aside)
            await self._answer(event.view, event.answer, event.hinted)

    async def _answer(self, view: QuestionView, answer: Answer, hinted: bool) -> None:
        # Nothing on screen has changed since the key: the lock, the marks and the
        # feedback are drawn in one frame (the focus, the status and the footer in the
        # next).
        with self.app.batch_update():
            if self.session.answered:
                view.locked = True
                return
            # Timed by the session's clock, the same one the time limit uses. The view is
            # locked with its marks (show_feedback -> show_result), so that a row the
            # lock and the marks both change is restyled once.
            await self._record(lambda: self.service.submit(self.session, answer, hinted=hinted))
            view.locked = True  # also if it could not be recorded: not taken twice

    def _view(self) -> QuestionView | None:
        """The question on screen (None for a card in flashcards mode)."""
        from quiz.ui.widgets.question_view import QuestionView

        if self._slot is None:
            return None
        return next(iter(self._slot.query_children(QuestionView)), None)

    def _posted(self) -> tuple[QuestionView, Answer] | None:
        """An answer given on screen that has not reached `on_question_view_answered` yet
        (it travels as messages: a key pressed right after it can arrive first)."""
        view = self._view()
        if view is None or self.session.answered or view.input.posted is None:
            return None
        return view, view.input.posted

    async def _take_posted(self) -> None:
        """Record (and show) an answer still on its way, so that the key that came right
        behind it (undo, suspend, bury) acts on it, not on the state before it."""
        if (posted := self._posted()) is not None:
            view, answer = posted
            await self._answer(view, answer, view.hinted)

    def settle_answer(self) -> None:
        """Before the screen goes (quit, leave): record an answer still on its way."""
        if (posted := self._posted()) is None:
            return
        view, answer = posted
        try:
            self.service.submit(self.session, answer, hinted=view.hinted)
        except SessionError:
            return
        except Exception as exc:  # the store failed: `unsaved_answer` says so
            self.notify(f"Could not save the answer: {exc}", severity="error", markup=False)
            return
        view.locked = True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next":
            return self.session.answered
        if action in ("flip", "rate"):
            if not self.flashcards or self.session.answered:
                return None
            # Flip before, rate after: the footer shows the one that works now.
            cards = self._cards()
            flipped = bool(cards) and cards[0].flipped
            return flipped if action == "rate" else not flipped
        if action == "undo":
            return True if self.session.records or self._posted() else None
        if action == "appeal":
            # Only on the feedback of a typed answer graded wrong or partly right.
            return self.session.answered and self.session.can_appeal()
        return True

    def unsaved_answer(self) -> bool:
        """Whether quitting now would lose an answer being given (typed, ticked, paired),
        or one given that could not be saved (see `settle_answer`)."""
        view = self._view()
        if self.session.answered or view is None:
            return False
        return view.input.posted is not None or view.input.has_draft()

    async def action_next(self) -> None:
        """Leave the feedback and go to the next question."""
        if self.session.answered:
            await self._advance()

    def _cards(self) -> list[FlashcardCard]:
        """The card on screen (a list of none or one; cards built ahead are not on screen)."""
        if self._slot is None:
            return []
        return list(self._slot.query_children(FlashcardCard))

    def action_flip(self) -> None:
        """Flashcards: show the card's back."""
        cards = self._cards()
        if cards:
            cards[0].flipped = True
            self.refresh_bindings()

    async def action_rate(self, rating: int) -> None:
        """Flashcards: rate recall 1 (Again) .. 4 (Easy); only after flipping."""
        cards = self._cards()
        if not cards or not cards[0].flipped:
            self.notify("Flip the card first (space).", markup=False)
            return
        await self._record(lambda: self.service.rate(self.session, rating))

    async def action_appeal(self) -> None:
        """ "I was right": count the last typed answer as right and show it so."""
        if not (self.session.answered and self.session.can_appeal()):
            return
        try:
            recorded = self.service.appeal(self.session)
        except SessionError as exc:
            self.notify(str(exc), markup=False)
            return
        except Exception as exc:  # the store failed: nothing changed
            self.notify(f"Could not change the answer: {exc}", severity="error", markup=False)
            return
        # The panel on screen is filled again with the appealed result.
        await self.show_feedback(
            recorded.record, headline=recorded.headline, notice=recorded.notice
        )

    async def action_undo(self) -> None:
        """Take back the last answer (the card is restored) and ask that question again."""
        await self._take_posted()
        try:
            record = self.service.undo(self.session)
        except SessionError as exc:
            self.notify(str(exc), markup=False)
            return
        except Exception as exc:
            self.notify(f"Could not undo: {exc}", severity="error", markup=False)
            return
        self.notify(f"Undone: {short_prompt(record.item)}", timeout=2, markup=False)
        await self.show_question()

    async def _set_aside(self, how: str) -> None:
        await self._take_posted()
        if self.session.current is None:
            return
        try:
            notice = self.service.set_aside_current(self.session, how)
        except SessionError as exc:
            self.notify(str(exc), markup=False)
            return
        except Exception as exc:
            self.notify(f"Could not {how}: {exc}", severity="error", markup=False)
            return
        self.notify(notice, timeout=2, markup=False)
        await self.show_question()

    async def action_suspend(self) -> None:
        """Suspend this question: it is not asked again until unsuspended."""
        await self._set_aside("suspend")

    async def action_bury(self) -> None:
        """Bury this question until tomorrow."""
        await self._set_aside("bury")

    def action_leave(self) -> None:
        """Back to Home; the session stays open and is offered for resuming at next start."""
        self.settle_answer()
        if self._timer is not None:
            self._timer.stop()
        if self.session.records and not self.session.finished:
            self.notify("Session saved: you can resume it next time.", markup=False)
        self.dismiss()
