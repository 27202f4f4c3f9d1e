"""A big bank in the app: a 20-question quiz starts from Home on the lazily read bank,
and a bank file changed on disk is read again (never a stale question)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Static

from quiz.bank_index import question_index_path
from quiz.banks import LazyBank, LazyLoadedBank, LoadedBank, load_app_catalog
from quiz.ui.app import QuizApp
from tests.test_big_bank import N, keep_stamp, question, write_big
from tests.ui.helpers import ready, study_screen


def screen_text(app: QuizApp) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


def big_bank(bank_dir: Path) -> Path:
    """The big bank, named to be Home's last row (the invalid test bank removed)."""
    (bank_dir / "broken.toml").unlink()
    path = bank_dir / "zz-big.json"
    write_big(path)
    load_app_catalog([bank_dir])  # a first start validated it in full and indexed it
    return path


async def start_20(pilot: Pilot[None]) -> None:
    """From Home: the last row (the big bank), Options, 20 questions, Enter."""
    await pilot.press("end", "o")
    await pilot.pause()
    await pilot.press("2", "0", "enter")
    await pilot.pause()


def lazy(app: QuizApp) -> LazyBank:
    assert app.data is not None
    loaded = app.data.banks["big"]
    assert isinstance(loaded, LazyLoadedBank)
    return loaded.bank


async def test_a_20_question_quiz_from_a_big_bank_shows_its_first_question(
    make_app: Callable[..., QuizApp], bank_dir: Path
) -> None:
    big_bank(bank_dir)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await start_20(pilot)
        screen = study_screen(app)
        item = screen.session.current
        assert item is not None and screen.session.total == 20
        text = screen_text(app)
        assert "1 of 20" in text and item.question.prompt in text
        assert len(lazy(app)._built) == 20  # of 2,400: only the quiz's questions were built


async def test_a_bank_file_changed_while_the_app_runs_is_read_again(
    make_app: Callable[..., QuizApp], bank_dir: Path
) -> None:
    path = big_bank(bank_dir)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        lazy(app)
        # An author rewords every prompt: the file's size and time change.
        questions = [{**question(i), "prompt": f"Reworded {i}?"} for i in range(N)]
        data = {"schema": 1, "id": "big", "title": "A big bank", "questions": questions}
        path.write_text(json.dumps(data), encoding="utf-8")
        app._poll_banks()  # what the app does every two seconds
        await app.workers.wait_for_complete()
        await ready(pilot)
        assert app.data is not None and isinstance(app.data.banks["big"], LoadedBank)
        await start_20(pilot)
        item = study_screen(app).session.current
        assert item is not None and item.question.prompt.startswith("Reworded")
        assert item.question.prompt in screen_text(app)


async def test_a_change_behind_an_unchanged_stamp_is_caught_at_start(
    make_app: Callable[..., QuizApp], bank_dir: Path
) -> None:
    """Same size and time (no poll can see it): the question's CRC does. The learner is
    told, the banks are read again, and the next start asks the new text."""
    path = big_bank(bank_dir)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        lazy(app)
        keep_stamp(path, lambda d: d.replace(b"Statement ", b"Sentence! "))
        await start_20(pilot)
        notes = [n.message for n in app._notifications]
        assert any("changed since it was loaded" in n for n in notes), notes
        await app.workers.wait_for_complete()
        await ready(pilot)
        await start_20(pilot)
        item = study_screen(app).session.current
        assert item is not None
        assert "Statement" not in item.question.prompt


async def test_the_first_start_validates_in_full_and_indexes_for_the_next(
    make_app: Callable[..., QuizApp], bank_dir: Path
) -> None:
    (bank_dir / "broken.toml").unlink()
    path = bank_dir / "zz-big.json"
    write_big(path)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert app.data is not None and isinstance(app.data.banks["big"], LoadedBank)
        await app.workers.wait_for_complete()  # the index is written after the load
        assert question_index_path(path).exists()
    again = make_app()
    async with again.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        lazy(again)
        await start_20(pilot)
        assert study_screen(again).session.total == 20
