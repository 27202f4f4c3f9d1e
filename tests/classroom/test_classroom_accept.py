"""The teacher accepts a typed answer for everyone: API, stored session, report, dashboard."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Label

from quiz.classroom.analysis import build_report, report_csv, report_text
from quiz.classroom.dashboard import DashboardApp
from quiz.classroom.db import ClassroomDB
from quiz.classroom.report_view import ReportScreen
from quiz.classroom.server import ServerThread, create_app
from quiz.classroom.state import ClassSession
from quiz.cli import main
from tests.classroom.support import Harness, Served, make_bank, wait_for
from tests.classroom.test_classroom_api import refusal

SA = 3  # index of the short-answer question "Capital of France?" (accepts Paris, Lutetia)


async def _answer_sa(live: Harness) -> dict[str, str]:
    tokens = {n: await live.join(n) for n in ("Ada", "Bo", "Cy", "Di")}
    assert (await live.control("open", index=SA)).status_code == 200
    typed = {"Ada": "Paname", "Bo": "  paname. ", "Cy": "Rome", "Di": "Paris"}
    for name, text in typed.items():
        r = await live.answer(tokens[name], "sa", text)
        assert r.status_code == 200, r.text
    return tokens


def scores(live: Harness) -> dict[str, float]:
    return {r.name: r.score for r in live.session.teacher_state().roster}


async def test_the_teacher_accepts_a_typed_answer_for_everyone_who_gave_it(
    live: Harness,
) -> None:
    tokens = await _answer_sa(live)
    accept = {"question_id": "sa", "answer": "Paname"}
    # Not before the reveal: accepting would tell the class something early.
    refusal(await live.control("accept", **accept), 409, "not_revealed")
    assert (await live.control("reveal")).status_code == 200
    assert scores(live) == {"Di": 1.0, "Ada": 0.0, "Bo": 0.0, "Cy": 0.0}
    # Students can never override a class answer, their own or anyone's.
    r = await live.client.post("/api/teacher/accept", headers=live.auth(tokens["Ada"]), json=accept)
    assert r.status_code in (401, 403)
    assert scores(live)["Ada"] == 0.0

    r = await live.control("accept", **accept)
    assert r.status_code == 200, r.text
    rows = {row["label"]: row for row in r.json()["distribution"]}
    assert rows["Paname"]["correct"] and rows["Paname"]["accepted"]
    assert rows["paname."]["correct"] and rows["paname."]["accepted"]  # same normalised text
    assert not rows["Rome"]["correct"] and not rows["Paris"]["accepted"]
    assert scores(live) == {"Ada": 1.0, "Bo": 1.0, "Di": 1.0, "Cy": 0.0}
    ada = await live.state(tokens["Ada"])
    assert ada["score"] == 1.0
    assert ada["result"]["outcome"] == "correct" and "teacher" in ada["result"]["note"]
    assert "Paris" in ada["result"]["correct_answer"]
    assert (await live.state(tokens["Cy"]))["result"]["outcome"] == "incorrect"

    refusal(await live.control("accept", **accept), 409, "already_accepted")
    refusal(await live.control("accept", question_id="sa", answer="Paris"), 409, "already_right")
    refusal(await live.control("accept", question_id="sa", answer="Lyon"), 404, "no_such_answer")
    refusal(await live.control("accept", question_id="mc", answer="Liver"), 422, "not_typed")

    # Stored: the report and a resumed host agree.
    await live.control("end")
    report = build_report(live.db.load(live.session.id))
    by_name = {s.name: s for s in report.students}
    assert by_name["Ada"].score == 1.0 and by_name["Ada"].answers["sa"].accepted_by_teacher
    assert by_name["Bo"].answers["sa"].accepted_by_teacher
    assert not by_name["Cy"].answers["sa"].accepted_by_teacher
    assert not by_name["Di"].answers["sa"].accepted_by_teacher  # right by the grader
    (sa,) = [q for q in report.questions if q.id == "sa"]
    assert sa.accepted_by_teacher == ["Paname"] and sa.facility == 0.75
    text = report_text(report)
    assert "+    1  Paname  (accepted by the teacher)" in text
    rows_csv = list(csv.DictReader(io.StringIO(report_csv(report))))
    assert {r["name"]: r["accepted_by_teacher"] for r in rows_csv} == {
        "Ada": "sa",
        "Bo": "sa",
        "Cy": "",
        "Di": "",
    }
    resumed, _ = ClassSession.resume(live.db, live.session.id)
    assert {s.name: s.score for s in resumed.students.values()}["Bo"] == 1.0


async def test_typed_answers_of_an_ended_self_paced_session_can_be_accepted(
    make_harness: object,
) -> None:
    h: Harness = await make_harness("self-paced")  # type: ignore[operator]
    token = await h.join("Ada")
    await h.control("open")
    given = {
        "mc": 0,
        "ms": [0, 1],
        "tf": False,
        "sa": "Paris",
        "num": "212",
        "cz": ["heart", "vena cava"],
    }
    for qid, answer in given.items():
        assert (await h.answer(token, qid, answer)).status_code == 200
    refusal(await h.control("accept", question_id="num", answer="212"), 409, "not_revealed")
    await h.control("end")
    # The labels as the report's distribution shows them.
    results = (await h.client.get("/api/results", headers=h.auth(h.teacher))).json()
    labels = {q["id"]: [r["label"] for r in q["distribution"]] for q in results["questions"]}
    assert labels["num"] == ["212 °C"] and labels["cz"] == ["1. heart; 2. vena cava"]
    for qid in ("num", "cz"):
        r = await h.control("accept", question_id=qid, answer=labels[qid][0])
        assert r.status_code == 200, r.text
    review = {i["question"]["id"]: i["result"] for i in (await h.state(token))["review"]}
    assert review["num"]["outcome"] == "correct" and review["cz"]["score"] == 1.0
    assert (await h.state(token))["score"] == 6.0
    await h.client.aclose()


def test_quiz_class_report_says_what_the_teacher_accepted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = tmp_path / "classroom.db"
    db = ClassroomDB(db_path)
    bank = make_bank()
    session, _ = ClassSession.create(
        db, bank_id=bank.id, title=bank.title, questions=bank.questions
    )
    ada, _ = session.join(session.code, "Ada")
    session.open(SA)
    session.answer(ada, "sa", "Paname")
    session.reveal()
    assert session.accept("sa", "Paname") == 1
    session.end()
    db.close()
    args = ["class", "report", session.id, "--classroom-db", str(db_path)]
    assert main(args) == 0
    assert "Paname  (accepted by the teacher)" in capsys.readouterr().out
    assert main([*args, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["students"][0]["answers"]["sa"]["accepted_by_teacher"] is True
    assert data["questions"][SA]["accepted_by_teacher"] == ["Paname"]
    out = tmp_path / "r.csv"
    assert main([*args, "--csv", str(out)]) == 0
    assert next(iter(csv.DictReader(out.open())))["accepted_by_teacher"] == "sa"


@pytest.fixture
def served_typed(tmp_path: Path) -> Iterator[Served]:
    """A live session of the short-answer question, served on a loopback port."""
    db = ClassroomDB(tmp_path / "classroom.db")
    bank = make_bank()
    session, teacher = ClassSession.create(
        db, bank_id=bank.id, title=bank.title, questions=[bank.questions[SA]]
    )
    thread = ServerThread(create_app(session), "127.0.0.1", 0)
    thread.start()
    port = thread.server.servers[0].sockets[0].getsockname()[1]
    yield Served(session, f"http://127.0.0.1:{port}", teacher)
    thread.stop()
    db.close()


async def test_dashboard_key_accepts_a_refused_answer(served_typed: Served) -> None:
    served = served_typed
    app = DashboardApp(api_url=served.url, join_url=served.url, teacher_token=served.teacher)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.state is not None)
        tokens = {n: served.join(n) for n in ("Ada", "Bo", "Cy")}
        await pilot.press("n")
        await wait_for(pilot, lambda: served.session.phase == "open")
        for name, text in {"Ada": "Paname", "Bo": "Rome", "Cy": "PANAME"}.items():
            served.answer(tokens[name], "sa", text)
        await wait_for(pilot, lambda: app.state is not None and app.state.answers_in == 3)
        assert not app.refused_answers()  # the key does nothing before the reveal
        await pilot.press("r")
        await wait_for(pilot, lambda: bool(app.refused_answers()))
        await pilot.press("g")
        await wait_for(pilot, lambda: bool(app.screen.query(Input)))
        listing = str(app.screen.query_one(Label).render())
        assert "1. Paname (1)" in listing and "Rome" in listing
        choice = [r.label for r in app.refused_answers()].index("Paname") + 1
        await pilot.press(str(choice), "enter")
        await wait_for(
            pilot,
            lambda: {r.name: r.score for r in served.session.teacher_state().roster}["Ada"] == 1,
        )
        roster = {r.name: r.score for r in served.session.teacher_state().roster}
        assert roster == {"Ada": 1.0, "Cy": 1.0, "Bo": 0.0}
        await wait_for(pilot, lambda: [r.label for r in app.refused_answers()] == ["Rome"])
        # The end report on the dashboard says which answer the teacher accepted.
        await pilot.press("e", "e")
        await wait_for(pilot, lambda: isinstance(app.screen, ReportScreen))
        table = app.screen.query_one("#report-choices", DataTable)
        rows = {
            str(table.get_row_at(i)[2]): str(table.get_row_at(i)[1]) for i in range(table.row_count)
        }
        assert rows == {"Paname": "✓ accepted by you", "PANAME": "✓ accepted by you", "Rome": ""}
