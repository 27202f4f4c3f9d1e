"""What the screens show of the study loop: set-aside questions, fresh counts, the profile."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import DataTable

from quiz.store import Store
from quiz.ui.app import QuizApp
from quiz.ui.screens.home import HomeScreen
from quiz.ui.screens.set_aside import SetAsideScreen
from tests.ui.helpers import answer_keys, open_first_bank, ready, study_screen
from tests.ui.test_walkthrough_fixes import _footer


def _titles(app: QuizApp) -> list[str]:
    table = app.screen.query_one("#banks", DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def test_suspend_and_bury_keep_questions_out_until_restored(
    make_app: Callable[..., QuizApp], db_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = await open_first_bank(pilot)
        # Answer, then set aside from the feedback (in a text box "@" would be typed).
        first = screen.session.current
        assert first is not None
        await pilot.press(*answer_keys(app, right=False))
        await pilot.pause()
        await pilot.press("at")
        await pilot.pause()
        second = screen.session.current
        assert second is not None and second != first
        await pilot.press(*answer_keys(app, right=True))
        await pilot.pause()
        await pilot.press("minus")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        # A new quiz of the bank (the one left is discarded) asks neither, and says so.
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        asked = {i.question.id for i in study_screen(app).session.queue}
        assert first.question.id not in asked and second.question.id not in asked
        notes = [n.message for n in app._notifications]
        assert any("1 suspended and 1 buried" in n for n in notes), notes
        await pilot.press("escape")
        await pilot.pause()
        # The Suspended & buried screen lists both and Enter restores one.
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, SetAsideScreen)
        table = app.screen.query_one("#set-aside", DataTable)
        assert table.row_count == 2
        await pilot.press("enter")
        await pilot.pause()
        assert table.row_count == 1
    with Store.open(db_path) as store:
        assert len(store.set_aside_cards("tester", "all")) == 1


async def test_home_shows_a_bank_added_while_the_app_runs(
    make_app: Callable[..., QuizApp], bank_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import quiz.ui.app

    monkeypatch.setattr(quiz.ui.app, "BANK_POLL_SECONDS", 0.1)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert not any("Copied bank" in t for t in _titles(app))
        text = (bank_dir / "every-type.toml").read_text(encoding="utf-8")
        text = text.replace('id = "every-type"', 'id = "copied"', 1)
        text = text.replace('title = "', 'title = "Copied bank ', 1)
        (bank_dir / "copied.toml").write_text(text, encoding="utf-8")
        for _ in range(100):
            await pilot.pause(0.05)
            if any("Copied bank" in t for t in _titles(app)):
                break
        assert any("Copied bank" in t for t in _titles(app)), _titles(app)
        # And it disappears when its file does.
        (bank_dir / "copied.toml").unlink()
        for _ in range(100):
            await pilot.pause(0.05)
            if not any("Copied bank" in t for t in _titles(app)):
                break
        assert not any("Copied bank" in t for t in _titles(app))


async def test_ctrl_r_refreshes_home_counts(
    make_app: Callable[..., QuizApp], db_path: Path
) -> None:
    from datetime import UTC, datetime, timedelta

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert "Due now: 0" in str(app.screen.query_one("#due-summary").render())
        # Another process (or window) records a miss an hour ago: due now.
        with Store.open(db_path) as other:
            other.record_attempt(
                None,
                "tester",
                "every-type",
                "mc",
                answer=1,
                outcome="incorrect",
                score=0.0,
                now=datetime.now(UTC) - timedelta(hours=1),
            )
        await pilot.press("ctrl+r")
        await app.workers.wait_for_complete()
        for _ in range(50):
            await pilot.pause(0.05)
            if "Due now: 1" in str(app.screen.query_one("#due-summary").render()):
                break
        assert "Due now: 1" in str(app.screen.query_one("#due-summary").render())


async def test_the_app_reopens_on_the_profile_used_last(
    make_app: Callable[..., QuizApp], db_path: Path
) -> None:
    with Store.open(db_path) as store:
        store.use_profile("ann")
    app = make_app(profile=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert app.profile == "ann" and app.sub_title == "profile: ann"


async def test_home_says_what_mastery_measures(
    make_app: Callable[..., QuizApp], db_path: Path
) -> None:
    with Store.open(db_path) as store:
        store.record_attempt(
            None, "tester", "every-type", "mc", answer=0, outcome="correct", score=1.0
        )
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot)
        await pilot.press("down")
        await pilot.pause()
        detail = str(app.screen.query_one("#home-detail").render())
        assert "mastery: 1 of 9 right at their last try" in detail


async def test_i_was_right_counts_a_typed_answer_and_undo_takes_it_back(
    make_app: Callable[..., QuizApp], db_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = await open_first_bank(pilot)
        while screen.session.current is not None and screen.session.current.question.id != "sa":
            await pilot.press(*answer_keys(app, right=True))
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
        answered = len(screen.session.records)
        right = screen.session.correct_count
        await pilot.press(*"light green", "enter")
        await pilot.pause()
        assert screen.session.correct_count == right
        # The footer offers it on the feedback of a typed answer graded wrong.
        assert _footer(app).get("I was right") == "i"
        await pilot.press("i")
        await pilot.pause()
        assert screen.session.correct_count == right + 1
        assert f"Score {right + 1}/{answered + 1}" in str(screen.query_one("#study-score").render())
        assert screen.session.records[-1].overridden
        notes = " ".join(str(w.render()) for w in screen.query("#feedback Static"))
        assert "Counted as right" in notes
        assert "I was right" not in _footer(app)  # nothing left to appeal
        await pilot.press("u")
        await pilot.pause()
        assert len(screen.session.records) == answered
    with Store.open(db_path) as store:
        assert all(
            a.question_id != "sa" for s in store.unfinished_sessions("tester") for a in s.answered
        )
