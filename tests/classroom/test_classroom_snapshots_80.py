"""The class dashboard, its end report and the student screen at 80x24 (issue 17).

The same scenes as test_classroom_snapshots.py (100x30), on a narrower terminal: nothing may
overlap, and scores read as numbers people write ("2", "1½", "100%"), not floats.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from quiz.classroom.analysis import build_report
from quiz.classroom.client import StudentApp
from quiz.classroom.models import JoinResponse
from quiz.classroom.report_view import ReportScreen
from tests.classroom.support import question_ready, wait_for
from tests.classroom.test_classroom_snapshots import CODE, SESSION, Scene, api, dashboard

SIZE = (80, 24)


@pytest.fixture
def scene80(tmp_path: Path) -> Iterator[Scene]:
    s = Scene(tmp_path)
    yield s
    s.close()


def test_dashboard_revealed_80(scene80: Scene, snap_compare: Any) -> None:
    scene80.session.open()
    scene80.answer("Ann", "mc", 0, after=4.2)
    scene80.answer("[bold]Bo[/]", "mc", 1, after=3.1)
    scene80.answer("Cy", "mc", 1, after=5.0)
    scene80.session.reveal()
    app = dashboard(scene80.teacher())

    async def ready(pilot: Any) -> None:
        await wait_for(pilot, lambda: app.state is not None)

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_dashboard_end_report_80(scene80: Scene, snap_compare: Any) -> None:
    scene80.session.open()
    scene80.answer("Ann", "mc", 0, after=4.2)
    scene80.answer("[bold]Bo[/]", "mc", 1, after=3.1)
    scene80.session.reveal()
    scene80.session.open()
    scene80.answer("Ann", "ms", [0, 1], after=6.5)
    scene80.answer("Cy", "ms", [2], after=2.0)
    scene80.session.reveal()
    scene80.session.end()
    report = build_report(scene80.db.load(scene80.session.id)).model_copy(
        update={"session": SESSION}
    )
    app = dashboard(scene80.teacher(), {"/api/results": json.loads(report.model_dump_json())})

    async def ready(pilot: Any) -> None:
        await wait_for(pilot, lambda: isinstance(app.screen, ReportScreen))

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)


def test_student_question_80(scene80: Scene, snap_compare: Any) -> None:
    scene80.session.open()
    joined = JoinResponse(
        student_token="t",
        student_id=1,
        name="Ann",
        session=SESSION,
        mode="live",
        title=scene80.session.title,
        bank_id=scene80.session.bank_id,
    )
    app = StudentApp(
        "http://classroom.test",
        CODE,
        name="Ann",
        record=False,
        transport=api(scene80.student("Ann"), {"/api/join": joined.model_dump(mode="json")}),
    )

    async def ready(pilot: Any) -> None:
        await wait_for(pilot, lambda: question_ready(app))

    assert snap_compare(app, terminal_size=SIZE, run_before=ready)
