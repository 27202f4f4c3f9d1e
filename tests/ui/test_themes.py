"""Issue 17: a high-contrast theme kept per profile; NO_COLOR honoured, marks kept."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from quiz.scheduler import Settings
from quiz.store import Store
from quiz.ui.app import QuizApp, StartRequest
from tests.ui.helpers import answer_keys, feedback_text, ready, study_screen


async def test_the_theme_chosen_is_kept_for_that_profile_only(
    make_app: Callable[..., QuizApp], db_path: Path
) -> None:
    app = make_app(profile="ann")
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert "high-contrast" in app.available_themes
        app.theme = "high-contrast"
        await pilot.pause()
    again = make_app(profile="ann")
    async with again.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert again.theme == "high-contrast"
    other = make_app(profile="bob")
    async with other.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert other.theme != "high-contrast"
    with Store.open(db_path) as store:
        # The study settings and the theme live side by side; saving one keeps the other.
        store.save_settings("ann", Settings(new_per_day=5))
        assert store.preference("ann", "theme") == "high-contrast"
        assert store.settings("ann").new_per_day == 5


async def test_no_color_keeps_right_and_wrong_readable(
    make_app: Callable[..., QuizApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(start=StartRequest(kind="study", bank_id="every-type", seed=4))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert app.no_color
        screen = study_screen(app)
        await pilot.press(*answer_keys(app, right=False))
        await pilot.pause()
        verdict = feedback_text(screen).splitlines()[0]
        # Without colour, the mark still says it.
        assert verdict.startswith(("✗", "◐")), verdict
        status = str(screen.query_one("#study-score").render())
        assert status.startswith("Score 0")
