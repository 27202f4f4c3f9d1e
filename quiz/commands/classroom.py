"""`quiz class host|join|report|list`: run a bank with a class, live or self-paced.

fastapi, uvicorn, httpx and the Textual screens are imported inside the functions, so
`quiz --help` and the study app never load them.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import random
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quiz.cli import CommandError, UsageError, add_common_options

if TYPE_CHECKING:
    from quiz.classroom.db import ClassroomDB
    from quiz.classroom.state import ClassSession
    from quiz.models import Bank


#: As in quiz.classroom.server (not imported here: fastapi loads only for `quiz class host`).
JOIN_LIMIT = 240
BAD_CODE_LIMIT = 20
#: A host holds its session for this long past its last renewal (every 5 s while it runs).
LEASE_SECONDS = 20.0


def _pid_alive(pid: int) -> bool:
    """Whether a process `pid` runs on this machine."""
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


class HostLease:
    """This process's claim to host one session (a lease in the session database).

    A second `quiz class host --resume` of a session whose host still runs is refused;
    a host that was killed (its process gone) or whose lease ran out is taken over.
    """

    def __init__(self, db: ClassroomDB, session_id: str) -> None:
        import os

        self.db = db
        self.session_id = session_id
        self.pid = os.getpid()
        self.host = socket.gethostname()

    def _until(self) -> Any:
        from datetime import UTC, datetime, timedelta

        return datetime.now(UTC) + timedelta(seconds=LEASE_SECONDS)

    def take(self) -> None:
        """Claim the session, or raise UsageError naming the host that has it."""
        held = self.db.take_host_lease(
            self.session_id, self.pid, self.host, self._until(), alive=_pid_alive
        )
        if held is not None:
            pid, host = held
            raise UsageError(
                f"session {self.session_id} is already hosted by process {pid} on {host}; "
                "stop that host first (q on its dashboard, or Ctrl+C), then --resume it. "
                f"A host that was killed on another machine is taken over {LEASE_SECONDS:.0f} s "
                "after it stopped."
            )

    def renew(self) -> None:
        """Extend the claim (called every few seconds while serving)."""
        self.db.renew_host_lease(self.session_id, self.pid, self._until())

    def release(self) -> None:
        """Give the session up (a clean stop)."""
        self.db.release_host_lease(self.session_id, self.pid)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `quiz class` and its sub-subcommands."""
    p = subparsers.add_parser(
        "class",
        help="run a bank with a class (live or self-paced) and report on it",
        description="Classroom sessions: host one, join one, list them, report on one.",
    )
    sub = p.add_subparsers(dest="class_command", metavar="ACTION", required=True)

    host = sub.add_parser(
        "host",
        help="start a session server and the teacher dashboard",
        description=(
            "Start a classroom session for BANK_ID (a bank id or a bank file) and open the "
            "teacher dashboard. Students join with `quiz class join URL --code CODE`."
        ),
    )
    add_common_options(host)
    host.add_argument("bank", nargs="?", metavar="BANK_ID", help="bank id or bank file")
    host.add_argument("--resume", metavar="SESSION", help="continue a stored session")
    host.add_argument("--count", type=int, metavar="N", help="use N questions of the bank")
    host.add_argument("--mode", choices=("live", "self-paced"), default="live")
    host.add_argument(
        "--feedback",
        choices=("end", "immediate"),
        default="end",
        help="self-paced: show right/wrong only and the answers when the session ends (end, "
        "for graded sessions), or the whole feedback after each answer (immediate, practice)",
    )
    host.add_argument(
        "--time-limit",
        type=float,
        metavar="SECONDS",
        help="per question (live) or for the whole quiz (self-paced)",
    )
    host.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    host.add_argument("--port", type=int, default=8765, help="port to listen on (8765; 0: any)")
    host.add_argument(
        "--no-ui",
        action="store_true",
        help="no dashboard: print one JSON line {url, code, teacher_token, session} and serve",
    )
    host.add_argument(
        "--join-limit",
        type=int,
        default=JOIN_LIMIT,
        metavar="N",
        help=f"joins allowed per client address per minute ({JOIN_LIMIT}: a class behind one "
        f"school address; wrong codes are limited to {BAD_CODE_LIMIT} a minute)",
    )
    host.add_argument("--classroom-db", type=Path, metavar="PATH", help=argparse.SUPPRESS)
    host.set_defaults(func=run_host)

    join = sub.add_parser(
        "join",
        help="join a session as a student",
        description="Join a classroom session; missed questions become review cards.",
    )
    add_common_options(join)
    join.add_argument("url", metavar="URL", help="the session's URL, as the teacher shows it")
    join.add_argument("--code", help="the 6-character join code (asked for if not given)")
    join.add_argument("--name", help="your display name (asked for if not given)")
    join.add_argument(
        "--no-store",
        action="store_true",
        help="do not add missed questions to your local review cards",
    )
    join.set_defaults(func=run_join)

    report = sub.add_parser(
        "report",
        help="scores and item analysis of a session",
        description="Per student: score, answers, time. Per question: facility, "
        "discrimination, distractor counts.",
    )
    add_common_options(report)
    report.add_argument("session", metavar="SESSION", help="session id (or a unique prefix)")
    report.add_argument("--csv", type=Path, metavar="FILE", help="write per-student rows as CSV")
    report.add_argument("--json", action="store_true", help="print the full report as JSON")
    report.add_argument("--classroom-db", type=Path, metavar="PATH", help=argparse.SUPPRESS)
    report.set_defaults(func=run_report)

    lst = sub.add_parser("list", help="list classroom sessions", description="List sessions.")
    add_common_options(lst)
    lst.add_argument("--json", action="store_true", help="print JSON")
    lst.add_argument("--classroom-db", type=Path, metavar="PATH", help=argparse.SUPPRESS)
    lst.set_defaults(func=run_list)


