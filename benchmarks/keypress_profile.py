"""Where answer -> feedback goes: timestamps and a profile inside the real app in tmux.

Runs `quiz study bench` (keypress.py's bank) in a detached tmux session (80x24) with hooks
installed in the app's process, answers `--rounds` true/false questions as keypress.py
does (t, Enter -> feedback, read, Enter -> next), and prints medians (min..max), in ms
from the moment the timed Enter reached the app (the driver's input thread) to the write
of the frame holding the feedback (with `--next`: the next prompt), split into what ran,
as top-level spans that do not nest: the input's submit key, the view's Submitted ->
Answered, the screen's record + show feedback, the footer's rebuild, other restyles,
frames before the feedback and the frame that drew it; the rest is waiting (message hops,
the frame timer). Also: `record_attempt`, its COMMIT and `show_feedback` on their own, the
process's CPU time over the window, frames before the feedback, nodes restyled, and
outside the app: send-keys -> key received, frame handed to Textual's output thread ->
written to the terminal, written -> seen by `tmux capture-pane`, and send-keys -> seen
(keypress.py's figure).

`--profile FILE`: cProfile of the window (summed over the rounds; FILE gets the pstats
dump; the top functions are printed). `--tree FILE`: a pyinstrument call tree instead
(pyinstrument is not a dependency: install it to use this). `--frames-only` profiles the
frames alone; `--trace` prints one round's marks; `--exec FILE` runs a Python file in the
app first (to try a change without editing the code).

Not covered: what the bare app costs (keypress.py compares against it); the first
question (the screen is built then); question types other than true/false.

    python benchmarks/keypress_profile.py [--rounds N] [--next] [--profile FILE | --tree FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import keypress  # noqa: E402  (the bank and the rounds are keypress.py's)

#: Runs inside the app's process: hooks that log (name, perf_counter) to a JSON file.
HOOKS = r"""
import atexit, cProfile, functools, json, os, sys, time
from textual import events
from textual.app import App
from textual.css.stylesheet import Stylesheet
from textual.driver import Driver
from textual.screen import Screen
from quiz.store.learner import Store
from quiz.study import StudyService
from quiz.ui.screens.study import StudyScreen

OUT = os.environ["QUIZ_PROFILE_OUT"]
PROFILE = os.environ.get("QUIZ_PROFILE_PSTATS")
log = []
state = {"open": False, "restyles": 0, "profiler": None}
profiler = cProfile.Profile() if PROFILE else None
TREE = os.environ.get("QUIZ_PROFILE_TREE")
FRAMES_ONLY = bool(os.environ.get("QUIZ_PROFILE_FRAMES"))
NEXT = bool(os.environ.get("QUIZ_PROFILE_NEXT"))
if TREE:
    import pyinstrument
    tree = pyinstrument.Profiler(interval=0.001, async_mode="disabled")
    class _Tree:
        def enable(self):
            tree.start()
        def disable(self):
            tree.stop()
    profiler = _Tree()
now = time.perf_counter

def mark(name):
    if state["open"]:
        log.append((name, now()))

def wrap(cls, attr, name, is_async=False):
    original = getattr(cls, attr)
    if is_async:
        @functools.wraps(original)
        async def hooked(*a, **k):
            mark(name + ">")
            try:
                return await original(*a, **k)
            finally:
                mark(name + "<")
    else:
        @functools.wraps(original)
        def hooked(*a, **k):
            mark(name + ">")
            try:
                return original(*a, **k)
            finally:
                mark(name + "<")
    setattr(cls, attr, hooked)

process = Driver.process_message
def process_message(self, message):
    if isinstance(message, events.Key) and message.key == "enter":
        screen = self._app.screen
        session = getattr(screen, "session", None)
        # Which key is timed: the answer (the feedback's text ends it) or, with --next,
        # the Enter that leaves the feedback (the next prompt ends it).
        timed = session is not None and (session.answered == NEXT)
        if timed and NEXT:
            state["target"] = session.queue[session.index + 1].question.prompt
        elif timed:
            state["target"] = "Because reason"
        if timed:
            log.append(("round", now()))
            state["open"] = True
            state["restyles"] = 0
            state["painted"] = False
            mark("key")
            log.append(("cpu>", time.process_time()))
            if profiler is not None and not FRAMES_ONLY:
                # cProfile follows one thread: the app's loop runs this before the key.
                self._loop.call_soon_threadsafe(profiler.enable)
    return process(self, message)
