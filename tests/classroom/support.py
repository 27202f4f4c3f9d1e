"""Shared helpers of the classroom tests: a bank with all nine question types, a clock moved by
hand, and a harness around a session and its API."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from quiz.classroom.db import ClassroomDB
from quiz.classroom.state import ClassSession
from quiz.models import BANK_ADAPTER, Bank

BANK_DATA: dict[str, Any] = {
    "schema": 1,
    "id": "class-test",
    "title": "Classroom test bank",
    "questions": [
        {
            "id": "mc",
            "type": "multiple_choice",
            "prompt": "Which organ pumps blood?",
            "explanation": "The heart is a pump.",
            "choices": [
                {"text": "Heart", "correct": True, "feedback": "Yes, KEYFEEDBACK"},
                {"text": "Liver", "feedback": "No, the liver filters"},
                {"text": "Lung"},
                {"text": "Skin"},
            ],
        },
        {
            "id": "ms",
            "type": "multiple_select",
            "prompt": "Which are prime?",
            "explanation": "EXPLAIN-MS",
            "choices": [
                {"text": "2", "correct": True},
                {"text": "3", "correct": True},
                {"text": "4"},
            ],
        },
        {
            "id": "tf",
            "type": "true_false",
            "prompt": "The sky is green.",
            "explanation": "EXPLAIN-TF",
            "answer": False,
        },
        {
            "id": "sa",
            "type": "short_answer",
            "prompt": "Capital of France?",
            "explanation": "EXPLAIN-SA",
            "accept": ["Paris", "Lutetia"],
        },
        {
            "id": "num",
            "type": "numeric",
            "prompt": "Boiling point of water?",
            "explanation": "EXPLAIN-NUM",
            "answer": 100.0,
            "tolerance": 0.5,
            "unit": "°C",
        },
        {
            "id": "cz",
            "type": "cloze",
            "prompt": "Fill in the gaps.",
            "explanation": "EXPLAIN-CZ",
            "text": "Blood is pumped by the {{heart|cardia}} through the {{aorta}}.",
        },
        {
            "id": "ord",
            "type": "ordering",
            "prompt": "Order the steps.",
            "explanation": "EXPLAIN-ORD",
            "items": ["Alpha", "Bravo", "Charlie", "Delta"],
        },
        {
            "id": "mat",
            "type": "matching",
            "prompt": "Match the capitals.",
            "explanation": "EXPLAIN-MAT",
            "pairs": [
                {"left": "France", "right": "Paris"},
                {"left": "Italy", "right": "Rome"},
                {"left": "Spain", "right": "Madrid"},
            ],
        },
        {
            "id": "fc",
            "type": "flashcard",
            "prompt": "Mitochondria?",
            "explanation": "EXPLAIN-FC",
            "back": "Powerhouse SECRETBACK",
            "source_quote": "SECRETQUOTE",
        },
    ],
}

#: A right answer to each question above (original indices).
RIGHT: dict[str, Any] = {
    "mc": 0,
    "ms": [0, 1],
    "tf": False,
    "sa": "Paris",
    "num": 100.0,
    "cz": ["heart", "aorta"],
    "ord": [0, 1, 2, 3],
    "mat": [0, 1, 2],
    "fc": 3,
}
#: A wrong answer to each question.
WRONG: dict[str, Any] = {
    "mc": 1,
    "ms": [2],
    "tf": True,
    "sa": "London",
    "num": 42.0,
    "cz": ["liver", "vein"],
    "ord": [3, 2, 1, 0],
    "mat": [1, 2, 0],
    "fc": 1,
}


def ids_for(bank_q: Any, shown: dict[str, Any] | None, answer: Any) -> Any:
    """A bank-index answer as the option ids of `shown` (a student's public question), found
    by option text; other answers (and a question not shown) pass through unchanged."""
    if shown is None:
        return answer

    def by_text(field: str, texts: list[str]) -> dict[int, str]:
        ids = {o["text"]: o["id"] for o in shown[field]}
        return {i: ids[t] for i, t in enumerate(texts)}

    kind = bank_q.type
    if kind in ("multiple_choice", "multiple_select"):
        ids = by_text("choices", [c.text for c in bank_q.choices])
        return ids[answer] if kind == "multiple_choice" else [ids[i] for i in answer]
    if kind == "ordering":
        ids = by_text("items", list(bank_q.items))
        return [ids[i] for i in answer]
    if kind == "matching":
        rights = by_text("rights", [p.right for p in bank_q.pairs])
        bank_pos = {p.left: i for i, p in enumerate(bank_q.pairs)}
        out = []
        for left in shown["lefts"]:
            j = answer[bank_pos[left["text"]]]
            out.append(None if j is None else rights[j])
        return out
    return answer


def make_bank() -> Bank:
    """The nine-type test bank."""
    return BANK_ADAPTER.validate_python(BANK_DATA)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2030, 1, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Harness:
    """A session, its API client and the teacher's token."""

    session: ClassSession
    client: httpx.AsyncClient
    teacher: str
    clock: FakeClock
    db: ClassroomDB

    def auth(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    async def join(self, name: str) -> str:
        r = await self.client.post("/api/join", json={"code": self.session.code, "name": name})
        assert r.status_code == 200, r.text
        return str(r.json()["student_token"])

    async def control(self, action: str, **body: Any) -> httpx.Response:
        return await self.client.post(
            f"/api/teacher/{action}", headers=self.auth(self.teacher), json=body or None
        )

    async def answer(self, token: str, qid: str, answer: Any) -> httpx.Response:
        """Send an answer given in bank indices, as the option ids this student was shown."""
        question = await self.shown(token, qid)
        bank = next(q for q in self.session.questions if q.id == qid)
        return await self.answer_raw(token, qid, ids_for(bank, question, answer))

    async def shown(self, token: str, qid: str) -> dict[str, Any] | None:
        state = await self.state(token)
        q = state.get("question")
        return q if q is not None and q["id"] == qid else None

    async def answer_raw(self, token: str, qid: str, answer: Any) -> httpx.Response:
        return await self.client.post(
            "/api/answer", headers=self.auth(token), json={"question_id": qid, "answer": answer}
        )

    async def state(self, token: str) -> dict[str, Any]:
        r = await self.client.get("/api/state", headers=self.auth(token))
        assert r.status_code == 200, r.text
        return dict(r.json())


@dataclass
class Served:
    session: ClassSession
    url: str
    teacher: str

    def join(self, name: str) -> str:
        r = httpx.post(f"{self.url}/api/join", json={"code": self.session.code, "name": name})
        assert r.status_code == 200, r.text
        return str(r.json()["student_token"])

    def answer(self, token: str, qid: str, answer: object) -> None:
        """Answer in bank indices (translated to the ids this student was shown)."""
        state = httpx.get(f"{self.url}/api/state", headers={"Authorization": f"Bearer {token}"})
        shown = state.json().get("question")
        if shown is not None and shown["id"] == qid:
            bank = next(q for q in self.session.questions if q.id == qid)
            answer = ids_for(bank, shown, answer)
        r = httpx.post(
            f"{self.url}/api/answer",
            headers={"Authorization": f"Bearer {token}"},
            json={"question_id": qid, "answer": answer},
        )
        assert r.status_code == 200, r.text

    def control(self, action: str) -> dict[str, Any]:
        r = httpx.post(
            f"{self.url}/api/teacher/{action}",
            headers={"Authorization": f"Bearer {self.teacher}"},
        )
        assert r.status_code == 200, r.text
        return dict(r.json())


def question_ready(app: Any) -> bool:
    """The student's question is mounted and its input has the focus, so keys reach it.

    `app.view` is set before the view finishes mounting, and the view focuses its input
    only after a refresh: keys pressed earlier are lost (seen on a busy CI machine).
    """
    view = app.view
    focused = app.focused
    return bool(
        view is not None
        and view.is_mounted
        and focused is not None
        and view in focused.ancestors_with_self
    )


async def wait_for(pilot: Any, check: Any, timeout: float = 20.0) -> None:
    """Let the app run until `check()` holds (events arrive over real HTTP)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not check():
        if loop.time() > end:
            raise AssertionError("condition not reached")
        await pilot.pause(0.05)
