"""A 20-question quiz from a 100,000-question bank: the user's action -> the first question.

In a real terminal (tmux, 80x24), each run starts a fresh process (and a fresh, empty
store) with one user bank in QUIZ_BANKS_DIR besides the shipped ones, and times:

* home:  from launch until Home's numbers are shown ("Due now: N": the banks are loaded
         and a quiz can start; "ready"), then End (the user bank is the last row), o (the
         start options), "20", and from the Enter that starts the quiz to the first
         question's text on screen ("key -> question");
* study: `quiz study BANK --count 20` from launch to the first question's text.

Programs, run alternately so that the machine's load is shared:

* big:   quiz over a bank of 100,000 questions (JSON as `quiz add` writes it, three types);
* small: quiz over a bank of 20 questions of the same kind (the baseline: the same
         action where the bank's size cannot matter);
* bare:  a Textual app that, on Enter, pushes a screen with one Static holding a prompt
         (what Textual itself costs to put a new screen with that text up), and its
         launch -> first text;
* with --also CHECKOUT: big and small from that checkout too (e.g. an export of main).

With --every, Home's key is Enter on the bank's row: a quiz over every question (what
Enter does), not one of 20.

The untimed first round of each program writes the bank index (the cache a later start
reads); every timed run finds it. So "first start after the bank file changed" (a full
validation, once per change) is not what is timed here: `--cold` times that instead,
removing the cache before each run.

Not covered: TOML and YAML banks (the lazy path is for JSON banks); a cold disk cache;
terminals other than tmux; tmux's own key delivery and capture (the same for every
program; a floor of a few ms).

Goal (issue 14): key -> first question < 300 ms for the 100k bank.

    python benchmarks/big_bank.py [--runs N] [--also CHECKOUT] [--questions 100000]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROMPT = re.compile(r"Statement number \d+ of \w+ holds")

BARE = r"""
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