Driver.process_message = process_message

apply = Stylesheet.apply
def counted_apply(self, *a, **k):
    if state["open"]:
        state["restyles"] += 1
    return apply(self, *a, **k)
Stylesheet.apply = counted_apply

display = App._display
def hooked_display(self, screen, renderable):
    mark("display>")
    try:
        return display(self, screen, renderable)
    finally:
        mark("display<")
App._display = hooked_display

from textual.drivers._writer_thread import WriterThread
class _TimedFile:
    # The terminal file the writer thread writes to: notes when the feedback goes out.
    def __init__(self, file):
        self._file = file
        self._pending = False
    def write(self, text):
        self._file.write(text)
        if state.get("target", "Because reason") in text:
            self._pending = True
    def flush(self):
        self._file.flush()
        if self._pending:
            self._pending = False
            log.append(("flushed", now()))
    def __getattr__(self, name):
        return getattr(self._file, name)
writer_init = WriterThread.__init__
def timed_writer_init(self, file):
    writer_init(self, _TimedFile(file))
WriterThread.__init__ = timed_writer_init

def install_write(app):
    driver = app._driver
    original = driver.write
    def hooked_write(data):
        original(data)
        if state["open"] and not state.get("painted") and state["target"] in data:
            mark("painted")
            log.append(("cpu<", time.process_time()))
            log.append(("restyles", state["restyles"]))
            state["painted"] = True
            if profiler is not None and not FRAMES_ONLY:
                profiler.disable()
    driver.write = hooked_write

mount = App._on_mount if hasattr(App, "_on_mount") else None
ready = App._ready
async def hooked_ready(self):
    install_write(self)
    return await ready(self)
App._ready = hooked_ready

# The view hands the answer to the screen directly (`_on_answer`) where it can, else as
# the Answered message (older code, `--also`-style comparisons).
ANSWER = "_on_answer" if hasattr(StudyScreen, "_on_answer") else "on_question_view_answered"
wrap(StudyScreen, ANSWER, "answered", is_async=True)
wrap(StudyScreen, "show_feedback", "shown", is_async=True)
wrap(StudyService, "submit", "submit")
wrap(Store, "record_attempt", "store")
wrap(Screen, "_refresh_layout", "layout")
wrap(Screen, "_on_timer_update", "frame")
wrap(Screen, "_update_focus_styles", "update_styles")
frame = Screen._on_timer_update
def closing_frame(self):
    profiling = FRAMES_ONLY and profiler is not None and state["open"]
    if profiling:
        profiler.enable()
    try:
        return frame(self)
    finally:
        if profiling:
            profiler.disable()
        if state.get("painted"):
            state["open"] = False
Screen._on_timer_update = closing_frame
from quiz.ui.widgets.question_view import QuestionView
wrap(QuestionView, "on_question_input_submitted", "submitted")
wrap(QuestionView, "watch_locked", "locked")
wrap(QuestionView, "show_result", "show_result")
from quiz.ui.widgets.questions.true_false import TrueFalseInput
wrap(TrueFalseInput, "action_submit", "action_submit")
wrap(App, "update_styles", "update_styles")
from quiz.ui.footer import QuizFooter
wrap(QuizFooter, "_recompose_if_changed", "footer", is_async=True)
if os.environ.get("QUIZ_PROFILE_TRACE"):
    atexit.register(lambda: open(os.environ["QUIZ_PROFILE_TRACE"], "w").write(json.dumps(log)))

import sqlite3
def commit_wrap():
    from quiz.store import learner
    original = learner.write_transaction
    from contextlib import contextmanager
    @contextmanager
    def timed(conn):
        with original(conn) as c:
            yield c
            mark("commit>")
        mark("commit<")
    learner.write_transaction = timed
commit_wrap()

def dump():
    # Once (at the end of main, or at exit); the log last: the runner stops the app once
    # it exists.
    if state.get("dumped"):
        return
    state["dumped"] = True
    if TREE:
        try:
            text = tree.output_text(unicode=True, show_all=True)
        except Exception as exc:
            text = repr(exc)
        with open(TREE, "w") as fh:
            fh.write(text)
    elif profiler is not None:
        profiler.dump_stats(PROFILE)
    with open(OUT + ".part", "w") as fh:
        json.dump(log, fh)
    os.replace(OUT + ".part", OUT)
atexit.register(dump)

