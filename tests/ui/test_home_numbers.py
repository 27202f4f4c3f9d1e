"""Home and Stats read the history off the UI thread: a slow store never freezes them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from quiz.store import StatsReport, Store
from quiz.study import HomeNumbers, StudyService
from quiz.ui.app import QuizApp
from quiz.ui.screens.stats import StatsScreen
from tests.ui.helpers import ready


def _rows(app: QuizApp) -> list[list[str]]:
    table = app.screen.query_one("#banks", DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_home_shows_titles_and_filters_by_tag_while_the_numbers_are_read(
    make_app: Callable[..., QuizApp], db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(db_path) as store:
        store.record_attempt(
            None,
            "tester",
            "every-type",
            "mc",
            answer=None,
            outcome="incorrect",
            score=0.0,
            now=datetime(2026, 1, 1, tzinfo=UTC),
        )
    release = threading.Event()
    reads: list[str] = []
    original = StudyService.read_home

    def slow_read(self: StudyService) -> HomeNumbers:
        reads.append(threading.current_thread().name)
        release.wait(10)
        return original(self)

    monkeypatch.setattr(StudyService, "read_home", slow_read)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(200):
            if app.data is not None and reads:
                break
            await pilot.pause(0.05)
        await pilot.pause()
        rows = _rows(app)
        # The bank is listed with its size; its numbers are still being read.
        bank = next(r for r in rows if r[0].startswith("Every question type"))
        assert bank[1] == "9" and bank[2] == "…"
        assert "…" in str(app.screen.query_one("#due-summary", Static).render())
        # The tag filter works on what is loaded, without another read of the history.
        await pilot.press("slash", *"colour")
        await pilot.pause()
        assert any(
            r[0].startswith("# All questions tagged colour") and r[1] == "3" for r in _rows(app)
        )
        await pilot.press(*["backspace"] * 6, *"nosuchtag")
        await pilot.pause()
        assert not any(r[0].startswith("Every question type") for r in _rows(app))
        assert all(name != threading.main_thread().name for name in reads)
        count = len(reads)
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press(*["backspace"] * 9, "escape")
        await pilot.pause()
        assert len(reads) == count  # filtering never read the store again
        bank = next(r for r in _rows(app) if r[0].startswith("Every question type"))
        assert bank[2] == "1"  # the missed question is due


async def test_stats_screen_fills_in_from_a_worker(
    make_app: Callable[..., QuizApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    original = StudyService.read_stats

    def slow_stats(self: StudyService, heatmap_days: int = 365) -> StatsReport:
        release.wait(10)
        return original(self, heatmap_days)

    monkeypatch.setattr(StudyService, "read_stats", slow_stats)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        release.set()
        await ready(pilot)
        release.clear()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, StatsScreen)
        totals = app.screen.query_one("#stats-totals", Static)
        assert "Reading your history" in str(totals.render())
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Attempts 0" in str(totals.render())


async def test_home_lists_the_banks_from_the_index_before_they_are_loaded(
    make_app: Callable[..., QuizApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A first run loads the banks and leaves the index for the next start.
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
    release = threading.Event()
    original = QuizApp._load

    def held_load(self: QuizApp) -> object:
        release.wait(10)
        return original(self)

    monkeypatch.setattr(QuizApp, "_load", held_load)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.data is None
        rows = _rows(app)
        bank = next(r for r in rows if r[0].startswith("Every question type"))
        assert bank[1] == "9" and bank[2:] == ["…", "…", "…"]
        assert any(r[0].startswith("⚠ broken.toml") for r in rows)
        # Enter before the load: told to wait, nothing starts.
        await pilot.press("down", "enter")
        await pilot.pause()
        assert any("Still loading" in n.message for n in app._notifications)
        release.set()
        await ready(pilot)
        bank = next(r for r in _rows(app) if r[0].startswith("Every question type"))
        assert bank[2] == "0"


def test_home_lists_the_banks_before_pydantic_is_imported(bank_dir: Path, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from quiz.ui.app import QuizApp, create_app

        first = sys.argv[1] == "first"
        if not first:
            QuizApp._start_load = lambda self: None  # only what the index gives
        app = create_app(sys.argv[2], "t", bank_paths=[Path(sys.argv[3])])

        async def pilot(p):
            for _ in range(400):
                table = app.screen.query("#banks")
                # The rows come in a message after the load: wait for them, not the load.
                loaded = first and app.data is not None and app.data.catalog.banks
                if loaded and table and table.first().row_count > 1:
                    await app.workers.wait_for_complete()
                    break
                if not first and table and table.first().row_count > 1:
                    break
                await p.pause(0.02)
            rows = app.screen.query_one("#banks").row_count
            print(rows, "pydantic" in sys.modules, flush=True)
            app.exit()

        app.run(headless=True, size=(80, 24), auto_pilot=pilot)
        """
    )
    root = Path(__file__).resolve().parent.parent.parent
    env = {**os.environ, "PYTHONPATH": str(root), "QUIZ_CACHE_DIR": str(tmp_path / "cache")}
    db = str(tmp_path / "q.db")
    outputs = []
    for which in ("first", "again"):
        out = subprocess.run(
            [sys.executable, "-c", code, which, db, str(bank_dir)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        outputs.append(out.stdout.split())
    # Review due, the bank and the invalid file; the second start never loaded pydantic.
    assert outputs == [["3", "True"], ["3", "False"]]


async def test_home_rows_are_drawn_with_their_column_widths_at_once(
    make_app: Callable[..., QuizApp],
) -> None:
    # The table measures new rows on its next idle; a frame drawn before that (a busy
    # moment, a resize) must not show every title cut to the header's width.
    from quiz.ui.screens.home import HomeScreen

    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        table = screen.query_one("#banks", DataTable)
        settled = [c.content_width for c in table.columns.values()]
        assert settled[0] > len("Bank")
        screen._render_rows()  # as a resize or a numbers read does
        assert [c.content_width for c in table.columns.values()] == settled
        # Drawn now (no idle in between), the title is whole.
        shot = app.export_screenshot().replace("&#160;", " ")
        assert "Every question type" in shot
        await pilot.pause()
        assert [c.content_width for c in table.columns.values()] == settled
