"""Defects found walking issue 12 as a teacher with terminal and browser students
(docs/walks/issue-12-walk.md); each test failed before its fix."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.widgets import Static

from quiz.classroom.client import StudentApp
from quiz.classroom.dashboard import DistributionBars
from quiz.classroom.db import ClassroomDB
from quiz.classroom.server import ServerThread, create_app
from quiz.classroom.state import ClassSession
from quiz.ui.widgets.feedback import FeedbackPanel
from tests.classroom.support import Served, make_bank, question_ready, wait_for


class Outage(httpx.AsyncBaseTransport):
    """A network that refuses answers while `down` (the host killed and not yet back)."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.down = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.down and request.url.path == "/api/answer":
            raise httpx.ConnectError("connection refused", request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        """Kept open: the client makes an `httpx.AsyncClient` (closing its transport) per
        request."""


@pytest.fixture
def served_text(tmp_path: Path) -> Iterator[Served]:
    """A live session of the test bank's typed questions (numeric, short answer, cloze)."""
    db = ClassroomDB(tmp_path / "classroom.db")
    bank = make_bank()
    typed = [q for q in bank.questions if q.id in ("num", "sa", "cz")]
    session, teacher = ClassSession.create(
        db, bank_id=bank.id, title=bank.title, questions=typed, mode="live"
    )
    thread = ServerThread(create_app(session), "127.0.0.1", 0)
    thread.start()
    port = thread.server.servers[0].sockets[0].getsockname()[1]
    yield Served(session, f"http://127.0.0.1:{port}", teacher)
    thread.stop()
    db.close()


def info(app: StudentApp) -> str:
    return str(app.query_one("#info", Static).render())


async def test_an_answer_that_could_not_be_sent_is_sent_again_with_enter(
    served_text: Served,
) -> None:
    served = served_text
    # Walk: the host was killed while Bob pressed Enter; once it was back, Enter did nothing
    # (the input had been disabled while sending and lost the keyboard focus).
    net = Outage()
    app = StudentApp(served.url, served.session.code, name="Bob", record=False, transport=net)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: app.state is not None)
        served.control("open")
        await wait_for(pilot, lambda: question_ready(app))
        net.down = True
        await pilot.press(*"Paris", "enter")
        await wait_for(pilot, lambda: "Could not send the answer" in info(app))
        assert not served.session.answers
        net.down = False
        # The keyboard is back in the answer (a person looks, then presses Enter).
        await wait_for(pilot, lambda: question_ready(app), timeout=5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(served.session.answers) == 1)
        (stored,) = served.session.answers.values()
        assert (stored.question_id, stored.answer) == ("sa", "Paris")
        await wait_for(pilot, lambda: "Answer sent" in info(app))



def panel_text(app: StudentApp) -> str:
    return " ".join(str(s.render()) for p in app.query(FeedbackPanel) for s in p.query(Static))


async def test_a_typed_answer_accepted_after_the_reveal_turns_the_students_verdict(
    served_text: Served,
) -> None:
    # Walk: the teacher accepted Bob's typed answer (g); his score moved, but his screen
    # still said "Incorrect" and the bars still had no ✓ beside his answer.
    served = served_text
    app = StudentApp(served.url, served.session.code, name="Bob", record=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: app.state is not None)
        served.control("open")
        await wait_for(pilot, lambda: question_ready(app))
        await pilot.press(*"Paname", "enter")
        await wait_for(pilot, lambda: len(served.session.answers) == 1)
        served.control("reveal")
        await wait_for(pilot, lambda: "Incorrect" in panel_text(app))
        r = httpx.post(
            f"{served.url}/api/teacher/accept",
            headers={"Authorization": f"Bearer {served.teacher}"},
            json={"question_id": "sa", "answer": "Paname"},
        )
        assert r.status_code == 200, r.text
        await wait_for(pilot, lambda: "Accepted by your teacher" in panel_text(app))
        assert "Incorrect" not in panel_text(app) and len(app.query(FeedbackPanel)) == 1
        bars = app.query_one("#dist", DistributionBars).plain
        assert any(line.startswith("✓ Paname") for line in bars.split("\n")), bars
