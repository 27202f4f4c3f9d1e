"""Answer -> feedback and Enter -> next question, in a real terminal (tmux), vs a bare app.

Two programs run side by side in detached tmux sessions (80x24), measured alternately
(one question each per round, the order swapped every round):

* quiz: `quiz study bench` over a bank of true/false questions ("Statement N holds.",
  explanation "Because reason N.");
* bare: a Textual app showing the same prompt that, on Enter, mounts the same feedback
  text in a Static, and on the next Enter removes it and shows the next prompt (the
  baseline: what Textual itself costs to put that text on screen).

Per round: press "t" (choose True) and let it settle; then time Enter -> "Because reason
N." on screen (answer -> feedback); read the feedback for `--read` seconds (0.5: a quick
reader; the quiz builds the next question meanwhile, as it does for any reader); then
time Enter -> the next prompt on screen (Enter -> next). The pane is polled with `tmux
capture-pane` every 2 ms; the key is sent with `tmux send-keys`. Median and min..max, and
each median as a ratio of the bare app's (the machine is shared: the ratio of runs
alternated under the same load is the figure to compare; medians alone move with load).

With --also CHECKOUT, quiz from that checkout (e.g. an export of main) runs as a third
program, "also", alternately with the others: a before/after under the same load.

Goal (issue 14): answer -> feedback <= 2x the bare app's key -> same text.

With --long the prompts, explanations and source quotes are as long as the shipped
banks' longer ones: at 80x24 the feedback then does not fit under the question and takes
its room from it (the question is laid out and drawn again in the answer's frame); by
default they are short and the feedback goes over the question's blank lines. The bare
app shows the same texts either way.

Not covered: question types other than true/false (a matching or ordering question
draws more); the first question (the
screen is built then); the quiz's header, status line and footer, which the bare app
does not have (they are part of what the quiz must draw: its footer, focus and status
line change with the answer, in the frame after the feedback); pressing
Enter sooner than `--read` after the feedback (the next question is then built on the
key: `--read 0` times that); terminals other than tmux; tmux's own key delivery and
capture (the same for both: a floor of a few ms, and the 2 ms polling).
`keypress_profile.py` splits the quiz's time into its parts, inside the app.

    python benchmarks/keypress.py [--rounds N] [--read SECONDS] [--also CHECKOUT] [--long]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = 42
#: Seconds the feedback is read before Enter (see the module docstring).
READ = 0.5

BARE = r"""
import sys
from textual.app import App, ComposeResult
from textual.widgets import Static

PROMPT_TAIL, WHY_TAIL, SOURCE = sys.argv[1], sys.argv[2], sys.argv[3]

class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("Statement 0 holds." + PROMPT_TAIL, id="prompt")

    n = 0
    feedback: Static | None = None

    def on_key(self, event) -> None:
        if event.key != "enter":
            return
        if self.feedback is None:
            self.feedback = Static(
                f"✓ Correct\nRight answer: True\n\nWhy: Because reason {self.n}.{WHY_TAIL}"
                + (f"\n\nSource:\n“{SOURCE}”" if SOURCE else "")
            )
            self.mount(self.feedback)
        else:
            self.feedback.remove()
            self.feedback = None
            self.n += 1
            self.query_one("#prompt", Static).update(f"Statement {self.n} holds.{PROMPT_TAIL}")

