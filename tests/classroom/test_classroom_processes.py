"""The real thing: `quiz class host --no-ui` as a subprocess, many students over loopback."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from quiz.classroom.db import ClassroomDB
from quiz.models import BANK_ADAPTER
from tests.classroom.support import BANK_DATA, ids_for

BANK = BANK_ADAPTER.validate_python(BANK_DATA)
QUIZ = (sys.executable, "-m", "quiz", "class")


async def as_ids(client: httpx.AsyncClient, h: dict[str, str], qid: str, answer: Any) -> Any:
    """A bank-index answer as the option ids this student is shown."""
    shown = (await client.get("/api/state", headers=h)).json()["question"]
    q = BANK.question(qid)
    assert q is not None and shown is not None and shown["id"] == qid
    return ids_for(q, shown, answer)


ROOT = Path(__file__).resolve().parents[2]
STUDENTS = 50


@pytest.fixture
def bank_file(tmp_path: Path) -> Path:
    path = tmp_path / "bank.json"
    path.write_text(json.dumps(BANK_DATA), encoding="utf-8")
    return path


def start_host(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QUIZ_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "quiz", "class", "host", *args, "--no-ui", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        proc.kill()
        raise AssertionError(f"host printed nothing: {proc.stderr.read() if proc.stderr else ''}")
    return proc, json.loads(line)


@pytest.fixture
def hosts() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def stop(proc: subprocess.Popen[str]) -> int:
    proc.send_signal(signal.SIGINT)
    return proc.wait(timeout=15)


async def test_fifty_students_answer_concurrently_none_lost_none_doubled(
    tmp_path: Path, bank_file: Path, hosts: list[subprocess.Popen[str]]
) -> None:
    proc, info = start_host(tmp_path, str(bank_file), "--join-limit", "1000")
    hosts.append(proc)
    assert set(info) == {"url", "code", "teacher_token", "session"}
    teacher = {"Authorization": f"Bearer {info['teacher_token']}"}
    sent: dict[tuple[str, str], Any] = {}
    async with httpx.AsyncClient(base_url=info["url"], timeout=30) as client:

        async def join(i: int) -> str:
            r = await client.post("/api/join", json={"code": info["code"], "name": f"s{i}"})
            assert r.status_code == 200, r.text
            return str(r.json()["student_token"])

        tokens = await asyncio.gather(*(join(i) for i in range(STUDENTS)))
        for qid, choices in (("mc", [0, 1, 2, 3]), ("tf", [True, False])):
            r = await client.post("/api/teacher/open", headers=teacher)
            while r.json()["question"]["id"] != qid:
                r = await client.post("/api/teacher/open", headers=teacher)

            async def answer(
                i: int, token: str, qid: str = qid, choices: list[Any] = choices
            ) -> None:
                value = choices[i % len(choices)]
                h = {"Authorization": f"Bearer {token}"}
                body = {"question_id": qid, "answer": await as_ids(client, h, qid, value)}
                r = await client.post("/api/answer", headers=h, json=body)
                assert r.status_code == 200, r.text
                # Every third student retries, as a client would after a lost response.
                if i % 3 == 0:
                    r = await client.post("/api/answer", headers=h, json=body)
                    assert r.json()["duplicate"] is True
                sent[(f"s{i}", qid)] = value

            await asyncio.gather(*(answer(i, t) for i, t in enumerate(tokens)))
        r = await client.get("/api/results", headers=teacher)
        assert sum(q["answered"] for q in r.json()["questions"]) == 2 * STUDENTS
    assert stop(proc) == 0
    db = ClassroomDB(tmp_path / "data" / "classroom.db")
    row = db.load(info["session"])
    db.close()
    names = {s.id: s.name for s in row.students}
    stored = [((names[a.student_id], a.question_id), a.answer) for a in row.answers]
    assert len(stored) == 2 * STUDENTS  # none doubled
    assert dict(stored) == sent  # none lost, each as sent


async def test_resume_after_the_host_dies_keeps_every_answer(
    tmp_path: Path, bank_file: Path, hosts: list[subprocess.Popen[str]]
) -> None:
    proc, info = start_host(tmp_path, str(bank_file))
    hosts.append(proc)
    async with httpx.AsyncClient(base_url=info["url"], timeout=30) as client:
        r = await client.post("/api/join", json={"code": info["code"], "name": "Ada"})
        token = r.json()["student_token"]
        h = {"Authorization": f"Bearer {token}"}
        await client.post(
            "/api/teacher/open", headers={"Authorization": f"Bearer {info['teacher_token']}"}
        )
        lung = await as_ids(client, h, "mc", 2)
        r = await client.post("/api/answer", headers=h, json={"question_id": "mc", "answer": lung})
        assert r.status_code == 200
    proc.kill()  # the host dies without any chance to clean up
    proc.wait(timeout=10)

    proc2, info2 = start_host(tmp_path, "--resume", info["session"][:15])
    hosts.append(proc2)
    assert info2["session"] == info["session"] and info2["code"] == info["code"]
    assert info2["teacher_token"] != info["teacher_token"]
    async with httpx.AsyncClient(base_url=info2["url"], timeout=30) as client:
        state = (await client.get("/api/state", headers=h)).json()
        assert state["phase"] == "open" and state["answered"] is True
        liver = await as_ids(client, h, "mc", 1)
        r = await client.post("/api/answer", headers=h, json={"question_id": "mc", "answer": liver})
        assert r.json()["error"] == "already_answered"
        teacher = {"Authorization": f"Bearer {info2['teacher_token']}"}
        rep = (await client.get("/api/results", headers=teacher)).json()
        assert rep["students"][0]["answers"]["mc"]["answer"] == "Lung"
    assert stop(proc2) == 0


def test_a_second_host_of_the_same_session_is_refused_and_the_first_keeps_serving(
    tmp_path: Path, bank_file: Path, hosts: list[subprocess.Popen[str]]
) -> None:
    proc, info = start_host(tmp_path, str(bank_file))
    hosts.append(proc)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QUIZ_DATA_DIR": str(tmp_path / "data")}
    second = subprocess.run(
        [*QUIZ, "host", "--resume", info["session"], "--no-ui", "--port", "0"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert second.returncode == 2, second.stdout
    assert f"already hosted by process {proc.pid}" in second.stderr
    assert "Traceback" not in second.stderr
    # The first host is untouched: same teacher token, joins work (no 500).
    teacher = {"Authorization": f"Bearer {info['teacher_token']}"}
    assert httpx.get(f"{info['url']}/api/teacher/state", headers=teacher).status_code == 200
    r = httpx.post(f"{info['url']}/api/join", json={"code": info["code"], "name": "Ada"})
    assert r.status_code == 200
    assert stop(proc) == 0
    # Stopped cleanly: the lease is released and the session can be resumed at once.
    proc2, info2 = start_host(tmp_path, "--resume", info["session"])
    hosts.append(proc2)
    assert info2["session"] == info["session"]
    assert stop(proc2) == 0


def test_a_second_resume_on_the_same_port_names_the_running_host(
    tmp_path: Path, bank_file: Path, hosts: list[subprocess.Popen[str]]
) -> None:
    # Walk (docs/walks/issue-12-walk.md): with the resumed host running, `quiz class host
    # --resume SESSION --port P` (the same port, as a teacher retyping the command would)
    # only said that the port was in use.
    proc, info = start_host(tmp_path, str(bank_file))
    hosts.append(proc)
    port = info["url"].rsplit(":", 1)[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QUIZ_DATA_DIR": str(tmp_path / "data")}
    second = subprocess.run(
        [*QUIZ, "host", "--resume", info["session"], "--no-ui", "--port", port],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert second.returncode == 2, second.stdout
    assert f"already hosted by process {proc.pid}" in second.stderr, second.stderr
    assert "Traceback" not in second.stderr
    r = httpx.post(f"{info['url']}/api/join", json={"code": info["code"], "name": "Ada"})
    assert r.status_code == 200  # the first host serves on
    assert stop(proc) == 0


async def test_sigterm_ends_the_server_even_with_an_open_event_stream(
    tmp_path: Path, bank_file: Path, hosts: list[subprocess.Popen[str]]
) -> None:
    proc, info = start_host(tmp_path, str(bank_file))
    hosts.append(proc)
    async with httpx.AsyncClient(base_url=info["url"], timeout=30) as client:
        r = await client.post("/api/join", json={"code": info["code"], "name": "Ada"})
        h = {"Authorization": f"Bearer {r.json()['student_token']}"}
        async with client.stream("GET", "/api/events", headers=h) as stream:
            lines = stream.aiter_lines()
            assert await anext(lines) == "event: state"
            assert json.loads((await anext(lines))[6:])["phase"] == "lobby"
            proc.send_signal(signal.SIGTERM)
            rest = [line async for line in lines]
            assert "event: bye" in rest
    assert proc.wait(timeout=15) == 0


def test_report_and_list_commands(tmp_path: Path, bank_file: Path) -> None:
    from quiz.classroom.state import ClassSession
    from quiz.models import BANK_ADAPTER

    data = tmp_path / "data"
    db = ClassroomDB(data / "classroom.db")
    bank = BANK_ADAPTER.validate_python(BANK_DATA)
    session, _ = ClassSession.create(
        db, bank_id=bank.id, title=bank.title, questions=bank.questions
    )
    a, _ = session.join(session.code, "Ada")
    b, _ = session.join(session.code, "[bold]Bo[/]")
    session.open()
    for st, choice in ((a, 0), (b, 1)):
        shown = session.student_state(st).model_dump(mode="json")["question"]
        session.answer(st, "mc", ids_for(bank.questions[0], shown, choice))
    session.end()
    db.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QUIZ_DATA_DIR": str(data)}

    def quiz(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "quiz", "class", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=60,
        )

    listed = quiz("list", "--json")
    assert listed.returncode == 0
    assert [(s["id"], s["students"], s["answers"]) for s in json.loads(listed.stdout)] == [
        (session.id, 2, 2)
    ]
    rep = json.loads(quiz("report", session.id, "--json").stdout)
    assert [(s["name"], s["score"]) for s in rep["students"]] == [
        ("Ada", 1.0),
        ("[bold]Bo[/]", 0.0),
    ]
    assert rep["questions"][0]["facility"] == 0.5
    text = quiz("report", session.id[:10]).stdout
    assert "[bold]Bo[/]" in text and "Heart" in text
    # The facility rule is spelled out next to the numbers.
    assert "facility = mean score over all 2 students; unanswered = 0" in text
    out = tmp_path / "r.csv"
    assert quiz("report", session.id, "--csv", str(out)).returncode == 0
    assert out.read_text().splitlines()[1].startswith("Ada,1.0,1,100.0,")
    missing = quiz("report", "nope")
    assert missing.returncode == 2 and "no classroom session 'nope'" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_a_port_in_use_is_a_clear_error_and_stores_nothing(tmp_path: Path, bank_file: Path) -> None:
    import socket

    env = {**os.environ, "PYTHONPATH": str(ROOT), "QUIZ_DATA_DIR": str(tmp_path / "data")}
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        r = subprocess.run(
            [
                sys.executable,
                "-m",
                "quiz",
                "class",
                "host",
                str(bank_file),
                "--no-ui",
                "--port",
                str(port),
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=60,
        )
    assert r.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in r.stderr and "Traceback" not in r.stderr
    assert "--port N" in r.stderr  # says what to do
    assert not (tmp_path / "data" / "classroom.db").exists()


def test_listening_on_every_interface_prints_a_warning(
    tmp_path: Path, bank_file: Path, hosts: list[subprocess.Popen[str]]
) -> None:
    proc, info = start_host(tmp_path, str(bank_file), "--host", "0.0.0.0")
    hosts.append(proc)
    assert "127.0.0.1" not in info["url"]
    assert stop(proc) == 0
    assert proc.stderr is not None
    assert "warning: listening on 0.0.0.0" in proc.stderr.read()


def test_host_with_dashboard_in_a_terminal_opens_a_question_and_quits_cleanly(
    tmp_path: Path, bank_file: Path
) -> None:
    import pty
    import select
    import time

    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "QUIZ_DATA_DIR": str(tmp_path / "data"),
        "TERM": "xterm-256color",
        "COLUMNS": "120",
        "LINES": "40",
    }
    argv = [sys.executable, "-m", "quiz", "class", "host", str(bank_file), "--port", "0"]
    pid, fd = pty.fork()
    if pid == 0:  # the child: the real command in a terminal
        os.chdir(ROOT)
        os.execve(sys.executable, argv, env)
    out = b""

    def read_until(marker: bytes, timeout: float = 30.0) -> None:
        nonlocal out
        end = time.monotonic() + timeout
        while marker not in out:
            if time.monotonic() > end:
                os.kill(pid, signal.SIGKILL)
                raise AssertionError(f"{marker!r} never appeared")
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    out += os.read(fd, 65536)
                except OSError:
                    break

    read_until(b"JOIN CODE")
    os.write(fd, b"n")
    read_until(b"OPEN")
    os.write(fd, b"q")
    read_until(b"stored. Report: quiz class report")
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    db = ClassroomDB(tmp_path / "data" / "classroom.db")
    (listed,) = db.list_sessions()
    row = db.load(listed["id"])
    db.close()
    assert row.phase == "open" and row.current == 0  # resumable where it was left
