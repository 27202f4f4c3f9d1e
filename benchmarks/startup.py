"""Launch -> bank titles on screen, in a real terminal (tmux), against a bare Textual app.

Each run starts a program in a fresh detached tmux session (80x24) and polls the pane
(`tmux capture-pane`, every 2 ms) until the text the user waits for is on screen:

* bare:  a Textual app whose one Static says "Bare app ready" (the baseline);
* empty: `quiz` on the shipped banks and an empty store: the first shipped bank's title;
* big:   the same banks over a store of 100,000 cards and 1,000,000 attempts (made by
         `store_scale.py` and given with --big-db); skipped when not given.

It also reports, for empty and big, when Home's numbers replaced the "…" placeholders
("Due now: " followed by a number),
and every program's peak RSS (VmHWM of the pane's process, read when the text showed).
Runs alternate between the programs so that noise is shared; medians and min..max.

With --also CHECKOUT (e.g. an export of main), quiz from that checkout runs too ("also",
and "big-also" with --big-db), alternately: a before/after under the same load.

Goals (issue 14): empty <= 1.3x bare (time and RSS); big <= 1.1x empty.

Not covered: terminals other than tmux; the time tmux itself takes to start a pane (the
same for every program); a cold disk cache (the first, untimed, round warms it); the
polling granularity (2 ms plus one capture-pane call, the same for every program).

    python benchmarks/store_scale.py --make /tmp/big.db --banks /tmp/big-banks
    python benchmarks/startup.py [--runs N] [--big-db /tmp/big.db]
"""

from __future__ import annotations

import argparse
import itertools
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BARE = """
from textual.app import App, ComposeResult
from textual.widgets import Static

class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("Bare app ready")

Bare().run()
"""


_RUNS = itertools.count()


def _pane(session: str) -> str:
    return subprocess.run(
        ["tmux", "capture-pane", "-pt", session], capture_output=True, text=True, check=False
    ).stdout


def _peak_rss_mib(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _numbers_in(text: str, then: str) -> bool:
    index = text.find(then)
    return index >= 0 and text[index + len(then) : index + len(then) + 1].isdigit()


def run_once(
    name: str, command: list[str], env: dict[str, str], wait_for: str, then: str | None
) -> tuple[float, float | None, float]:
    """(seconds to `wait_for` on screen, seconds to `then` gone or None, peak RSS MiB)."""
    # A fresh name per run: a session just killed may still answer to its old name.
    session = f"qbench-{os.getpid()}-{name}-{next(_RUNS)}"
    line = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    shell = f"exec env {line} {shlex.join(command)}"
    start = time.perf_counter()
    # Started in the checkout it runs (`python -m` puts the working folder first on sys.path).
    argv = ["tmux", "new-session", "-d", "-P", "-F", "#{pane_pid}", "-s", session]
    argv += ["-c", env.get("PYTHONPATH", str(ROOT))]
    argv += ["-x", "80", "-y", "24", shell]
    out = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        check=True,
    )
    pid = int(out.stdout.strip())
    try:
        shown = settled = None
        rss = float("nan")
        deadline = start + 60
        while time.perf_counter() < deadline:
            text = _pane(session)
            now = time.perf_counter()
            if shown is None and wait_for in text:
                shown = now - start
                rss = _peak_rss_mib(pid)
            if shown is not None and (then is None or _numbers_in(text, then)):
                settled = now - start if then is not None else None
                break
            time.sleep(0.002)
        if shown is None:
            raise SystemExit(f"{name}: {wait_for!r} never showed:\n{_pane(session)}")
        return shown, settled, rss
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False, capture_output=True)


def _spread(values: list[float], scale: float = 1000) -> str:
    med, low, high = (v * scale for v in (statistics.median(values), min(values), max(values)))
    return f"{med:7.0f} ({low:.0f}..{high:.0f})"


def main() -> None:
    """Time each program --runs times, alternating, and print the ratios."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--big-db", type=Path, help="a store made by store_scale.py --make")
    parser.add_argument(
        "--also", type=Path, metavar="CHECKOUT", help="time quiz from another checkout too"
    )
    parser.add_argument("--also-big-db", type=Path, help="the big store for --also")
    parser.add_argument(
        "--banks", type=Path, metavar="DIR", help="user banks besides the shipped ones"
    )
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is needed")
    title = "Autoimmune disease and the limits"
    with tempfile.TemporaryDirectory() as tmp:
        base = {
            "PYTHONPATH": str(ROOT),
            "QUIZ_BANKS_DIR": str(args.banks or Path(tmp) / "no-user-banks"),
            # The bank index: written by the first (untimed) run, used by the timed ones.
            "QUIZ_CACHE_DIR": str(Path(tmp) / "cache"),
            "TERM": "xterm-256color",
        }
        programs: dict[str, tuple[list[str], dict[str, str], str, str | None]] = {
            "bare": ([sys.executable, "-c", BARE], base, "Bare app ready", None),
            "empty": (
                [sys.executable, "-m", "quiz", "--db", str(Path(tmp) / "empty.db")],
                base,
                title,
                "Due now: ",
            ),
        }
        if args.also is not None:
            # Its own cache: an index written by another version of quiz is unusable to
            # this one (and each run would rewrite the other's).
            also_env = {
                **base,
                "PYTHONPATH": str(args.also),
                "QUIZ_CACHE_DIR": str(Path(tmp) / "also-cache"),
            }
            programs["also"] = (
                [sys.executable, "-m", "quiz", "--db", str(Path(tmp) / "also.db")],
                also_env,
                title,
                "Due now: ",
            )
        if args.big_db is not None:
            # A copy: the app may write (profile used last), and the original stays as made.
            big = Path(tmp) / "big.db"
            shutil.copyfile(args.big_db, big)
            programs["big"] = (
                [sys.executable, "-m", "quiz", "--db", str(big)],
                base,
                title,
                "Due now: ",
            )
            if args.also is not None:
                # The other checkout may not read this schema: it gets its own store.
                big2 = Path(tmp) / "big-also.db"
                shutil.copyfile(args.also_big_db or args.big_db, big2)
                programs["big-also"] = (
                    [sys.executable, "-m", "quiz", "--db", str(big2)],
                    also_env,
                    title,
                    "Due now: ",
                )
        results: dict[str, list[tuple[float, float | None, float]]] = {p: [] for p in programs}
        for name, spec in programs.items():  # warm the disk cache and bytecode
            run_once(name, *spec)
        for _ in range(args.runs):
            for name, spec in programs.items():
                results[name].append(run_once(name, *spec))
    bare = statistics.median(r[0] for r in results["bare"])
    bare_rss = statistics.median(r[2] for r in results["bare"])
    empty = statistics.median(r[0] for r in results["empty"])
    print(f"median (min..max) of {args.runs} runs, ms; tmux 80x24")
    for name, rows in results.items():
        shown = [r[0] for r in rows]
        rss = [r[2] for r in rows]
        settled = [r[1] for r in rows if r[1] is not None]
        med = statistics.median(shown)
        extra = f"  x{med / empty:.2f} empty" if name == "big" else ""
        numbers = f"  numbers {_spread(settled)}" if settled else ""
        print(
            f"{name:6} titles {_spread(shown)}  x{med / bare:.2f} bare{extra}"
            f"  peak RSS {statistics.median(rss):.1f} MiB x{statistics.median(rss) / bare_rss:.2f}"
            f"{numbers}"
        )
    print("goals: empty <= 1.3x bare in time and RSS; big <= 1.1x empty")


if __name__ == "__main__":
    main()
