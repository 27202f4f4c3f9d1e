"""Student text is data: control characters refused at the door and escaped at every terminal,
look-alike names taken, spreadsheet formulas neutral."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from quiz.classroom.analysis import build_report, report_csv, report_text
from quiz.classroom.dashboard import DashboardApp
from quiz.classroom.db import AnswerRow, ClassroomDB, StudentRow
from quiz.classroom.report_view import ReportScreen
from quiz.classroom.state import ClassSession
from quiz.cli import main
from tests.classroom.support import Harness, make_bank


@pytest.fixture(params=[True, False], ids=["hot-paths", "routes"])
def hot_paths(request: pytest.FixtureRequest) -> bool:
    """Hostile text is refused alike by the served fast lane and by the routes."""
    return bool(request.param)


#: What the issue's curious student sent: retitle the terminal, ring, clear, paint red;
#: then C1 CSI, a bidi override and a bidi isolate.
HOSTILE = [
    "\x1b]0;pwned\x07",
    "\x1b[2J\x1b[41mBANNER",
    "\x9b31m",
    "abc\u202edcba",
    "x\u2066y\u2069",
    "zero\u200bwidth",
]
RAW = ("\x1b", "\x07", "\x9b", "\u202e", "\u2066", "\u200b")


def refusal(r: Any, status: int, error: str) -> None:
    assert r.status_code == status, r.text
    assert r.json()["error"] == error


@pytest.mark.parametrize("bad", HOSTILE)
async def test_control_characters_are_refused_in_every_field_a_student_sends(
    make_harness: Any, bad: str
) -> None:
    h: Harness = await make_harness("self-paced", None, join_limit=1000)
    code = h.session.code
    refusal(await h.client.post("/api/join", json={"code": code, "name": bad}), 422, "name_invalid")
    token = await h.join("Ada")
    await h.control("open")
    # Walk to each free-text question; every hostile string is refused, none is stored.
    steps: list[tuple[str, Any]] = [
        ("mc", 0),
        ("ms", [0, 1]),
        ("tf", False),
        ("sa", bad),
        ("num", bad),
        ("cz", ["heart", bad]),
    ]
    for qid, answer in steps:
        if qid in ("sa", "num", "cz"):
            r = await h.answer(token, qid, answer)
            refusal(r, 422, "bad_answer")
            assert "U+" in r.json()["message"] and bad not in r.json()["message"]
            answer = {"sa": "Paris", "num": 100.0, "cz": ["heart", "aorta"]}[qid]
        assert (await h.answer(token, qid, answer)).status_code == 200
    stored = h.db.load(h.session.id)
    text = repr([a.answer for a in stored.answers]) + repr([s.name for s in stored.students])
    assert not any(ch in text for ch in RAW)
    await h.client.aclose()


@pytest.mark.parametrize(
    "look_alike",
    ["ANN", "Ａｎｎ", "\u0410nn", "\u0430nn", "Ann "],  # full-width, Cyrillic А and а
)
async def test_look_alike_names_count_as_taken(live: Harness, look_alike: str) -> None:
    await live.join("Ann")
    r = await live.client.post("/api/join", json={"code": live.session.code, "name": look_alike})
    assert r.status_code == 409 and r.json()["error"] == "name_taken", (look_alike, r.text)


async def test_different_names_are_not_confused(live: Harness) -> None:
    for name in ("Ann", "Anna", "Jan", "Ana", "李", "Zoë", "Zoe 2"):
        await live.join(name)


def stored_hostile_session(tmp_path: Path) -> tuple[ClassroomDB, str]:
    """A session whose database holds raw control codes (written before they were refused)."""
    db = ClassroomDB(tmp_path / "classroom.db")
    bank = make_bank()
    session, _ = ClassSession.create(
        db, bank_id=bank.id, title=bank.title, questions=bank.questions, mode="self-paced"
    )
    session.open()
    now = datetime(2030, 1, 1, tzinfo=UTC)
    names = ["\x1b]0;pwned\x07Eve", "Bob\u202eevil", '=HYPERLINK("http://x","a")', "+1-2", "@SUM"]
    for i, name in enumerate(names, 1):
        db.add_student(session.id, StudentRow(i, name, f"h{i}", now), f"k{i}")
        db.add_answer(
            session.id,
            AnswerRow(i, "sa", 3, "\x1b[2J\x1b[41mBANNER\x07", "incorrect", 0.0, 1000, now),
        )
    return db, session.id


def test_report_text_and_csv_never_carry_control_codes_and_neutralise_formulas(
    tmp_path: Path,
) -> None:
    db, sid = stored_hostile_session(tmp_path)
    report = build_report(db.load(sid))
    text = report_text(report)
    assert not any(ch in text for ch in RAW)
    assert "\\x1b]0;pwned\\x07Eve" in text  # shown, visibly escaped
    rows = list(csv.reader(io.StringIO(report_csv(report))))
    cells = [c for row in rows for c in row]
    assert not any(ch in c for c in cells for ch in RAW)
    names = [row[0] for row in rows[1:]]
    assert '\'=HYPERLINK("http://x","a")' in names
    assert "'+1-2" in names and "'@SUM" in names
    assert all(not n.startswith(("=", "+", "-", "@")) for n in names)
    db.close()


def test_quiz_class_report_prints_no_control_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, sid = stored_hostile_session(tmp_path)
    db.close()
    out_csv = tmp_path / "r.csv"
    dbarg = ["--classroom-db", str(tmp_path / "classroom.db")]
    assert main(["class", "report", sid, *dbarg]) == 0
    assert main(["class", "report", sid, "--csv", str(out_csv), *dbarg]) == 0
    printed = capsys.readouterr().out + out_csv.read_text()
    assert not any(ch in printed for ch in RAW)
    assert "'=HYPERLINK" in out_csv.read_text()


async def test_dashboard_and_report_screen_show_control_codes_escaped(tmp_path: Path) -> None:
    db, sid = stored_hostile_session(tmp_path)
    row = db.load(sid)
    session, teacher = ClassSession.resume(db, sid)
    state = session.teacher_state()
    report = build_report(row)
    app = DashboardApp(api_url="http://127.0.0.1:9", join_url="http://x", teacher_token=teacher)
    async with app.run_test(size=(120, 40)) as pilot:
        app.show(state)
        await pilot.pause()
        screen = app.export_screenshot()
        app.push_screen(ReportScreen(report))
        await pilot.pause()
        screen += app.export_screenshot()
    assert "pwned" in screen  # the names are there...
    for ch in RAW:  # ... with no raw control character, nor one escaped for SVG
        assert ch not in screen and f"&#{ord(ch)};" not in screen
        assert f"&#x{ord(ch):x};" not in screen.lower()
    db.close()
