"""Fixtures for the classroom tests: a session and its API behind an httpx ASGI transport."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from quiz.classroom.db import ClassroomDB
from quiz.classroom.models import Feedback, Mode
from quiz.classroom.server import ServerThread, create_app
from quiz.classroom.state import ClassSession
from tests.classroom.support import FakeClock, Harness, Served, make_bank


@pytest.fixture(autouse=True)
def private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No classroom test writes into the real user's data or bank folder (a student client
    keeps a class session's questions as a bank in the user's bank folder)."""
    monkeypatch.setenv("QUIZ_DATA_DIR", str(tmp_path / "user-data"))
    monkeypatch.delenv("QUIZ_BANKS_DIR", raising=False)
    monkeypatch.delenv("QUIZ_DB", raising=False)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def db(tmp_path: Path) -> Iterator[ClassroomDB]:
    d = ClassroomDB(tmp_path / "classroom.db")
    yield d
    d.close()


async def _harness(
    db: ClassroomDB,
    clock: FakeClock,
    mode: Mode,
    time_limit: float | None,
    feedback: Feedback = "end",
    **app_kw: Any,
) -> Harness:
    bank = make_bank()
    session, teacher = ClassSession.create(
        db,
        bank_id=bank.id,
        title=bank.title,
        questions=bank.questions,
        mode=mode,
        time_limit=time_limit,
        feedback=feedback,
        clock=clock,
    )
    app = create_app(session, **app_kw)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")
    return Harness(session, client, teacher, clock, db)


@pytest.fixture
def hot_paths() -> bool:
    """Whether the app answers state and answer requests through `HotPaths` (as served).
    The API tests override this to run both ways: the fast lane must behave as the routes."""
    return True


@pytest.fixture
async def live(db: ClassroomDB, clock: FakeClock, hot_paths: bool) -> AsyncIterator[Harness]:
    h = await _harness(db, clock, "live", 30.0, hot_paths=hot_paths)
    yield h
    await h.client.aclose()


@pytest.fixture
async def selfpaced(db: ClassroomDB, clock: FakeClock, hot_paths: bool) -> AsyncIterator[Harness]:
    h = await _harness(db, clock, "self-paced", 600.0, hot_paths=hot_paths)
    yield h
    await h.client.aclose()


@pytest.fixture
def make_harness(db: ClassroomDB, clock: FakeClock) -> Any:
    async def make(
        mode: Mode = "live",
        time_limit: float | None = None,
        feedback: Feedback = "end",
        **kw: Any,
    ) -> Harness:
        return await _harness(db, clock, mode, time_limit, feedback, **kw)

    return make


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """A live session with the first three test questions, served on a loopback port."""
    yield from _served(tmp_path, "live")


@pytest.fixture
def served_selfpaced(tmp_path: Path) -> Iterator[Served]:
    """The same, self-paced."""
    yield from _served(tmp_path, "self-paced")


def _served(tmp_path: Path, mode: Mode) -> Iterator[Served]:
    db = ClassroomDB(tmp_path / "classroom.db")
    bank = make_bank()
    session, teacher = ClassSession.create(
        db, bank_id=bank.id, title=bank.title, questions=bank.questions[:3], mode=mode
    )
    thread = ServerThread(create_app(session), "127.0.0.1", 0)
    thread.start()
    port = thread.server.servers[0].sockets[0].getsockname()[1]
    yield Served(session, f"http://127.0.0.1:{port}", teacher)
    thread.stop()
    db.close()