class Question(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("Statement number 7 of bare holds. True or false?")

class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("Bare app ready")

    def on_key(self, event) -> None:
        if event.key == "enter":
            self.push_screen(Question())

Bare().run()
"""


def write_bank(path: Path, bank_id: str, questions: int) -> None:
    """A bank of `questions` questions (true/false, multiple choice, short answer)."""
    out = []
    for q in range(questions):
        base = {
            "id": f"q{q}",
            "prompt": f"Statement number {q} of {bank_id.replace('-', '_')} holds. Which is it?",
            "explanation": f"Statement {q} is explained by reason {q % 97}.",
            "tags": [f"topic-{q % 20}"],
        }
        kind = q % 3
        if kind == 0:
            out.append({**base, "type": "true_false", "answer": bool(q % 2)})
        elif kind == 1:
            choices = [{"text": f"Option {c} of {q}", "correct": c == q % 4} for c in range(4)]
            out.append({**base, "type": "multiple_choice", "choices": choices})
        else:
            out.append({**base, "type": "short_answer", "accept": [f"answer {q}", f"a{q}"]})
    bank = {"schema": 1, "id": bank_id, "title": f"Bank {bank_id}", "questions": out}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(bank, indent=2) + "\n", encoding="utf-8")


_RUNS = itertools.count()


def _pane(session: str) -> str:
    return subprocess.run(
        ["tmux", "capture-pane", "-pt", session], capture_output=True, text=True, check=False
    ).stdout


def _wait(session: str, found: Callable[[str], bool], timeout: float = 90) -> float:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if found(_pane(session)):
            return time.perf_counter()
        time.sleep(0.002)
    raise SystemExit(f"{session}: timed out; screen:\n{_pane(session)}")


def _numbers(text: str) -> bool:
    at = text.find("Due now: ")
    return at >= 0 and text[at + 9 : at + 10].isdigit()


def _start(name: str, shell: str, where: str) -> tuple[str, float]:
    session = f"qbig-{os.getpid()}-{name}-{next(_RUNS)}"
    start = time.perf_counter()
    argv = ["tmux", "new-session", "-d", "-s", session, "-c", where, "-x", "80", "-y", "24"]
    subprocess.run([*argv, shell], check=True)
    return session, start


def _key(session: str, *keys: str) -> float:
    start = time.perf_counter()
    subprocess.run(["tmux", "send-keys", "-t", session, *keys], check=True)
    return start


def _kill(session: str) -> None:
    subprocess.run(["tmux", "kill-session", "-t", session], check=False, capture_output=True)


def home_run(name: str, shell: str, where: str, every: bool = False) -> tuple[float, float]:
    """(launch -> Home ready, Enter in the start options -> first question), seconds;
    with `every`, Enter on the bank's row (a quiz over every question) instead."""
    session, start = _start(name, shell, where)
    try:
        ready = _wait(session, _numbers) - start
        _key(session, "End")
        time.sleep(0.1)
        if not every:
            _key(session, "o")
            _wait(session, lambda t: "Start options" in t)
            _key(session, "2", "0")
            time.sleep(0.15)  # the typed count is drawn; not timed
        pressed = _key(session, "Enter")
        shown = _wait(session, lambda t: PROMPT.search(t) is not None)
        return ready, shown - pressed
    finally:
        _kill(session)


def study_run(name: str, shell: str, where: str) -> float:
    """Launch `quiz study BANK --count 20` -> first question, seconds."""
    session, start = _start(name, shell, where)
    try:
        return _wait(session, lambda t: PROMPT.search(t) is not None) - start
    finally:
        _kill(session)


def bare_run(shell: str) -> tuple[float, float]:
    """(launch -> first text, Enter -> the pushed screen's text), seconds."""
    session, start = _start("bare", shell, str(ROOT))
    try:
        ready = _wait(session, lambda t: "Bare app ready" in t) - start
        time.sleep(0.1)
        pressed = _key(session, "Enter")
        shown = _wait(session, lambda t: PROMPT.search(t) is not None)
        return ready, shown - pressed
    finally:
        _kill(session)


def _spread(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return f"{statistics.median(ms):7.0f} ({min(ms):.0f}..{max(ms):.0f})"


def main() -> None:
    """Time every program alternately; print medians, spreads and ratios."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument(
        "--also", type=Path, metavar="CHECKOUT", help="time quiz from another checkout too"
    )
    parser.add_argument(
        "--cold", action="store_true", help="remove the bank index before every run"
    )
    parser.add_argument(
        "--every",
        action="store_true",
        help="Home: Enter on the bank (a quiz over every question), not a quiz of 20",
    )
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is needed")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        write_bank(tmp / "big" / "big.json", "big", args.questions)
        write_bank(tmp / "small" / "small.json", "small", 20)
        size = (tmp / "big" / "big.json").stat().st_size
        print(f"big bank: {args.questions:,} questions, {size / 1e6:.1f} MB JSON")
        checkouts = {"": ROOT} | ({"also-": args.also} if args.also else {})
        runs = itertools.count()

        def shell(checkout: Path, bank: str, study: bool) -> str:
            cache = tmp / f"cache-{checkout.name}-{bank}"
            if args.cold:
                shutil.rmtree(cache, ignore_errors=True)
            env = {
                "PYTHONPATH": str(checkout),
                "QUIZ_BANKS_DIR": str(tmp / bank),
                "QUIZ_CACHE_DIR": str(cache),
                "TERM": "xterm-256color",
            }
            line = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
            cmd = [sys.executable, "-m", "quiz", "--db", str(tmp / f"run-{next(runs)}.db")]
            if study:
                cmd += ["study", bank, "--count", "20"]
            return f"exec env {line} {shlex.join(cmd)}"

        bare_shell = f"exec env TERM=xterm-256color {shlex.join([sys.executable, '-c', BARE])}"
        home: dict[str, list[tuple[float, float]]] = {}
        study: dict[str, list[float]] = {}
        bare: list[tuple[float, float]] = []
        for rnd in range(args.runs + 1):  # round 0 warms caches and writes the index: untimed
            b = bare_run(bare_shell)
            if rnd:
                bare.append(b)
            for prefix, checkout in checkouts.items():
                for bank in ("big", "small"):
                    name = prefix + bank
                    where = str(checkout)
                    h = home_run(name, shell(checkout, bank, False), where, args.every)
                    s = study_run(name, shell(checkout, bank, True), where)
                    if rnd:
                        home.setdefault(name, []).append(h)
                        study.setdefault(name, []).append(s)
            print(f"round {rnd} done", file=sys.stderr)
    load = os.getloadavg()
    print(f"median (min..max) of {args.runs} runs, ms; tmux 80x24; load {load[0]:.1f}")
    bare_key = statistics.median(k for _, k in bare)
    bare_up = statistics.median(u for u, _ in bare)
    print(
        f"bare         launch -> text {_spread([u for u, _ in bare])}   key -> screen "
        f"{_spread([k for _, k in bare])}"
    )
    for name in home:
        base = name.replace("big", "small")
        key = [k for _, k in home[name]]
        ready = [r for r, _ in home[name]]
        key_med = statistics.median(key)
        small_key = statistics.median(k for _, k in home[base])
        st_med = statistics.median(study[name])
        print(
            f"{name:11}  Home ready {_spread(ready)}  key -> question {_spread(key)}"
            f" x{key_med / small_key:.2f} small x{key_med / bare_key:.2f} bare"
            f"  | quiz study -n 20 -> question {_spread(study[name])}"
            f" x{st_med / statistics.median(study[base]):.2f} small"
            f" x{st_med / bare_up:.2f} bare launch"
        )
    print("goal: big key -> question < 300 ms")


if __name__ == "__main__":
    main()
