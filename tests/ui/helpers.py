"""Driving the study app by keyboard in Pilot tests."""

from __future__ import annotations

from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.widgets import DataTable

from quiz.ui.app import QuizApp
from quiz.ui.screens.study import StudyScreen

#: Keys that answer each question of tests/data/banks/every-type.toml rightly
#: (ordering and matching depend on the shuffled display and are answered by `answer_keys`).
RIGHT_KEYS: dict[str, list[str]] = {
    "mc": ["1", "enter"],
    "ms": ["1", "2", "enter"],
    "tf": ["t", "enter"],
    "sa": [*"green", "enter"],
    "num": ["4", "enter"],
    "cloze": [*"blue", "enter"],
    "card": ["space", "3"],
}


async def ready(pilot: Pilot[None]) -> None:
    """Wait for the banks and store to load and the screen to settle."""
    app = pilot.app
    assert isinstance(app, QuizApp)
    await app.workers.wait_for_complete()
    await pilot.pause()
    for _ in range(200):  # the load worker's result is handled on a later tick
        if app.data is not None:
            break
        await pilot.pause(0.05)
    notes = [n.message for n in app._notifications]
    assert app.data is not None, f"the app did not load: {notes}"
    await pilot.pause()
    # Home's and Stats' numbers are read in thread workers started once the data is in;
    # their result arrives as a message after the worker ends.
    await app.workers.wait_for_complete()
    await pilot.pause()
    from quiz.ui.screens.home import HomeScreen

    for _ in range(200):
        screen = app.screen
        if not isinstance(screen, HomeScreen) or screen._numbers is not None:
            break
        await pilot.pause(0.05)
    await pilot.pause()
    screen = app.screen
    if isinstance(screen, HomeScreen):
        # Rows drawn again late (a later numbers read) get their column widths on the
        # table's next idle: a frame taken before that shows header-wide columns.
        # Settled only when it stays so for a few ticks with no worker running: a later
        # numbers read (the screen shown again, the data arriving) renders the rows anew
        # (a clean-clone CI run under load caught a frame between the two).
        table = screen.query_one("#banks", DataTable)
        settled = 0
        for _ in range(200):
            await app.workers.wait_for_complete()
            await pilot.pause()
            busy = any(worker.is_running for worker in app.workers)
            if busy or table._require_update_dimensions or table._new_rows:
                settled = 0
            else:
                settled += 1
                if settled >= 3:
                    break


def study_screen(app: QuizApp) -> StudyScreen:
    screen = app.screen
    assert isinstance(screen, StudyScreen), f"expected the study screen, got {screen!r}"
    return screen


def feedback_shown(node: DOMNode) -> bool:
    """Whether `node` (the study screen, a slot) shows an answer's feedback: the panel is
    built, hidden and empty, with its question, and shown once it has the answer."""
    return any(panel.display for panel in node.query("#feedback"))


def feedback_text(node: DOMNode) -> str:
    """What the feedback shown in `node` (the study screen, a slot) says, as plain text:
    its first line is the verdict ("✓ Correct"), then the notice, the answer, the why
    and the source; "" when no feedback is shown."""
    from quiz.ui.widgets.feedback import FeedbackPanel

    return "\n".join(panel.text for panel in node.query(FeedbackPanel) if panel.display)


async def open_first_bank(pilot: Pilot[None]) -> StudyScreen:
    """From Home, start a quiz on the first bank (the row below Review due)."""
    await pilot.press("down", "enter")
    await pilot.pause()
    assert isinstance(pilot.app, QuizApp)
    return study_screen(pilot.app)


def answer_keys(app: QuizApp, *, right: bool = True) -> list[str]:
    """Keys that answer the question on screen (rightly when `right`, else wrongly)."""
    screen = study_screen(app)
    item = screen.session.current
    assert item is not None
    qid = item.question.id
    if qid == "order":
        view = screen.query_one("#question")
        order = list(view.input.order)  # type: ignore[attr-defined]
        keys: list[str] = []
        if right:
            # Bubble the items into place with the widget's move keys (J moves down).
            for i in range(len(order)):
                for j in range(len(order) - 1 - i):
                    if order[j] > order[j + 1]:
                        keys += ["up"] * 5 + ["down"] * j + ["J"]
                        order[j], order[j + 1] = order[j + 1], order[j]
        return [*keys, "enter"]
    if qid == "match":
        view = screen.query_one("#question")
        right_order = list(view.input.right_order)  # type: ignore[attr-defined]
        keys = []
        for left in range(len(right_order)):
            position = right_order.index(left) if right else (right_order.index(left) + 1) % 3
            keys.append(chr(ord("a") + position))  # the cursor then moves on by itself
        return [*keys, "enter"]
    if right:
        return RIGHT_KEYS[qid]
    wrong = {
        "mc": ["2", "enter"],
        "ms": ["3", "enter"],
        "tf": ["f", "enter"],
        "sa": [*"red", "enter"],
        "num": ["5", "enter"],
        "cloze": [*"red", "enter"],
        "card": ["space", "1"],
    }
    return wrong[qid]