Bare().run()
"""

PROMPT = re.compile(r"Statement (\d+) holds\.")
#: With --long: a prompt, an explanation and a source quote as long as the shipped banks'
#: longer ones (their 75th percentiles: ~190, ~290 and ~280 characters): at 80x24 the
#: feedback then does not fit under the question.
LONG_PROMPT = (
    " In adults with a severe autoimmune disease that resisted two or more lines of"
    " conventional treatment, the conditioning regimen removes the autoreactive cells."
)
LONG_WHY = (
    " The regimen's intensity trades the depth of the immune reset against the risk of"
    " treatment-related harm, which is why the article stresses careful selection of"
    " patients and experienced centres, and follow-up over years rather than months."
)
LONG_SOURCE = (
    "Autologous haematopoietic stem cell transplantation aims to reset the immune system:"
    " intensive conditioning removes the autoreactive immune cells, and the patient's own"
    " stem cells, collected beforehand, then rebuild an immune system that tolerates the"
    " body's tissues."
)


def write_bank(folder: Path, *, long: bool = False) -> tuple[str, str, str]:
    """Write the "bench" bank into `folder`; returns what --long adds to each prompt and
    explanation, and the source quote (empty without --long), for the bare app."""
    prompt_tail = LONG_PROMPT if long else ""
    why_tail = LONG_WHY if long else ""
    source = LONG_SOURCE if long else ""
    questions = [
        {
            "id": f"s{i}",
            "type": "true_false",
            "prompt": f"Statement {i} holds.{prompt_tail}",
            "explanation": f"Because reason {i}.{why_tail}",
            "answer": True,
            **({"source_quote": source} if source else {}),
        }
        for i in range(QUESTIONS)
    ]
    (folder / "bench.json").write_text(
        json.dumps({"schema": 1, "id": "bench", "title": "Bench", "questions": questions}),
        encoding="utf-8",
    )
    return prompt_tail, why_tail, source


def _pane(session: str) -> str:
    return subprocess.run(
        ["tmux", "capture-pane", "-pt", session], capture_output=True, text=True, check=False
    ).stdout


def _wait(session: str, predicate: object, timeout: float = 20) -> tuple[float, str]:
    """Poll the pane until `predicate(text)`; returns (perf_counter, text)."""
    assert callable(predicate)
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        text = _pane(session)
        if predicate(text):
            return time.perf_counter(), text
        time.sleep(0.002)
    raise SystemExit(f"{session}: timed out; screen:\n{_pane(session)}")


def _key(session: str, key: str) -> float:
    start = time.perf_counter()
    subprocess.run(["tmux", "send-keys", "-t", session, key], check=True)
    return start


def _current(text: str) -> int | None:
    found = PROMPT.search(text)
    return int(found.group(1)) if found else None


def one_round(session: str, read: float = READ) -> tuple[float, float]:
    """(answer -> feedback, Enter -> next) seconds for the question on screen."""
    _, text = _wait(session, lambda t: _current(t) is not None)
    n = _current(text)
    _key(session, "t")
    time.sleep(0.15)  # the choice is drawn; not timed
    start = _key(session, "Enter")
    shown, _ = _wait(session, lambda t: f"Because reason {n}." in t)
    time.sleep(read)  # the learner reads the feedback; not timed
    start_next = _key(session, "Enter")
    nxt, _ = _wait(session, lambda t: _current(t) not in (None, n) and "Because" not in t)
    return shown - start, nxt - start_next


def main() -> None:
    """Time both programs alternately and print the medians and ratios."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument(
        "--read", type=float, default=READ, help="seconds the feedback is read before Enter"
    )
    parser.add_argument(
        "--also", type=Path, metavar="CHECKOUT", help="time quiz from another checkout too"
    )
    parser.add_argument(
        "--long",
        action="store_true",
        help="questions and explanations as long as the shipped banks' (see the docstring)",
    )
    args = parser.parse_args()
    rounds = min(args.rounds, QUESTIONS - 2)
    with tempfile.TemporaryDirectory() as tmp:
        banks = Path(tmp) / "banks"
        banks.mkdir()
        prompt_tail, why_tail, source = write_bank(banks, long=args.long)
        env = f"PYTHONPATH={shlex.quote(str(ROOT))} QUIZ_BANKS_DIR={shlex.quote(str(banks))}"
        db = shlex.quote(str(Path(tmp) / "quiz.db"))
        tag = os.getpid()
        commands = {
            "bare": f"exec env {env} {shlex.quote(sys.executable)} -c {shlex.quote(BARE)}"
            f" {shlex.quote(prompt_tail)} {shlex.quote(why_tail)} {shlex.quote(source)}",
            "quiz": f"exec env {env} {shlex.quote(sys.executable)} -m quiz --db {db}"
            " study bench --seed 1",
        }
        if args.also is not None:
            other = (
                f"PYTHONPATH={shlex.quote(str(args.also))} QUIZ_BANKS_DIR={shlex.quote(str(banks))}"
            )
            db2 = shlex.quote(str(Path(tmp) / "also.db"))
            commands["also"] = (
                f"exec env {other} {shlex.quote(sys.executable)} -m quiz --db {db2}"
                " study bench --seed 1"
            )
        sessions = {name: f"qkey-{tag}-{name}" for name in commands}
        for name, command in commands.items():
            # Started in the checkout it runs (`python -m` puts that folder first on sys.path).
            where = str(args.also) if name == "also" else str(ROOT)
            argv = ["tmux", "new-session", "-d", "-s", sessions[name], "-c", where]
            subprocess.run([*argv, "-x", "80", "-y", "24", command], check=True)
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        try:
            for name in commands:  # the first question builds the screen: not timed
                one_round(sessions[name], args.read)
            for n in range(rounds):
                # Swapped every round: neither program always runs right after the other.
                for name in list(commands)[:: 1 if n % 2 else -1]:
                    results[name].append(one_round(sessions[name], args.read))
        finally:
            for session in sessions.values():
                subprocess.run(["tmux", "kill-session", "-t", session], check=False)
    load = os.getloadavg()[0]
    print(
        f"median (min..max) of {rounds} {'long ' if args.long else ''}questions, ms; tmux"
        f" 80x24; feedback read for {args.read:g} s; load average {load:.1f} on"
        f" {os.cpu_count()} CPUs"
    )
    base = [statistics.median(r[i] for r in results["bare"]) for i in (0, 1)]
    for name, rows in results.items():
        cells = []
        for i, label in enumerate(("answer -> feedback", "Enter -> next")):
            values = [r[i] * 1000 for r in rows]
            med = statistics.median(values)
            cells.append(
                f"{label} {med:6.1f} ({min(values):.1f}..{max(values):.1f}) "
                f"x{med / (base[i] * 1000):.2f} bare"
            )
        print(f"{name:5} " + "   ".join(cells))
    print("goal: quiz answer -> feedback <= 2x bare")


if __name__ == "__main__":
    main()