def _db_path(args: argparse.Namespace) -> Path:
    from quiz.classroom.db import default_path

    return Path(getattr(args, "classroom_db", None) or default_path())


def _open_db(args: argparse.Namespace) -> ClassroomDB:
    from quiz.classroom.db import ClassroomDB
    from quiz.store.safety import NotOurFile

    path = _db_path(args)
    try:
        return ClassroomDB(path)
    except NotOurFile as exc:  # not ours: left untouched, and the message says so
        raise CommandError(str(exc)) from None
    except Exception as exc:  # sqlite3.DatabaseError, permissions, a newer schema
        raise CommandError(f"cannot open the classroom database {path}: {exc}") from None


def _find_bank(ref: str) -> Bank:
    from quiz.banks import BankLoadError, load_bank, load_catalog

    path = Path(ref)
    if path.suffix.lower() in (".toml", ".yaml", ".yml", ".json") and path.is_file():
        try:
            return load_bank(path).bank
        except BankLoadError as exc:
            raise UsageError(
                "the bank is invalid:\n" + "\n".join(p.format() for p in exc.problems)
            ) from None
    catalog = load_catalog()
    loaded = catalog.get(ref)
    if loaded is None:
        known = ", ".join(sorted(b.bank.id for b in catalog.banks)) or "none"
        raise UsageError(f"no bank with id {ref!r} (known: {known})")
    return loaded.bank


def _new_session(args: argparse.Namespace, db: ClassroomDB) -> tuple[ClassSession, str]:
    from quiz.classroom.state import ClassSession

    if not args.bank:
        raise UsageError("give a BANK_ID to host, or --resume SESSION")
    bank = _find_bank(args.bank)
    questions = list(bank.questions)
    if args.count is not None:
        if args.count < 1:
            raise UsageError("--count must be at least 1")
        if args.count < len(questions):
            # A random selection, asked in the bank's order.
            keep = set(random.sample(range(len(questions)), args.count))
            questions = [q for i, q in enumerate(questions) if i in keep]
    if args.time_limit is not None and args.time_limit <= 0:
        raise UsageError("--time-limit must be a positive number of seconds")
    return ClassSession.create(
        db,
        bank_id=bank.id,
        title=bank.title,
        questions=questions,
        mode=args.mode,
        time_limit=args.time_limit,
        feedback=args.feedback,
    )


