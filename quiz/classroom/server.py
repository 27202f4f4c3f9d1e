"""The session server: a FastAPI app over one `ClassSession`, plus a uvicorn runner.

Imported only by `quiz class host` and the tests (fastapi and uvicorn are heavy).
Tokens travel as `Authorization: Bearer <token>`. Refusals are JSON `Refusal` bodies with a
stable `error` code. Live updates are server-sent events on `GET /api/events`: every event
carries the caller's whole state, so clients never poll.
"""

import asyncio
import json
import signal
import socket
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib import resources
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from quiz.classroom.analysis import Report, build_report
from quiz.classroom.db import hash_token
from quiz.classroom.models import (
    AcceptRequest,
    AnswerRequest,
    AnswerResponse,
    ControlRequest,
    JoinRequest,
    JoinResponse,
    Refusal,
    StudentRequest,
    StudentState,
    TeacherState,
)
from quiz.classroom.state import ClassSession, Refused, Student

#: Largest request body accepted (bytes); answers are small.
MAX_BODY = 16 * 1024
#: Joins allowed per client address per minute (a burst of this many, refilled steadily):
#: a class of 200 behind one school NAT joins within the first minute.
JOIN_LIMIT = 240
#: Wrong join codes allowed per client address per minute: a code guesser needs years for
#: 31**6 codes; a class that mistypes now and then never notices.
BAD_CODE_LIMIT = 20
#: Static files of the browser client (shipped in the wheel; nothing is fetched elsewhere).
STATIC_FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/static/style.css": ("style.css", "text/css; charset=utf-8"),
}
#: Headers of every page and file of the browser client: only this origin's own files,
#: never framed, no referrer.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-cache",
}
#: Seconds between keep-alive comments on an idle event stream.
KEEPALIVE = 15.0
#: Event streams one token may hold at once (a reload briefly holds two).
STREAMS_PER_TOKEN = 3
#: Event-stream snapshots sent per turn of the event loop after a change (see `Notifier.pace`).
PACE = 25
#: File descriptors kept free for the database, logs and the listening socket.
FD_RESERVE = 64


