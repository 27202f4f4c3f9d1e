"""SVG snapshots (100x30) of the dashboard and the student client, with fixed codes and times.

The states come from a real `ClassSession` on a hand-moved clock, with its code, seed and id
pinned; the apps read them through an httpx mock transport that plays the session API (an
event stream that sends one state and stays open, and the report), so the screens are
deterministic. Look at the SVGs in __snapshots__ when they change.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from quiz.classroom.analysis import build_report
from quiz.classroom.client import StudentApp
from quiz.classroom.dashboard import DashboardApp
from quiz.classroom.db import ClassroomDB
from quiz.classroom.models import JoinResponse, StudentState, TeacherState
from quiz.classroom.report_view import ReportScreen
from quiz.classroom.state import ClassSession, Student
from tests.classroom.support import FakeClock, ids_for, make_bank, question_ready, wait_for

SESSION = "20300101-090000-c0de"
CODE = "K7MQ2P"
SIZE = (100, 30)


class Scene:
    """A live session on a fake clock: three students, the first question."""

    def __init__(self, tmp_path: Path) -> None:
        self.db = ClassroomDB(tmp_path / "classroom.db")
        self.clock = FakeClock()
        bank = make_bank()
        self.session, _ = ClassSession.create(
            self.db,
            bank_id=bank.id,
            title=bank.title,
            questions=bank.questions[:3],
            mode="live",
            clock=self.clock,
        )
        self.session.code = CODE
        self.session.seed = "snapshot"  # the order choices are shown in
        self.students: dict[str, Student] = {}
        for name in ("Ann", "[bold]Bo[/]", "Cy"):
            self.students[name], _ = self.session.join(CODE, name)

    def answer(self, name: str, qid: str, answer: Any, after: float) -> None:
        """Answer in bank indices, sent as the ids this student was shown."""
        self.clock.advance(after)
        student = self.students[name]
        shown = self.session.student_state(student).question
        bank = next(q for q in self.session.questions if q.id == qid)
        sent = ids_for(bank, None if shown is None else shown.model_dump(), answer)
        self.session.answer(student, qid, sent)

    def teacher(self) -> TeacherState:
        return self.session.teacher_state().model_copy(update={"session": SESSION})

    def student(self, name: str) -> StudentState:
        state = self.session.student_state(self.students[name])
        return state.model_copy(update={"session": SESSION})

    def close(self) -> None:
        self.db.close()


@pytest.fixture
def scene(tmp_path: Path) -> Iterator[Scene]:
    s = Scene(tmp_path)
    yield s
    s.close()


def api(events: BaseModel, extra: dict[str, Any] | None = None) -> httpx.MockTransport:
    """The session API as far as the apps need it: one state on the stream, then quiet."""

    async def stream() -> AsyncIterator[bytes]:
        yield f"event: state\ndata: {events.model_dump_json()}\n\n".encode()
        await asyncio.Event().wait()  # the stream stays open, as the server's does

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/events":
            return httpx.Response(
                200, headers={"content-type": "text/event-stream"}, content=stream()
            )
        body = (extra or {}).get(request.url.path)
        if body is None:
            return httpx.Response(404, json={"error": "not_found", "message": "not here"})
        return httpx.Response(200, json=body)

    return httpx.MockTransport(handle)


def dashboard(state: TeacherState, extra: dict[str, Any] | None = None) -> DashboardApp:
    return DashboardApp(
        api_url="http://classroom.test",
        join_url="http://192.168.1.20:8765",
        teacher_token="teacher",
        transport=api(state, extra),
    )


def test_snapshot_dashboard_lobby(scene: Scene, snap_compare: Any) -> None:
    app = dashboard(scene.teacher())

    async def ready(pilot: Any) -> None:
        await wait_for(pilot, lambda: app.state is not None)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_snapshot_dashboard_revealed_question(scene: Scene, snap_compare: Any) -> None:
    scene.session.open()
    scene.answer("Ann", "mc", 0, after=4.2)
    scene.answer("[bold]Bo[/]", "mc", 1, after=3.1)
    scene.answer("Cy", "mc", 1, after=5.0)
    scene.session.reveal()
    app = dashboard(scene.teacher())

    async def ready(pilot: Any) -> None:
        await wait_for(pilot, lambda: app.state is not None)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_snapshot_dashboard_end_report(scene: Scene, snap_compare: Any) -> None:
    scene.session.open()
    scene.answer("Ann", "mc", 0, after=4.2)
    scene.answer("[bold]Bo[/]", "mc", 1, after=3.1)
    scene.session.reveal()
    scene.session.open()
    scene.answer("Ann", "ms", [0, 1], after=6.5)
    scene.answer("Cy", "ms", [2], after=2.0)
    scene.session.reveal()
    scene.session.end()
    report = build_report(scene.db.load(scene.session.id)).model_copy(update={"session": SESSION})
    app = dashboard(scene.teacher(), {"/api/results": json.loads(report.model_dump_json())})

    async def ready(pilot: Any) -> None:
        await wait_for(pilot, lambda: isinstance(app.screen, ReportScreen))

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_snapshot_student_question(scene: Scene, snap_compare: Any) -> None:
    scene.session.open()
    joined = JoinResponse(
        student_token="t",
        student_id=1,
        name="Ann",
        session=SESSION,
        mode="live",
        title=scene.session.title,
        bank_id=scene.session.bank_id,
    )
    app = StudentApp(
        "http://classroom.test",
        CODE,
        name="Ann",
        record=False,
        transport=api(scene.student("Ann"), {"/api/join": joined.model_dump(mode="json")}),
    )

    async def ready(pilot: Any) -> None:
        await wait_for(pilot, lambda: question_ready(app))

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)
