"""The classroom API rules, each refusal included, through httpx's ASGI transport."""

from __future__ import annotations

import json
from typing import Any

import pytest

from quiz.classroom.models import public_question
from quiz.classroom.state import ClassSession
from tests.classroom.support import RIGHT, FakeClock, Harness, make_bank

# Strings that only the answer key, explanations, feedback or quotes contain.
SECRETS: dict[str, list[str]] = {
    "mc": ["KEYFEEDBACK", "liver filters", "heart is a pump", "correct"],
    "ms": ["EXPLAIN-MS", "correct"],
    "tf": ["EXPLAIN-TF", ":false", "answer"],
    "sa": ["Paris", "Lutetia", "EXPLAIN-SA", "accept"],
    "num": ["100", "tolerance", "EXPLAIN-NUM"],
    "cz": ["heart", "cardia", "aorta", "EXPLAIN-CZ", "{{"],
    "ord": ["EXPLAIN-ORD"],
    "mat": ["EXPLAIN-MAT"],
    "fc": ["SECRETBACK", "SECRETQUOTE", "EXPLAIN-FC", '"back"'],
}


@pytest.fixture(params=[True, False], ids=["hot-paths", "routes"])
def hot_paths(request: pytest.FixtureRequest) -> bool:
    """Every API rule holds both through the served fast lane and through the routes."""
    return bool(request.param)