def raise_open_file_limit() -> int:
    """Raise this process's soft open-file limit to its hard limit; returns the soft limit.

    Every student holds one or two connections (the event stream and an answer); the soft
    limit is often 256 (macOS) or 1024 (Linux), far below what a class needs.
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return 512
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    # macOS reports an unlimited hard limit but refuses more than OPEN_MAX (10240).
    target = hard if hard != resource.RLIM_INFINITY else 10240
    target = min(target, 1 << 20)
    if target > soft:
        for value in (target, 10240, 4096):
            if value <= soft:
                break
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (value, hard))
                soft = value
                break
            except (ValueError, OSError):
                continue
    return int(soft)


def connection_budget(soft_limit: int) -> int:
    """How many connections the server takes before answering 503: the open-file limit
    less what is already open and a reserve, so it never runs out of descriptors."""
    try:
        import os

        in_use = len(os.listdir("/proc/self/fd" if os.path.isdir("/proc/self/fd") else "/dev/fd"))
    except OSError:
        in_use = 32
    return max(16, soft_limit - in_use - FD_RESERVE)


_REFUSALS: dict[int | str, dict[str, Any]] = {
    code: {"model": Refusal} for code in (401, 403, 404, 409, 410, 413, 422, 429)
}


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header, or a 401 refusal."""
    scheme, _, token = (authorization or "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Refused(401, "no_token", "send your token as 'Authorization: Bearer <token>'")
    return token


def student_of(session: ClassSession, token: str) -> Student:
    """The student a token belongs to, or the refusal that says why not."""
    found = session.student_for(token)
    if found is None:
        if session.is_teacher(token):
            raise Refused(403, "not_a_student", "that is the teacher's token")
        if session.was_removed(token):
            raise Refused(401, "removed", "the teacher removed you from this session")
        raise Refused(401, "bad_token", "unknown token; join the session first")
    return found


def refusal_body(exc: Refused) -> bytes:
    """The JSON body of a refusal."""
    return Refusal(error=exc.error, message=exc.message).model_dump_json().encode()


#: Pydantic's error types for a body that is not an object at all.
_NOT_AN_OBJECT = frozenset({"model_type", "model_attributes_type", "dict_type"})


def _is_json(content_type: str | None) -> bool:
    # FastAPI's rule: no content type, or application/json or application/*+json.
    if not content_type:
        return True
    kind = content_type.split(";", 1)[0].strip().lower()
    main, _, sub = kind.partition("/")
    return main == "application" and (sub == "json" or sub.endswith("+json"))


def validation_message(errors: Any) -> str:
    """One line naming up to five invalid fields of a request body."""
    parts = []
    for err in list(errors)[:5]:
        at_root = all(p == "body" for p in err.get("loc", ()))
        if err.get("type") in _NOT_AN_OBJECT and at_root:
            parts.append("body: should be a JSON object (Content-Type: application/json)")
            continue
        if err.get("type") == "json_invalid":
            at = [p for p in err.get("loc", ()) if isinstance(p, int)]
            where = f" (at character {at[0]})" if at else ""
            parts.append(f"body: not valid JSON{where}")
            continue
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
        parts.append(f"{where or 'body'}: {err.get('msg', 'invalid')}")
    return "; ".join(parts)


class HotPaths:
    """ASGI middleware answering the two requests every student sends for every question,
    `GET /api/state` and `POST /api/answer`, without FastAPI's routing, dependency solving
    and response re-validation (about half of the host's time per request under a class's
    load). The same functions as the FastAPI routes decide; those routes stay for the API
    document and for apps built without this middleware (a test compares the two)."""

    def __init__(self, app: ASGIApp, session: ClassSession) -> None:
        self.app = app
        self.session = session

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path, method = scope["path"], scope["method"]
            if path == "/api/state" and method == "GET":
                await self._respond(send, lambda: self._state(scope))
                return
            if path == "/api/answer" and method == "POST":
                body = await _read_body(receive)
                await self._respond(send, lambda: self._answer(scope, body))
                return
        await self.app(scope, receive, send)

    @staticmethod
    def _header(scope: Scope, wanted: bytes) -> str | None:
        for name, value in scope["headers"]:
            if name == wanted:
                return str(value.decode("latin-1"))
        return None

    def _me(self, scope: Scope) -> Student:
        return student_of(self.session, bearer_token(self._header(scope, b"authorization")))

    def _state(self, scope: Scope) -> bytes:
        return self.session.student_state(self._me(scope)).model_dump_json().encode()

    def _answer(self, scope: Scope, body: bytes) -> bytes:
        me = self._me(scope)
        # Parsed in the routes' steps (JSON, then the model) so refusals read the same.
        if not body:
            errors: list[Any] = [{"type": "missing", "loc": ("body",), "msg": "Field required"}]
            raise Refused(422, "invalid_request", validation_message(errors))
        if not _is_json(self._header(scope, b"content-type")):
            errors = [{"type": "model_attributes_type", "loc": ("body",), "msg": "not JSON"}]
            raise Refused(422, "invalid_request", validation_message(errors))
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            pos = exc.pos if isinstance(exc, json.JSONDecodeError) else 0
            errors = [{"type": "json_invalid", "loc": ("body", pos), "msg": "JSON decode error"}]
            raise Refused(422, "invalid_request", validation_message(errors)) from None
        try:
            req = AnswerRequest.model_validate(data)
        except ValidationError as exc:
            raise Refused(422, "invalid_request", validation_message(exc.errors())) from None
        return self.session.answer(me, req.question_id, req.answer).model_dump_json().encode()

    @staticmethod
    async def _respond(send: Send, make: Callable[[], bytes]) -> None:
        try:
            status, body = 200, make()
        except Refused as exc:
            status, body = exc.status, refusal_body(exc)
        await _send_json(send, status, body)


async def _send_json(
    send: Send, status: int, body: bytes, extra: tuple[tuple[bytes, bytes], ...] = ()
) -> None:
    """A whole JSON response from an ASGI middleware (a refusal, or a hot path's reply)."""
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    await send({"type": "http.response.start", "status": status, "headers": [*headers, *extra]})
    await send({"type": "http.response.body", "body": body})


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


class Notifier:
    """Wakes event streams when the session changes; `close` ends them all (shutdown)."""

    def __init__(self) -> None:
        self.closing = False
        self._event: asyncio.Event | None = None
        self._woken = 0

    def bump(self) -> None:
        """Wake every waiter (call on the server's loop)."""
        if self._event is not None:
            self._event.set()
            self._event = None
        self._woken = 0

    async def wait(self, timeout: float) -> bool:
        """Wait for the next change; False on timeout."""
        if self._event is None:
            self._event = asyncio.Event()
        try:
            await asyncio.wait_for(self._event.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def pace(self) -> None:
        """Let the streams woken by one change go out in groups of `PACE`, one group per
        turn of the event loop, so answers that arrive meanwhile are not queued behind a
        whole class's snapshots (500 of them take about 100 ms)."""
        turn = self._woken // PACE
        self._woken += 1
        for _ in range(turn):
            await asyncio.sleep(0)

    def close(self) -> None:
        """End every stream."""
        self.closing = True
        self.bump()


class RateLimiter:
    """A token bucket per client address."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def has(self, address: str) -> bool:
        """Whether `address` has a token left (without taking it)."""
        now = self.clock()
        tokens, last = self._buckets.get(address, (self.capacity, now))
        return min(self.capacity, tokens + (now - last) * self.rate) >= 1.0

    def allow(self, address: str) -> bool:
        """Take one token for `address`; False when its bucket is empty."""
        now = self.clock()
        tokens, last = self._buckets.get(address, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - last) * self.rate)
        if tokens < 1.0:
            self._buckets[address] = (tokens, now)
            return False
        self._buckets[address] = (tokens - 1.0, now)
        return True


class BodyLimit:
    """ASGI middleware refusing request bodies over `limit` bytes with 413."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await _too_large(send, self.limit)
                return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await _too_large(send, self.limit)


class _TooLarge(Exception):
    pass


class Capacity:
    """ASGI middleware: past `limit` open requests (event streams count while open), a new
    one gets a clear 503 with Retry-After instead of the server running out of files.

    The teacher (`exempt(token)`) always gets through, so a full class can still be run."""

    def __init__(
        self, app: ASGIApp, limit: int, exempt: Callable[[str], bool] | None = None
    ) -> None:
        self.app = app
        self.limit = limit
        self.exempt = exempt
        self.active = 0

    def _exempt(self, scope: Scope) -> bool:
        if self.exempt is None:
            return False
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                scheme, _, token = value.decode("latin-1").partition(" ")
                return scheme.lower() == "bearer" and self.exempt(token.strip())
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.active >= self.limit and not self._exempt(scope):
            busy = Refused(
                503,
                "busy",
                f"the classroom server is at capacity ({self.limit} connections); "
                "try again in a few seconds",
            )
            await _send_json(send, 503, refusal_body(busy), ((b"retry-after", b"5"),))
            return
        self.active += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.active -= 1


class SameOrigin:
    """ASGI middleware: a request a browser sends from another site's page is refused (403).

    Browsers send `Origin` with cross-site requests (and with every POST); this server's
    own page sends its own. Websockets are refused outright: the classroom has none, so a
    foreign page cannot open one (nor start anything) here.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] == "http":
            headers = dict(scope.get("headers", []))
            origin = headers.get(b"origin")
            host = headers.get(b"host", b"")
            if origin is not None and origin.split(b"://", 1)[-1] != host:
                foreign = Refused(403, "foreign_origin", "requests from other sites are refused")
                await _send_json(send, 403, refusal_body(foreign))
                return
        await self.app(scope, receive, send)


async def _too_large(send: Send, limit: int) -> None:
    too_large = Refused(413, "too_large", f"request bodies are limited to {limit} bytes")
    await _send_json(send, 413, refusal_body(too_large))


def create_app(
    session: ClassSession,
    *,
    join_limit: int = JOIN_LIMIT,
    bad_code_limit: int = BAD_CODE_LIMIT,
    max_body: int = MAX_BODY,
    tick_interval: float = 0.2,
    notifier: Notifier | None = None,
    lease: Callable[[], None] | None = None,
    lease_interval: float = 5.0,
    max_connections: int | None = None,
    streams_per_token: int = STREAMS_PER_TOKEN,
    hot_paths: bool = True,
) -> FastAPI:
    """The API for one session. The app's lifespan runs the deadline ticker (and renews the
    host's lease on the session with `lease`, every `lease_interval` seconds)."""
    everyone = notifier or Notifier()
    teacher_changes = Notifier()
    limiter = RateLimiter(join_limit)
    bad_codes = RateLimiter(bad_code_limit)
    #: Open event streams per token hash.
    streams: dict[str, int] = {}

    def on_change(for_everyone: bool) -> None:
        teacher_changes.bump()
        if for_everyone:
            everyone.bump()

    session.on_change = on_change

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async def ticker() -> None:
            renewed = time.monotonic()
            while True:
                session.tick()
                if lease is not None and time.monotonic() - renewed >= lease_interval:
                    lease()
                    renewed = time.monotonic()
                await asyncio.sleep(tick_interval)

        app.state.loop = asyncio.get_running_loop()
        task = asyncio.create_task(ticker())
        try:
            yield
        finally:
            everyone.close()
            teacher_changes.close()
            task.cancel()

    app = FastAPI(
        title="quiz classroom",
        version="1",
        lifespan=lifespan,
        description="One live or self-paced classroom session of `quiz`.",
    )
    app.state.session = session
    app.state.notifier = everyone
    app.state.teacher_notifier = teacher_changes
    bearer = HTTPBearer(auto_error=False)
    Creds = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused) -> Response:
        return Response(refusal_body(exc), status_code=exc.status, media_type="application/json")

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        body = Refusal(error="invalid_request", message=validation_message(exc.errors()))
        return JSONResponse(body.model_dump(), status_code=422)

    def token_of(creds: HTTPAuthorizationCredentials | None) -> str:
        if creds is None:
            return bearer_token(None)
        return bearer_token(f"{creds.scheme} {creds.credentials}")

    # Dependencies are async: FastAPI runs plain functions in a worker thread, a thread hop
    # per request for a dictionary lookup.
    async def student(creds: Creds) -> Student:
        return student_of(session, token_of(creds))

    async def teacher(creds: Creds) -> None:
        token = token_of(creds)
        if not session.is_teacher(token):
            if session.student_for(token) is not None:
                raise Refused(403, "forbidden", "only the teacher may do that")
            raise Refused(401, "bad_token", "unknown token")

    Me = Annotated[Student, Depends(student)]

    @app.post("/api/join", response_model=JoinResponse, responses=_REFUSALS)
    async def join(body: JoinRequest, request: Request) -> JoinResponse:
        """Join with the session's code and a display name; returns the student token."""
        address = request.client.host if request.client else "unknown"
        if not bad_codes.has(address) or not limiter.allow(address):
            raise Refused(429, "rate_limited", "too many joins from your address; wait a minute")
        try:
            st, token = session.join(body.code, body.name)
        except Refused as exc:
            if exc.error == "bad_code":
                bad_codes.allow(address)
            raise
        return JoinResponse(
            student_token=token,
            student_id=st.id,
            name=st.name,
            session=session.id,
            mode=session.mode,
            title=session.title,
            bank_id=session.bank_id,
        )

    @app.get("/api/state", response_model=StudentState, responses=_REFUSALS)
    async def state(me: Me) -> StudentState:
        """The student's state: phase, the current question without its key, deadline."""
        return session.student_state(me)

    @app.post("/api/answer", response_model=AnswerResponse, responses=_REFUSALS)
    async def answer(body: AnswerRequest, me: Me) -> AnswerResponse:
        """Answer the current question; a retry of the same answer is not counted twice."""
        return session.answer(me, body.question_id, body.answer)

    @app.get("/api/events", responses=_REFUSALS)
    async def events(creds: Creds) -> StreamingResponse:
        """Server-sent events: `event: state` with the caller's whole state on every change."""
        token = token_of(creds)
        me = session.student_for(token)
        is_teacher = me is None and session.is_teacher(token)
        if me is None and not is_teacher:
            if session.was_removed(token):
                raise Refused(401, "removed", "the teacher removed you from this session")
            raise Refused(401, "bad_token", "unknown token")
        source = teacher_changes if is_teacher else everyone
        key = hash_token(token)
        if streams.get(key, 0) >= streams_per_token:
            raise Refused(
                429,
                "too_many_streams",
                f"this token already has {streams_per_token} open event streams; close one",
            )
        streams[key] = streams.get(key, 0) + 1

        def snapshot() -> str:
            if me is not None:
                return session.student_state(me).model_dump_json()
            return session.teacher_state().model_dump_json()

        async def stream() -> AsyncIterator[bytes]:
            try:
                async for chunk in updates():
                    yield chunk
            finally:
                streams[key] -= 1
                if not streams[key]:
                    del streams[key]

        async def updates() -> AsyncIterator[bytes]:
            yield f"event: state\ndata: {snapshot()}\n\n".encode()
            while not source.closing:
                changed = await source.wait(KEEPALIVE)
                if source.closing:
                    break
                if me is not None and me.removed_at is not None:
                    break  # removed by the teacher: a reconnect is told why
                if not changed:
                    yield b": ping\n\n"
                    continue
                if is_teacher:
                    # Coalesce a burst of answers into one update.
                    await asyncio.sleep(0.1)
                else:
                    await source.pace()
                yield f"event: state\ndata: {snapshot()}\n\n".encode()
            yield b"event: bye\ndata: {}\n\n"

        return StreamingResponse(
            stream(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    @app.get(
        "/api/teacher/state",
        response_model=TeacherState,
        responses=_REFUSALS,
        dependencies=[Depends(teacher)],
    )
    async def teacher_state() -> TeacherState:
        """The dashboard's view: roster, leaderboard, the current question with its key."""
        return session.teacher_state()

    def control(
        name: str, action: Callable[[ControlRequest], None], doc: str
    ) -> Callable[..., Awaitable[TeacherState]]:
        async def endpoint(body: ControlRequest | None = None) -> TeacherState:
            action(body or ControlRequest())
            return session.teacher_state()

        endpoint.__doc__ = doc
        endpoint.__name__ = f"teacher_{name}"
        app.post(
            f"/api/teacher/{name}",
            response_model=TeacherState,
            responses=_REFUSALS,
            dependencies=[Depends(teacher)],
        )(endpoint)
        return endpoint

    control(
        "open",
        lambda b: session.open(b.index),
        "Live: open the next question (or `index`). Self-paced: start the session.",
    )
    control("close", lambda b: session.close(), "Stop accepting answers.")
    control("reveal", lambda b: session.reveal(), "Live: show the answer and distribution.")
    control("end", lambda b: session.end(), "End the session.")

    @app.post(
        "/api/teacher/remove",
        response_model=TeacherState,
        responses=_REFUSALS,
        dependencies=[Depends(teacher)],
    )
    async def teacher_remove(body: StudentRequest) -> TeacherState:
        """Remove a student: their token stops working, their name is free again and their
        answers leave the leaderboard and the report."""
        session.remove(body.student_id)
        return session.teacher_state()

    @app.post(
        "/api/teacher/readmit",
        response_model=TeacherState,
        responses=_REFUSALS,
        dependencies=[Depends(teacher)],
    )
    async def teacher_readmit(body: StudentRequest) -> TeacherState:
        """Let the next join with this student's name continue as them (lost token)."""
        session.readmit(body.student_id)
        return session.teacher_state()

    @app.post(
        "/api/teacher/accept",
        response_model=TeacherState,
        responses=_REFUSALS,
        dependencies=[Depends(teacher)],
    )
    async def teacher_accept(body: AcceptRequest) -> TeacherState:
        """Accept a typed answer (a label of the distribution) as right for everyone who gave
        it, once the question is revealed or the session has ended; students are re-graded."""
        session.accept(body.question_id, body.answer)
        return session.teacher_state()

    @app.get(
        "/api/results", response_model=Report, responses=_REFUSALS, dependencies=[Depends(teacher)]
    )
    async def results() -> Report:
        """Scores per student and item analysis per question, so far."""
        return build_report(session.db.load(session.id))

    pages = {
        path: (resources.files("quiz.classroom").joinpath("static", name).read_bytes(), kind)
        for path, (name, kind) in STATIC_FILES.items()
    }

    def page(path: str) -> Callable[[], Awaitable[Response]]:
        body, kind = pages[path]

        async def serve() -> Response:
            return Response(body, media_type=kind, headers=PAGE_HEADERS)

        serve.__name__ = "page_" + path.strip("/").replace("/", "_").replace(".", "_")
        return serve

    for path in pages:
        app.get(path, include_in_schema=False)(page(path))

    if hot_paths:
        app.add_middleware(HotPaths, session=session)
    app.add_middleware(BodyLimit, limit=max_body)
    app.add_middleware(SameOrigin)
    if max_connections is not None:
        app.add_middleware(Capacity, limit=max_connections, exempt=session.is_teacher)
    return app


def _close_streams(app: Any) -> None:
    """End the event streams from any thread, so uvicorn's shutdown does not wait on them."""
    state = getattr(app, "state", None)
    loop = getattr(state, "loop", None)
    if loop is None or loop.is_closed():
        return
    for name in ("notifier", "teacher_notifier"):
        notifier = getattr(state, name, None)
        if notifier is not None:
            loop.call_soon_threadsafe(notifier.close)


def make_server(app: FastAPI, host: str, port: int, limit_concurrency: int | None = None) -> Any:
    """A uvicorn server whose exit (signal or `should_exit`) first ends the event streams.

    `limit_concurrency` (open connections, idle ones included) is the backstop behind the
    app's own `Capacity` check: uvicorn answers a plain 503 past it."""
    import uvicorn

    class _Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: Any) -> None:
            # A requested stop, not a crash: shut down and exit 0 (uvicorn would re-raise the
            # signal after shutting down).
            _close_streams(app)
            if self.should_exit and sig == signal.SIGINT:
                self.force_exit = True
            self.should_exit = True

    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=2,
        limit_concurrency=limit_concurrency,
        # Students are idle between questions: uvicorn's 5 s default closed their connections
        # just as some answered (a reset the client must retry; 65 in a 500-student run).
        timeout_keep_alive=30,
    )
    return _Server(config)


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening socket for the server, bound before anything else is set up.

    Raises OSError with the reason (port in use, address not available) so the caller can
    report it plainly instead of uvicorn's exit from inside its loop.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only on sockets that say they are
    # TCP; without it a response written in two parts waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


class ServerThread:
    """uvicorn serving an app in a worker thread, with a clean stop (used by the dashboard)."""

    def __init__(
        self,
        app: FastAPI,
        host: str,
        port: int,
        sock: socket.socket | None = None,
        limit_concurrency: int | None = None,
    ) -> None:
        self.app = app
        self.sock = sock or bind_socket(host, port)
        self.port = int(self.sock.getsockname()[1])
        self.server = make_server(app, host, self.port, limit_concurrency)
        self.thread = threading.Thread(target=self._run, name="classroom-server", daemon=True)
        self.error: BaseException | None = None

    def _run(self) -> None:
        try:
            self.server.run(sockets=[self.sock])
        except BaseException as exc:  # reported by the caller
            self.error = exc

    def start(self, timeout: float = 10.0) -> None:
        """Start serving; returns once the port is bound (raises if it could not be)."""
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the classroom server did not start: {self.error or 'timeout'}")
            time.sleep(0.02)

    def stop(self) -> None:
        """Ask uvicorn to exit and wait for it."""
        _close_streams(self.app)
        self.server.should_exit = True
        self.thread.join(timeout=5)
        self.sock.close()


def openapi_json(app: FastAPI) -> str:
    """The OpenAPI document (for docs)."""
    return json.dumps(app.openapi(), indent=2)
