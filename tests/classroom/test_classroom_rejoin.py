"""Coming back as oneself (kept token, re-admitted name) and the teacher removing a student."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from quiz.classroom.analysis import build_report
from quiz.classroom.client import StudentApp
from quiz.classroom.dashboard import DashboardApp
from tests.classroom.support import Harness, Served, wait_for


async def roster(h: Harness) -> list[str]:
    r = await h.client.get("/api/teacher/state", headers=h.auth(h.teacher))
    return [e["name"] for e in r.json()["roster"]]


async def test_removed_student_loses_access_and_the_name_is_free(live: Harness) -> None:
    throwaway = await live.join("Ann")
    await live.join("Bo")
    await live.control("open")
    assert (await live.answer(throwaway, "mc", 0)).status_code == 200
    sid = next(s.id for s in live.session.students.values() if s.name == "Ann")
    r = await live.control("remove", student_id=sid)
    assert r.status_code == 200 and [e["name"] for e in r.json()["roster"]] == ["Bo"]
    s = await live.client.get("/api/state", headers=live.auth(throwaway))
    assert s.status_code == 401 and s.json()["error"] == "removed"
    # The real Ann can now join, and the report has one Ann: the new one, with no answers.
    await live.join("Ann")
    assert sorted(await roster(live)) == ["Ann", "Bo"]
    report = build_report(live.db.load(live.session.id))
    assert sorted((s.name, len(s.answers)) for s in report.students) == [("Ann", 0), ("Bo", 0)]
    assert report.questions[0].answered == 0
    r = await live.control("remove", student_id=sid)
    assert r.status_code == 404 and r.json()["error"] == "no_such_student"


async def test_removal_survives_a_restart(live: Harness) -> None:
    from quiz.classroom.state import ClassSession

    token = await live.join("Ann")
    await live.control("remove", student_id=1)
    resumed, _ = ClassSession.resume(live.db, live.session.id)
    assert resumed.student_for(token) is None and resumed.was_removed(token)
    assert [r.name for r in resumed.teacher_state().roster] == []
    resumed.join(resumed.code, "Ann")


async def test_a_readmitted_name_continues_as_the_same_student(live: Harness) -> None:
    old = await live.join("Ann")
    await live.control("open")
    assert (await live.answer(old, "mc", 0)).status_code == 200
    r = await live.client.post("/api/join", json={"code": live.session.code, "name": "Ann"})
    assert r.status_code == 409  # not before the teacher says so
    r = await live.control("readmit", student_id=1)
    assert r.json()["roster"][0]["readmit"] is True
    r = await live.client.post("/api/join", json={"code": live.session.code, "name": "ann"})
    assert r.status_code == 200 and r.json()["student_id"] == 1
    new = r.json()["student_token"]
    assert (await live.state(new))["answered"] is True  # the earlier answer is theirs
    s = await live.client.get("/api/state", headers=live.auth(old))
    assert s.status_code == 401
    assert len(live.session.students) == 1
    r = await live.client.post("/api/join", json={"code": live.session.code, "name": "Ann"})
    assert r.status_code == 409  # once only


async def test_terminal_client_restart_rejoins_as_the_same_student(
    served: Served, tmp_path: Path
) -> None:
    tokens = tmp_path / "tokens.json"
    first = StudentApp(served.url, served.session.code, name="Ada", record=False, token_file=tokens)
    async with first.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: first.state is not None)
    assert first.joined is not None
    assert oct(tokens.stat().st_mode & 0o777) == "0o600"
    served.control("open")
    again = StudentApp(served.url, served.session.code, name="Ada", record=False, token_file=tokens)
    async with again.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: again.state is not None and again.state.phase == "open")
        assert again.joined is not None
        assert again.joined.student_id == first.joined.student_id
        assert again.state is not None and again.state.name == "Ada"
    assert [s.name for s in served.session.students.values()] == ["Ada"]


async def test_a_removed_terminal_client_is_told_and_forgets_its_token(
    served: Served, tmp_path: Path
) -> None:
    tokens = tmp_path / "tokens.json"
    app = StudentApp(served.url, served.session.code, name="Ada", record=False, token_file=tokens)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(pilot, lambda: app.state is not None)
        httpx.post(
            f"{served.url}/api/teacher/remove",
            headers={"Authorization": f"Bearer {served.teacher}"},
            json={"student_id": 1},
        ).raise_for_status()
        # Told at once: the removal itself ends the student's event stream (no other
        # change, no keep-alive needed).
        await wait_for(pilot, lambda: app.failure is not None, timeout=5)
        assert app.failure is not None and "removed" in app.failure
    assert json.loads(tokens.read_text()) == {}


async def test_dashboard_removes_a_student_by_their_number(served: Served) -> None:
    served.join("Ann")
    served.join("Bo")
    app = DashboardApp(api_url=served.url, join_url=served.url, teacher_token=served.teacher)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.state is not None and len(app.state.roster) == 2)
        assert app.state is not None
        second = app.state.roster[1].name
        await pilot.press("x")
        await wait_for(pilot, lambda: len(app.screen_stack) > 1)
        await pilot.press("2", "enter")
        await wait_for(pilot, lambda: app.state is not None and len(app.state.roster) == 1)
        assert app.state is not None
        assert [r.name for r in app.state.roster] != [second]
    left: Any = [s.name for s in served.session.students.values() if s.removed_at is None]
    assert second not in left and len(left) == 1