def _public_host(host: str) -> str:
    """The address students should use when the server listens on every interface."""
    if host not in ("0.0.0.0", "::", ""):
        return host
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # no packet is sent; this picks the outgoing interface
            return str(s.getsockname()[0])
    except OSError:
        return socket.gethostname()


def run_host(args: argparse.Namespace) -> int:
    """Start (or resume) a session; serve it with the dashboard, or alone with --no-ui."""
    from quiz.classroom.db import SessionNotFound
    from quiz.classroom.server import (
        connection_budget,
        create_app,
        make_server,
        raise_open_file_limit,
    )
    from quiz.classroom.state import ClassSession

    if args.host in ("0.0.0.0", "::"):
        print(
            f"quiz: warning: listening on {args.host}: anyone who can reach this machine can "
            "join with the code",
            file=sys.stderr,
        )
    if args.join_limit < 1:
        raise UsageError("--join-limit must be at least 1")
    # Each student holds a connection or two: raise the open-file limit first, and answer
    # 503 well before the server could run out.
    budget = connection_budget(raise_open_file_limit())
    lease: HostLease | None = None
    db: ClassroomDB | None = None
    sock: socket.socket | None = None
    try:
        if args.resume:
            if args.bank:
                raise UsageError("give either BANK_ID or --resume SESSION, not both")
            db = _open_db(args)
            try:
                session_id = db.resolve(args.resume)
                # Claimed before anything is changed, so a refused second host leaves the
                # running one (and its teacher token) alone; and before the port, so a second
                # host on the same port hears the real reason (the session is hosted), not
                # only that the port is taken.
                lease = HostLease(db, session_id)
                lease.take()
                sock = _bind(args)
                session, teacher_token = ClassSession.resume(db, session_id)
            except SessionNotFound as exc:
                raise UsageError(str(exc)) from None
        else:
            # The port first: a port in use stores nothing.
            sock = _bind(args)
            db = _open_db(args)
            session, teacher_token = _new_session(args, db)
            lease = HostLease(db, session.id)
            lease.take()
        app = create_app(
            session,
            join_limit=args.join_limit,
            lease=lease.renew,
            max_connections=budget * 9 // 10,
        )
        if args.no_ui:
            server = make_server(app, args.host, int(sock.getsockname()[1]), budget)
            return _serve_headless(server, sock, session, teacher_token, args)
        return _serve_with_dashboard(app, sock, session, teacher_token, args, budget)
    finally:
        if sock is not None:
            sock.close()
        if lease is not None:
            # If the database is gone the lease simply runs out.
            with contextlib.suppress(Exception):
                lease.release()
        if db is not None:
            db.close()


def _bind(args: argparse.Namespace) -> socket.socket:
    """The listening socket, or a UsageError that says what to do when the port is taken."""
    from quiz.classroom.server import bind_socket

    try:
        return bind_socket(args.host, args.port)
    except OSError as exc:
        hint = ""
        if exc.errno == errno.EADDRINUSE:
            hint = (
                " — another program (perhaps another `quiz class host`) uses that port; "
                "stop it, or choose another with --port N (students then use the new URL)"
            )
        raise UsageError(
            f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}{hint}"
        ) from None