EXTRA = os.environ.get("QUIZ_PROFILE_EXEC")
if EXTRA:
    exec(open(EXTRA).read())

from quiz.cli import main
sys.argv = ["quiz", *sys.argv[1:]]
code = main()
dump()
sys.exit(code)
"""


#: Top-level spans, by what they are, in the order they usually happen.
CATEGORIES = {
    "action_submit": "input: submit key (lock, restyle)",
    "submitted": "view: Submitted -> Answered (lock, restyle)",
    "answered": "screen: record + show feedback",
    "footer": "footer: rebuild keys",
    "update_styles": "other restyles (focus, classes)",
    "frame": "frames",
}


def _phases(log: list[tuple[str, float]]) -> list[dict[str, float]]:
    """Per round: the key -> painted time split into what ran (top-level spans) and the
    rest (waiting: message hops, the frame timer); plus a few nested spans."""
    rounds: list[list[tuple[str, float]]] = []
    for name, value in log:
        if name == "round":
            rounds.append([])
        elif rounds:
            rounds[-1].append((name, value))
    out = []
    for marks in rounds:
        times = dict(reversed(marks))  # the first occurrence of each name
        if "painted" not in times:
            continue
        key, painted = times["key"], times["painted"]
        row: dict[str, float] = dict.fromkeys(CATEGORIES.values(), 0.0)
        row["frames before the feedback"] = 0.0
        frames = 0
        stack: list[tuple[str, float]] = []
        for name, value in marks:
            if name in ("cpu>", "cpu<", "restyles"):
                continue
            if value > painted and not stack:
                break
            if name.endswith(">"):
                stack.append((name[:-1], value))
            elif name.endswith("<") and stack and stack[-1][0] == name[:-1]:
                span, began = stack.pop()
                if not stack and span in CATEGORIES:
                    until = min(value, painted)
                    if span == "frame" and value < painted:
                        row["frames before the feedback"] += (until - began) * 1000
                        frames += 1
                    else:
                        row[CATEGORIES[span]] += (until - began) * 1000
        if stack and stack[0][0] == "frame":  # the frame that painted it
            row[CATEGORIES["frame"]] += (painted - stack[0][1]) * 1000
        total = (painted - key) * 1000
        row["waiting (hops, frame timer)"] = total - sum(row.values())
        row["= key -> painted"] = total
        row["  of which store.record_attempt"] = (
            times.get("store<", 0) - times.get("store>", 0)
        ) * 1000
        row["  of which COMMIT"] = (times.get("commit<", 0) - times.get("commit>", 0)) * 1000
        row["  of which show_feedback"] = (times.get("shown<", 0) - times.get("shown>", 0)) * 1000
        row["CPU time of the process, key -> painted"] = (
            times.get("cpu<", 0) - times.get("cpu>", 0)
        ) * 1000
        row["frames before (count)"] = frames
        row["nodes restyled (count)"] = times.get("restyles", 0.0)
        out.append(row)
    return out


def _round(session: str, *, next_key: bool, read: float) -> tuple[float, float]:
    """keypress.one_round, keeping the moments the timed Enter was sent and its result
    seen (perf_counter is the system's monotonic clock: the app's marks compare)."""
    _, text = keypress._wait(session, lambda t: keypress._current(t) is not None)
    n = keypress._current(text)
    keypress._key(session, "t")
    time.sleep(0.15)
    sent = keypress._key(session, "Enter")
    seen, _ = keypress._wait(session, lambda t: f"Because reason {n}." in t)
    time.sleep(read)
    sent_next = keypress._key(session, "Enter")
    seen_next, _ = keypress._wait(
        session, lambda t: keypress._current(t) not in (None, n) and "Because" not in t
    )
    return (sent_next, seen_next) if next_key else (sent, seen)


def main() -> None:
    """Run the app under tmux with the hooks; print the phases."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--profile", type=Path, help="write a cProfile (pstats) dump here")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--tree", type=Path, help="write a pyinstrument call tree here")
    parser.add_argument(
        "--next", action="store_true", help="time Enter -> next question, not the answer"
    )
    parser.add_argument(
        "--read", type=float, default=keypress.READ, help="seconds the feedback is read"
    )
    parser.add_argument(
        "--frames-only", action="store_true", help="profile only the frames (layout, paint)"
    )
    parser.add_argument(
        "--exec", type=Path, dest="extra", help="run this Python file in the app first"
    )
    parser.add_argument("--trace", action="store_true", help="print one round's marks")
    parser.add_argument("--long", action="store_true", help="long questions, as keypress.py --long")
    args = parser.parse_args()
    rounds = min(args.rounds, keypress.QUESTIONS - 2)
    with tempfile.TemporaryDirectory() as tmp:
        banks = Path(tmp) / "banks"
        banks.mkdir()
        keypress.write_bank(banks, long=args.long)
        out = Path(tmp) / "log.json"
        hooks = Path(tmp) / "hooks.py"
        hooks.write_text(HOOKS, encoding="utf-8")
        env = {
            "PYTHONPATH": str(ROOT),
            "QUIZ_BANKS_DIR": str(banks),
            "QUIZ_PROFILE_OUT": str(out),
        }
        if args.profile is not None:
            env["QUIZ_PROFILE_PSTATS"] = str(args.profile.resolve())
        if args.next:
            env["QUIZ_PROFILE_NEXT"] = "1"
        if args.frames_only:
            env["QUIZ_PROFILE_FRAMES"] = "1"
        if args.extra is not None:
            env["QUIZ_PROFILE_EXEC"] = str(args.extra.resolve())
        if args.tree is not None:
            env["QUIZ_PROFILE_TREE"] = str(args.tree.resolve())
        prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        db = shlex.quote(str(Path(tmp) / "quiz.db"))
        command = (
            f"exec env {prefix} {shlex.quote(sys.executable)} {shlex.quote(str(hooks))}"
            f" --db {db} study bench --seed 1"
        )
        session = f"qprof-{os.getpid()}"
        outside: list[tuple[float, float]] = []
        argv = ["tmux", "new-session", "-d", "-s", session, "-c", str(ROOT)]
        subprocess.run([*argv, "-x", "80", "-y", "24", command], check=True)
        # A crash leaves its traceback on the pane, which a timeout prints.
        subprocess.run(["tmux", "set-option", "-t", session, "remain-on-exit", "on"], check=False)
        try:
            # The first question builds the screen: not timed.
            _round(session, next_key=args.next, read=args.read)
            for _ in range(rounds):
                sent, seen = _round(session, next_key=args.next, read=args.read)
                outside.append((sent, seen))
            subprocess.run(["tmux", "send-keys", "-t", session, "Escape"], check=True)
            time.sleep(0.3)
            subprocess.run(["tmux", "send-keys", "-t", session, "q"], check=True)
            deadline = time.monotonic() + 10
            while not out.exists() and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            subprocess.run(["tmux", "kill-session", "-t", session], check=False)
        deadline = time.monotonic() + 10
        while not out.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        log = json.loads(out.read_text(encoding="utf-8"))
        rows = _phases(log)[1:]  # the first: build
        flushed: list[float] = []
        waiting = False
        for name, value in log:  # per round, the first flush of the feedback's frame
            if name == "key":
                waiting = True
            elif name == "flushed" and waiting:
                flushed.append(value)
                waiting = False
        flushed = flushed[1:]
        keys = [value for name, value in log if name == "key"][1:]
        painted = [value for name, value in log if name == "painted"][1:]
        for row, (sent, seen), key, paint, flush in zip(
            rows, outside, keys, painted, flushed, strict=False
        ):
            row["frame written -> flushed to the terminal (writer thread)"] = (flush - paint) * 1000
            row["tmux: send-keys -> the app has the key"] = (key - sent) * 1000
            row["tmux: frame written -> seen in capture-pane"] = (seen - paint) * 1000
            row["tmux: send-keys -> seen (keypress.py's figure)"] = (seen - sent) * 1000
    if args.trace:
        starts = [i for i, (name, _) in enumerate(log) if name == "round"]
        middle = starts[len(starts) // 2]
        end = starts[starts.index(middle) + 1] if middle != starts[-1] else len(log)
        base = log[middle][1]
        for name, value in log[middle + 1 : end]:
            print(
                f"    {(value - base) * 1000:8.2f}  {name}"
                if name != "restyles"
                else f"    restyles {value}"
            )
    what = "Enter -> next keys" if args.next else "answers"
    print(f"median (min..max) of {len(rows)} {what}, ms from the Enter key reaching the app")
    for name in rows[0]:
        values = [r[name] for r in rows]
        print(
            f"  {name:45} {statistics.median(values):7.1f} ({min(values):.1f}..{max(values):.1f})"
        )
    if args.profile is not None:
        import pstats

        stats = pstats.Stats(str(args.profile))
        stats.sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
