"""Fixtures for the study app's tests: a temp database, the test bank folder, no blinking."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.widgets import Input

from quiz.ui.app import QuizApp, create_app

DATA = Path(__file__).parent.parent / "data" / "banks"


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A blinking cursor makes screenshots differ from run to run."""
    monkeypatch.setattr(Input.cursor_blink, "_default", False)
    yield


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bank index goes to a temp cache folder, never the user's."""
    monkeypatch.setenv("QUIZ_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def bank_dir(tmp_path: Path) -> Path:
    """A copy of the test banks (one question of each type, plus an invalid bank)."""
    target = tmp_path / "banks"
    shutil.copytree(DATA, target)
    (target / "broken.toml").write_text('schema = 1\nid = "broken"\n', encoding="utf-8")
    return target


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "quiz.db"


@pytest.fixture
def make_app(bank_dir: Path, db_path: Path) -> Callable[..., QuizApp]:
    """The app as the CLI builds it, on the temp database and the test banks."""

    def make(**kw: object) -> QuizApp:
        kw.setdefault("profile", "tester")
        return create_app(db_path, bank_paths=[bank_dir], **kw)  # type: ignore[arg-type]

    return make
