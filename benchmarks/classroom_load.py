"""Load test of a live classroom session over loopback.

200 simulated students (async httpx, one event stream each) join a `quiz class host --no-ui`
server running as a subprocess, and answer 20 live questions: each student answers when the
server's event says the question is open, after a random "thinking" delay within --spread
seconds (0 = everyone at the same instant). One answer in ten is sent twice, as a client
retrying after a lost response. Prints p50/p95/max answer latency and, from the stored
database, how many answers were lost or doubled. Goal: p95 < 50 ms, 0 lost, 0 doubled.

    PYTHONPATH=. python benchmarks/classroom_load.py [--students 200] [--questions 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]


def make_bank(n: int) -> dict[str, Any]:
    """A bank of n four-choice questions."""
    return {
        "schema": 1,
        "id": "load-test",
        "title": "Load test",
        "questions": [
            {
                "id": f"q{i}",
                "type": "multiple_choice",
                "prompt": f"Question {i}?",
                "explanation": "Because.",
                "choices": [{"text": f"choice {c}", "correct": c == 0} for c in range(4)],
            }
            for i in range(n)
        ],
    }


def start_server(tmp: Path, bank: Path) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QUIZ_DATA_DIR": str(tmp / "data")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "quiz",
            "class",
            "host",
            str(bank),
            "--no-ui",
            "--port",
            "0",
            "--join-limit",
            "100000",
        ],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        raise SystemExit("the server did not start")
    return proc, json.loads(line)


async def run(students: int, questions: int, spread: float, tmp: Path) -> dict[str, Any]:
    bank = tmp / "bank.json"
    bank.write_text(json.dumps(make_bank(questions)))
    proc, info = start_server(tmp, bank)
    teacher = {"Authorization": f"Bearer {info['teacher_token']}"}
    latencies: list[float] = []
    sent: dict[tuple[str, str], int] = {}
    refused: list[str] = []
    limits = httpx.Limits(max_connections=students * 3, max_keepalive_connections=students * 2)
    try:
        async with httpx.AsyncClient(base_url=info["url"], timeout=60, limits=limits) as client:
            tokens: list[str] = []
            for i in range(students):
                r = await client.post("/api/join", json={"code": info["code"], "name": f"s{i}"})
                r.raise_for_status()
                tokens.append(r.json()["student_token"])
            answered = [asyncio.Event() for _ in range(questions)]
            counts = [0] * questions
            rng = random.Random(7)

            async def student(i: int, token: str) -> None:
                # Each student has their own connections, as separate devices would: one
                # shared pool of hundreds of connections is slow on the client side.
                h = {"Authorization": f"Bearer {token}"}
                done: set[str] = set()
                async with (
                    httpx.AsyncClient(base_url=info["url"], timeout=60) as events,
                    httpx.AsyncClient(base_url=info["url"], timeout=60) as answers,
                    events.stream("GET", "/api/events", headers=h) as stream,
                ):
                    async for line in stream.aiter_lines():
                        if not line.startswith("data: "):
                            continue
                        state = json.loads(line[6:])
                        if state["phase"] == "ended":
                            return
                        q = state.get("question")
                        if state["phase"] != "open" or q is None or q["id"] in done:
                            continue
                        done.add(q["id"])
                        await asyncio.sleep(rng.uniform(0, spread))
                        choice = rng.randrange(4)
                        body = {"question_id": q["id"], "answer": choice}
                        t0 = time.perf_counter()
                        r = await answers.post("/api/answer", headers=h, json=body)
                        latencies.append(time.perf_counter() - t0)
                        if r.status_code != 200:
                            refused.append(r.text)
                            continue
                        sent[(f"s{i}", q["id"])] = choice
                        if rng.random() < 0.1:
                            await answers.post("/api/answer", headers=h, json=body)
                        k = state["index"]
                        counts[k] += 1
                        if counts[k] == students:
                            answered[k].set()

            tasks = [asyncio.create_task(student(i, t)) for i, t in enumerate(tokens)]
            await asyncio.sleep(0.5)  # let every stream connect
            started = time.perf_counter()
            for k in range(questions):
                (await client.post("/api/teacher/open", headers=teacher)).raise_for_status()
                await asyncio.wait_for(answered[k].wait(), timeout=60)
                (await client.post("/api/teacher/reveal", headers=teacher)).raise_for_status()
            elapsed = time.perf_counter() - started
            (await client.post("/api/teacher/end", headers=teacher)).raise_for_status()
            await asyncio.wait_for(asyncio.gather(*tasks), timeout=30)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    conn = sqlite3.connect(tmp / "data" / "classroom.db")
    rows = conn.execute(
        "SELECT st.name, a.question_id, a.answer FROM answers a JOIN students st "
        "ON st.session_id = a.session_id AND st.id = a.student_id WHERE a.session_id = ?",
        (info["session"],),
    ).fetchall()
    conn.close()
    stored: dict[tuple[str, str], int] = {}
    doubled = 0
    for name, qid, answer in rows:
        if (name, qid) in stored:
            doubled += 1
        stored[(name, qid)] = json.loads(answer)
    lost = sum(1 for k, v in sent.items() if stored.get(k) != v)
    ms = sorted(x * 1000 for x in latencies)
    return {
        "students": students,
        "questions": questions,
        "spread_s": spread,
        "answers": len(ms),
        "p50_ms": round(statistics.median(ms), 2),
        "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 2),
        "max_ms": round(ms[-1], 2),
        "lost": lost,
        "doubled": doubled,
        "refused": len(refused),
        "stored": len(rows),
        "session_s": round(elapsed, 1),
    }


def main() -> int:
    """Run the load test and print the figures (JSON with --json)."""
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--students", type=int, default=200)
    p.add_argument("--questions", type=int, default=20)
    p.add_argument("--spread", type=float, default=2.0, help="answer window in seconds")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = asyncio.run(run(args.students, args.questions, args.spread, Path(tmp)))
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>10}: {value}")
        ok = result["p95_ms"] < 50 and result["lost"] == 0 and result["doubled"] == 0
        print("goal (p95 < 50 ms, 0 lost, 0 doubled):", "met" if ok else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