def refusal(r: Any, status: int, error: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["error"] == error, body
    assert body["message"]
    return dict(body)


# -- the student's view never carries a key ------------------------------------------------


@pytest.mark.parametrize("qid", list(SECRETS))
def test_public_question_has_no_key(qid: str) -> None:
    q = make_bank().question(qid)
    assert q is not None
    text = public_question(q, "seed").model_dump_json()
    for secret in SECRETS[qid]:
        assert secret not in text, f"{secret!r} leaked in {text}"
    assert q.prompt in text


def test_public_cloze_keeps_the_text_around_the_gaps() -> None:
    q = make_bank().question("cz")
    assert q is not None
    assert public_question(q, "x").segments == ["Blood is pumped by the ", " through the ", "."]


async def test_state_never_leaks_a_key_before_reveal(live: Harness) -> None:
    token = await live.join("Ada")
    for i, qid in enumerate(SECRETS):
        r = await live.control("open")
        assert r.status_code == 200, r.text
        state = await live.state(token)
        assert state["question"]["id"] == qid and state["index"] == i
        assert state["revealed"] is None and state["result"] is None
        text = json.dumps(state)
        for secret in SECRETS[qid]:
            if secret in ("answer", ":false"):
                continue  # state has an `answered` flag and false booleans of its own
            assert secret not in text, f"{secret!r} leaked in {text}"
        await live.answer(token, qid, RIGHT[qid])
        text = json.dumps(await live.state(token))
        assert "EXPLAIN" not in text
        assert (await live.control("close")).status_code == 200
        assert "EXPLAIN" not in json.dumps(await live.state(token))


async def test_fast_lane_and_routes_answer_alike(make_harness: Any) -> None:
    """The same requests, byte for byte, get the same status and body from the served fast
    lane and from the FastAPI routes (messages included), for good and malformed ones."""
    auth_headers: list[dict[str, str]] = [
        {},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer"},
        {"Authorization": "bearer TOKEN"},
        {"Authorization": "Bearer nope"},
        {"Authorization": "Bearer TEACHER"},
    ]
    bodies = [
        b"",
        b"{",
        b"[]",
        b'{"answer": 0}',
        b'{"question_id": "", "answer": 0}',
        b'{"question_id": "mc"}',
        b'{"question_id": "mc", "answer": "x\\u001b[2J"}',
        b'{"question_id": "mc", "answer": 99}',
        b'{"question_id": "tf", "answer": true}',
        b"\xff\xfe",
    ]
    seen: list[list[tuple[int, Any]]] = []
    for hot in (True, False):
        h = await make_harness(hot_paths=hot)
        token = await h.join("Ada")
        await h.control("open")
        got: list[tuple[int, Any]] = []
        for headers in auth_headers:
            value = headers.get("Authorization", "")
            value = value.replace("TOKEN", token).replace("TEACHER", h.teacher)
            sent = {"Authorization": value} if headers else {}
            r = await h.client.get("/api/state", headers=sent)
            body = r.json()
            got.append((r.status_code, body.get("error", "state") if r.status_code != 200 else 200))
        for body in bodies:
            for kind in ("application/json", "text/plain"):
                r = await h.client.post(
                    "/api/answer",
                    headers={**h.auth(token), "Content-Type": kind},
                    content=body,
                )
                got.append((r.status_code, r.json()))
        seen.append(got)
        await h.client.aclose()
    assert seen[0] == seen[1]
    assert (200, 200) in seen[0] and (401, "no_token") in seen[0]
    assert any(status == 422 for status, _ in seen[0])


# -- joining -------------------------------------------------------------------------------


async def test_join_returns_a_token_and_the_teacher_sees_the_roster(live: Harness) -> None:
    r = await live.client.post("/api/join", json={"code": live.session.code, "name": " Ada  L "})
    assert r.status_code == 200
    body = r.json()
    assert body["name"] == "Ada L" and len(body["student_token"]) >= 30
    t = await live.client.get("/api/teacher/state", headers=live.auth(live.teacher))
    assert [s["name"] for s in t.json()["roster"]] == ["Ada L"]


async def test_join_code_is_case_insensitive(live: Harness) -> None:
    r = await live.client.post("/api/join", json={"code": live.session.code.lower(), "name": "Bo"})
    assert r.status_code == 200


async def test_join_refusals(live: Harness) -> None:
    code = live.session.code
    wrong = "ZZZZZZ" if code != "ZZZZZZ" else "YYYYYY"
    post = live.client.post
    refusal(await post("/api/join", json={"code": wrong, "name": "A"}), 403, "bad_code")
    await live.join("Ada")
    refusal(await post("/api/join", json={"code": code, "name": "ADA"}), 409, "name_taken")
    refusal(await post("/api/join", json={"code": code, "name": "x" * 33}), 422, "name_invalid")
    refusal(await post("/api/join", json={"code": code, "name": "   "}), 422, "name_invalid")
    refusal(await post("/api/join", json={"code": code, "name": "a\x1b[2J"}), 422, "name_invalid")
    refusal(await post("/api/join", json={"code": code}), 422, "invalid_request")
    r = await post("/api/join", json={"code": code, "name": "B", "admin": True})
    refusal(r, 422, "invalid_request")
    await live.control("end")
    refusal(await post("/api/join", json={"code": code, "name": "Late"}), 410, "session_ended")


async def test_names_are_kept_as_plain_text(live: Harness) -> None:
    await live.join("[bold]x[/] [@click=app.quit]")
    t = await live.client.get("/api/teacher/state", headers=live.auth(live.teacher))
    assert t.json()["roster"][0]["name"] == "[bold]x[/] [@click=app.quit]"


async def test_joins_are_rate_limited_per_address(make_harness: Any) -> None:
    h: Harness = await make_harness(join_limit=3)
    for name in ("a", "b", "c"):
        await h.join(name)
    r = await h.client.post("/api/join", json={"code": h.session.code, "name": "d"})
    refusal(r, 429, "rate_limited")
    await h.client.aclose()


async def test_a_class_of_200_behind_one_address_joins_within_the_default_limit(
    make_harness: Any,
) -> None:
    h: Harness = await make_harness()  # the defaults `quiz class host` uses
    for i in range(200):
        await h.join(f"student {i}")
    assert len(h.session.students) == 200
    await h.client.aclose()


async def test_wrong_codes_are_limited_much_more_tightly(make_harness: Any) -> None:
    from quiz.classroom.server import BAD_CODE_LIMIT

    h: Harness = await make_harness()
    wrong = "ZZZZZZ" if h.session.code != "ZZZZZZ" else "YYYYYY"
    for _ in range(BAD_CODE_LIMIT):
        r = await h.client.post("/api/join", json={"code": wrong, "name": "x"})
        refusal(r, 403, "bad_code")
    # A code guesser is stopped (about 20 tries a minute: years for 31^6 codes) ...
    r = await h.client.post("/api/join", json={"code": wrong, "name": "x"})
    refusal(r, 429, "rate_limited")
    # ... and so is everyone at that address, until the bucket refills.
    r = await h.client.post("/api/join", json={"code": h.session.code, "name": "y"})
    refusal(r, 429, "rate_limited")
    await h.client.aclose()


async def test_the_browser_address_header_is_ignored_without_web(make_harness: Any) -> None:
    h: Harness = await make_harness(join_limit=2)
    for i in range(2):
        r = await h.client.post(
            "/api/join",
            json={"code": h.session.code, "name": f"n{i}"},
            headers={"X-Quiz-Browser-Address": f"10.1.1.{i}"},
        )
        assert r.status_code == 200
    r = await h.client.post(
        "/api/join",
        json={"code": h.session.code, "name": "n9"},
        headers={"X-Quiz-Browser-Address": "10.1.1.9"},
    )
    refusal(r, 429, "rate_limited")
    await h.client.aclose()


async def test_request_bodies_are_size_limited(live: Harness) -> None:
    token = await live.join("Ada")
    await live.control("open")
    r = await live.answer_raw(token, "mc", "x" * 20_000)
    refusal(r, 413, "too_large")
    assert live.session.answers == {}


# -- tokens --------------------------------------------------------------------------------


async def test_token_refusals(live: Harness) -> None:
    token = await live.join("Ada")
    get = live.client.get
    refusal(await get("/api/state"), 401, "no_token")
    refusal(await get("/api/state", headers=live.auth("nope")), 401, "bad_token")
    refusal(await get("/api/state", headers=live.auth(live.teacher)), 403, "not_a_student")
    for action in ("open", "close", "reveal", "end"):
        r = await live.client.post(f"/api/teacher/{action}", headers=live.auth(token))
        refusal(r, 403, "forbidden")
    refusal(await get("/api/results", headers=live.auth(token)), 403, "forbidden")
    refusal(await get("/api/teacher/state"), 401, "no_token")
    assert live.session.phase == "lobby"


# -- answering (live) ----------------------------------------------------------------------


async def test_answer_is_accepted_once_and_a_retry_is_not_counted_twice(live: Harness) -> None:
    token = await live.join("Ada")
    await live.control("open")
    first = await live.answer(token, "mc", 0)
    assert first.status_code == 200
    assert first.json() == {"accepted": True, "duplicate": False, "result": None, "revealed": None}
    again = await live.answer(token, "mc", 0)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    refusal(await live.answer(token, "mc", 1), 409, "already_answered")
    stored = live.db.load(live.session.id).answers
    assert [(a.question_id, a.answer) for a in stored] == [("mc", 0)]


async def test_answer_refusals(live: Harness) -> None:
    token = await live.join("Ada")
    refusal(await live.answer(token, "mc", 0), 409, "not_open")
    await live.control("open")
    refusal(await live.answer(token, "ms", [0]), 409, "not_current")
    refusal(await live.answer_raw(token, "nope", 0), 409, "not_current")
    refusal(await live.answer_raw(token, "mc", 9), 422, "bad_answer")
    refusal(await live.answer_raw(token, "mc", "Heart"), 422, "bad_answer")
    # A bank position is not an answer any more: only the ids this student was shown are.
    refusal(await live.answer_raw(token, "mc", 0), 422, "bad_answer")
    other = await live.join("Bo")
    other_ids = [c["id"] for c in (await live.state(other))["question"]["choices"]]
    mine = [c["id"] for c in (await live.state(token))["question"]["choices"]]
    assert not set(other_ids) & set(mine)
    refusal(await live.answer_raw(token, "mc", other_ids[0]), 422, "bad_answer")
    r = await live.client.post("/api/answer", headers=live.auth(token), json={"answer": 0})
    refusal(r, 422, "invalid_request")
    await live.control("close")
    refusal(await live.answer(token, "mc", 0), 409, "closed")
    await live.control("open")
    live.clock.advance(31)  # the time limit is 30 s
    refusal(await live.answer(token, "ms", [0]), 409, "past_deadline")
    await live.control("end")
    refusal(await live.answer(token, "ms", [0]), 409, "session_ended")
    assert live.db.load(live.session.id).answers == []


async def test_deadline_is_server_time_and_closes_the_question(live: Harness) -> None:
    token = await live.join("Ada")
    await live.control("open")
    state = await live.state(token)
    assert state["seconds_left"] == 30.0
    assert state["deadline"].startswith("2030-01-01T09:00:30")
    live.clock.advance(10)
    assert (await live.state(token))["seconds_left"] == 20.0
    live.clock.advance(25)
    assert live.session.tick() is True
    assert (await live.state(token))["phase"] == "closed"


async def test_reveal_shows_key_result_and_distribution(live: Harness) -> None:
    tokens = [await live.join(n) for n in ("A", "B", "C")]
    await live.control("open")
    for token, choice in zip(tokens, (0, 1, 1), strict=True):
        assert (await live.answer(token, "mc", choice)).status_code == 200
    t = (await live.control("reveal")).json()
    assert t["phase"] == "revealed"
    assert [(d["label"], d["count"], d["correct"]) for d in t["distribution"]] == [
        ("Heart", 1, True),
        ("Liver", 2, False),
        ("Lung", 0, False),
        ("Skin", 0, False),
    ]
    s = await live.state(tokens[1])
    assert s["phase"] == "revealed"
    assert s["revealed"]["choices"][0]["correct"] is True
    assert s["result"]["outcome"] == "incorrect" and s["result"]["score"] == 0
    assert s["result"]["correct_answer"] == "Heart"
    assert s["result"]["explanation"] == "The heart is a pump."
    assert (await live.state(tokens[0]))["score"] == 1.0
    refusal(await live.answer(tokens[2], "mc", 0), 409, "already_answered")


async def test_teacher_control_refusals(live: Harness) -> None:
    refusal(await live.control("close"), 409, "not_open")
    refusal(await live.control("reveal"), 409, "not_open")
    refusal(await live.control("open", index=9), 409, "no_more_questions")
    refusal(await live.control("open", index="x"), 422, "invalid_request")
    for _ in range(9):
        assert (await live.control("open")).status_code == 200
    refusal(await live.control("open"), 409, "no_more_questions")
    assert (await live.control("end")).status_code == 200
    refusal(await live.control("end"), 409, "session_ended")
    refusal(await live.control("open"), 409, "session_ended")


async def test_leaderboard_orders_by_score_and_moves_only_at_the_reveal(live: Harness) -> None:
    a, b = await live.join("A"), await live.join("B")
    await live.control("open")
    live.clock.advance(1)
    await live.answer(a, "mc", 1)
    live.clock.advance(1)
    await live.answer(b, "mc", 0)

    async def roster() -> list[tuple[str, float, int, bool]]:
        r = await live.client.get("/api/teacher/state", headers=live.auth(live.teacher))
        return [
            (e["name"], e["score"], e["time_ms"], e["answered_current"]) for e in r.json()["roster"]
        ]

    # While the question is open (and once closed) the projected board says who answered,
    # never who was right: same scores, same times, ordered by name.
    assert await roster() == [("A", 0.0, 0, True), ("B", 0.0, 0, True)]
    await live.control("close")
    assert await roster() == [("A", 0.0, 0, True), ("B", 0.0, 0, True)]
    await live.control("reveal")
    assert await roster() == [("B", 1.0, 2000, True), ("A", 0.0, 1000, True)]


# -- self-paced ----------------------------------------------------------------------------


async def test_self_paced_practice_gives_feedback_after_each_answer_and_moves_on(
    make_harness: Any,
) -> None:
    selfpaced: Harness = await make_harness("self-paced", 600.0, feedback="immediate")
    token = await selfpaced.join("Ada")
    refusal(await selfpaced.answer(token, "mc", 0), 409, "not_open")
    await selfpaced.control("open")
    s = await selfpaced.state(token)
    assert s["phase"] == "open" and s["question"]["id"] == "mc" and s["seconds_left"] == 600
    r = (await selfpaced.answer(token, "mc", 1)).json()
    assert r["result"]["outcome"] == "incorrect"
    assert r["result"]["correct_answer"] == "Heart"
    assert r["result"]["feedback"] == ["No, the liver filters"]
    assert (await selfpaced.state(token))["question"]["id"] == "ms"
    for qid in list(RIGHT)[1:]:
        assert (await selfpaced.answer(token, qid, RIGHT[qid])).status_code == 200
    s = await selfpaced.state(token)
    assert s["phase"] == "finished" and s["question"] is None and s["score"] == 8.0
    # A retry of an earlier answer is acknowledged without counting it again.
    again = (await selfpaced.answer_raw(token, "mc", r["result"]["answer"])).json()
    assert again["error"] == "already_answered"  # a different answer is not a retry
    assert len(selfpaced.db.load(selfpaced.session.id).answers) == 9
    t = await selfpaced.client.get("/api/teacher/state", headers=selfpaced.auth(selfpaced.teacher))
    assert t.json()["feedback"] == "immediate" and t.json()["roster"][0]["score"] == 8.0
    await selfpaced.client.aclose()


async def test_self_paced_graded_shows_right_or_wrong_only_until_the_end(
    selfpaced: Harness,
) -> None:
    token = await selfpaced.join("Ada")
    await selfpaced.control("open")
    r = (await selfpaced.answer(token, "mc", 1)).json()
    assert r["revealed"] is None
    result = r["result"]
    assert result["outcome"] == "incorrect" and result["score"] == 0
    assert result["correct_answer"] is None and result["explanation"] is None
    assert result["feedback"] == [] and result["answer"] is None
    text = json.dumps(r) + json.dumps(await selfpaced.state(token))
    for secret in ("Heart", "liver filters", "heart is a pump"):
        assert secret not in text
    teacher = selfpaced.auth(selfpaced.teacher)
    t = (await selfpaced.client.get("/api/teacher/state", headers=teacher)).json()
    assert t["feedback"] == "end"
    assert [(e["score"], e["answered"]) for e in t["roster"]] == [(0.0, 1)]
    await selfpaced.answer(token, "ms", RIGHT["ms"])
    await selfpaced.control("end")
    s = await selfpaced.state(token)
    review = {item["question"]["id"]: item for item in s["review"]}
    assert review["mc"]["result"]["correct_answer"] == "Heart"
    assert review["mc"]["result"]["explanation"] == "The heart is a pump."
    assert review["ms"]["result"]["outcome"] == "correct"
    assert review["tf"]["result"] is None
    t = (await selfpaced.client.get("/api/teacher/state", headers=teacher)).json()
    assert [e["score"] for e in t["roster"]] == [1.0]


async def test_self_paced_time_limit(selfpaced: Harness) -> None:
    token = await selfpaced.join("Ada")
    await selfpaced.control("open")
    selfpaced.clock.advance(601)
    refusal(await selfpaced.answer(token, "mc", 0), 409, "past_deadline")
    refusal(await selfpaced.control("reveal"), 409, "not_live")


# -- results, resume, OpenAPI --------------------------------------------------------------


async def test_results_report_scores_and_item_analysis(live: Harness) -> None:
    a, b = await live.join("A"), await live.join("B")
    await live.control("open")
    live.clock.advance(2)
    await live.answer(a, "mc", 0)
    live.clock.advance(3)
    await live.answer(b, "mc", 2)
    await live.control("reveal")
    r = await live.client.get("/api/results", headers=live.auth(live.teacher))
    assert r.status_code == 200
    rep = r.json()
    assert [(s["name"], s["score"], s["time_ms"]) for s in rep["students"]] == [
        ("A", 1.0, 2000),
        ("B", 0.0, 5000),
    ]
    mc = rep["questions"][0]
    assert mc["facility"] == 0.5 and mc["discrimination"] == 1.0
    assert [d["count"] for d in mc["distribution"]] == [1, 0, 1, 0]
    assert rep["questions"][1]["asked"] is False


async def test_resume_keeps_answers_and_student_tokens(live: Harness, clock: FakeClock) -> None:
    a = await live.join("A")
    await live.control("open")
    await live.answer(a, "mc", 0)
    old_teacher = live.teacher
    resumed, teacher = ClassSession.resume(live.db, live.session.id, clock=clock)
    assert resumed.code == live.session.code and resumed.phase == "open"
    assert list(resumed.answers) == [(1, "mc")]
    assert resumed.student_for(a) is not None
    assert resumed.is_teacher(teacher) and not resumed.is_teacher(old_teacher)
    import httpx

    from quiz.classroom.server import create_app

    app = create_app(resumed)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        h = {"Authorization": f"Bearer {a}"}
        shown = (await client.get("/api/state", headers=h)).json()["question"]
        # The same display (order and ids) after the restart: the student's screen stays valid.
        assert shown == live.session.view(0, live.session.students[1]).public.model_dump()
        heart = next(c["id"] for c in shown["choices"] if c["text"] == "Heart")
        r = await client.post("/api/answer", headers=h, json={"question_id": "mc", "answer": heart})
        assert r.json()["duplicate"] is True
        r = await client.post("/api/teacher/open", headers={"Authorization": f"Bearer {teacher}"})
        assert r.json()["index"] == 1


async def test_openapi_documents_every_endpoint(live: Harness) -> None:
    doc = (await live.client.get("/openapi.json")).json()
    paths = doc["paths"]
    for path in (
        "/api/join",
        "/api/state",
        "/api/answer",
        "/api/events",
        "/api/results",
        "/api/teacher/open",
        "/api/teacher/close",
        "/api/teacher/reveal",
        "/api/teacher/end",
    ):
        assert path in paths
    for name in ("JoinRequest", "JoinResponse", "StudentState", "AnswerRequest", "Refusal"):
        assert name in doc["components"]["schemas"]