def _serve_headless(
    server: Any,
    sock: socket.socket,
    session: ClassSession,
    teacher_token: str,
    args: argparse.Namespace,
) -> int:
    import asyncio

    async def main() -> None:
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            if task.done():
                await task
                raise UsageError(f"the server on {args.host}:{args.port} did not start")
            await asyncio.sleep(0.02)
        port = int(sock.getsockname()[1])
        url = f"http://{_public_host(args.host)}:{port}"
        line: dict[str, Any] = {
            "url": url,
            "code": session.code,
            "teacher_token": teacher_token,
            "session": session.id,
        }
        print(json.dumps(line), flush=True)
        await task

    # uvicorn's choice of loop: uvloop when installed (a class's requests cost less).
    factory = getattr(server.config, "get_loop_factory", lambda: None)()
    with asyncio.Runner(loop_factory=factory) as runner:
        runner.run(main())
    return 0


def _serve_with_dashboard(
    app: Any,
    sock: socket.socket,
    session: ClassSession,
    teacher_token: str,
    args: argparse.Namespace,
    budget: int,
) -> int:
    from quiz.classroom.dashboard import DashboardApp
    from quiz.classroom.server import ServerThread

    thread = ServerThread(app, args.host, args.port, sock=sock, limit_concurrency=budget)
    try:
        thread.start()
    except RuntimeError as exc:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {exc}") from None
    port = thread.port
    local = f"http://127.0.0.1:{port}" if args.host in ("0.0.0.0", "::") else None
    url = f"http://{_public_host(args.host)}:{port}"
    try:
        DashboardApp(
            api_url=local or url,
            join_url=url,
            teacher_token=teacher_token,
            web_url=url + "/",
        ).run()
    finally:
        thread.stop()
    print(f"Session {session.id} stored. Report: quiz class report {session.id}")
    return 0


def run_join(args: argparse.Namespace) -> int:
    """Open the student client."""
    from quiz import locations
    from quiz.classroom.client import StudentApp

    url = args.url.rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise UsageError(f"the URL must start with http:// or https:// (got {args.url!r})")
    app = StudentApp(
        url,
        args.code,
        name=args.name,
        db=getattr(args, "db", None),
        profile=getattr(args, "profile", None),
        record=not args.no_store,
        token_file=locations.data_dir() / "classroom-tokens.json",
    )
    app.run()
    if app.failure:
        raise CommandError(app.failure)
    return 0


def run_report(args: argparse.Namespace) -> int:
    """Print (or write) a session's report."""
    from quiz.classroom.analysis import build_report, report_csv, report_text
    from quiz.classroom.db import SessionNotFound

    if not _db_path(args).exists():
        raise UsageError(f"no classroom sessions yet ({_db_path(args)} does not exist)")
    db = _open_db(args)
    try:
        report = build_report(db.load(db.resolve(args.session)))
    except SessionNotFound as exc:
        raise UsageError(str(exc)) from None
    finally:
        db.close()
    if args.csv is not None:
        _write_atomic(args.csv, report_csv(report))
    if args.json:
        print(report.model_dump_json(indent=2))
    elif args.csv is None:
        print(report_text(report))
    else:
        print(f"wrote {len(report.students)} students to {args.csv}")
    return 0


def _write_atomic(path: Path, text: str) -> None:
    import os
    import tempfile

    if not path.parent.is_dir():
        raise UsageError(f"no such folder: {path.parent}")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run_list(args: argparse.Namespace) -> int:
    """List stored sessions, newest first."""
    if not _db_path(args).exists():
        print("[]" if args.json else "no classroom sessions yet (start one with `quiz class host`)")
        return 0
    db = _open_db(args)
    try:
        sessions = db.list_sessions()
    finally:
        db.close()
    if args.json:
        print(json.dumps(sessions, indent=2))
        return 0
    if not sessions:
        print("no classroom sessions yet (start one with `quiz class host BANK_ID`)")
        return 0
    print(f"{'session':<24} {'mode':<10} {'phase':<8} {'students':>8} {'answers':>8}  bank")
    for s in sessions:
        print(
            f"{s['id']:<24} {s['mode']:<10} {s['phase']:<8} {s['students']:>8} "
            f"{s['answers']:>8}  {s['bank_id']}"
        )
    return 0
