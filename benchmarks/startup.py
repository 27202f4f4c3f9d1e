"""Startup of the study app vs a bare Textual app mounting one Static, side by side.

Each run is a fresh subprocess (headless, 100x30) timed from spawn to the moment it is
interactive, which the child reports with its peak RSS so far (VmHWM). Three programs:

* bare:  a Textual app that mounts one Static, then exits once it is up;
* home:  `quiz` on the shipped banks and a fresh database, exiting once Home's bank table
         is mounted and the app takes keys (the banks still loading in their worker);
* ready: the same, exiting once the banks and the store are loaded into Home.

Goal: home <= 1.3x bare in both wall time and peak RSS. Runs alternate to share noise.

    PYTHONPATH=. python benchmarks/startup.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import asyncio, os, sys, time
mode = sys.argv[1]
if mode == "bare":
    from textual.app import App
    from textual.widgets import Static

    class Bare(App):
        def compose(self):
            yield Static("hello")

    app = Bare()
else:
    from quiz.ui.app import create_app

    app = create_app(sys.argv[2], "bench")


def peak_rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


async def pilot(p):
    # Textual starts the autopilot as soon as the app takes input, which can be before the
    # first screen has finished mounting (bare's Static is mounted by then): wait until
    # Home's bank table is mounted.
    if mode != "bare":
        while not any(t.is_mounted for t in app.screen.query("#banks")):
            await asyncio.sleep(0)
    if mode == "ready":
        while app.data is None:
            await p.pause(0.005)
        await p.pause()
    # Interactive now: report the moment and the peak memory so far, and leave at once
    # (a loading thread would otherwise be waited for).
    print(time.time(), peak_rss_kib(), flush=True)
    os._exit(0)


app.run(headless=True, size=(100, 30), auto_pilot=pilot)
"""


def run_once(mode: str, db: Path) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB) of one child run."""
    db.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QUIZ_BANKS_DIR": str(db.parent / "none")}
    start = time.time()
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(db)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0 or not proc.stdout.strip():
        raise SystemExit(f"{mode} run failed ({proc.returncode}): {proc.stderr[-2000:]}")
    moment, rss_kib = proc.stdout.split()[-2:]
    return float(moment) - start, int(rss_kib) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    modes = ("bare", "home", "ready")
    results: dict[str, list[tuple[float, float]]] = {m: [] for m in modes}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        for m in modes:  # warm the OS file cache and bytecode once
            run_once(m, db)
        for _ in range(args.runs):
            for m in modes:
                results[m].append(run_once(m, db))
    base_wall = statistics.median(w for w, _ in results["bare"])
    base_rss = statistics.median(r for _, r in results["bare"])
    print(f"{'program':<8} {'wall ms':>9} {'x bare':>7} {'peak RSS MiB':>13} {'x bare':>7}")
    for m in modes:
        wall = statistics.median(w for w, _ in results[m])
        rss = statistics.median(r for _, r in results[m])
        print(
            f"{m:<8} {wall * 1000:9.0f} {wall / base_wall:7.2f} {rss:13.1f} {rss / base_rss:7.2f}"
        )
    print(f"(median of {args.runs} runs each; goal: home <= 1.30x bare in wall and RSS)")


if __name__ == "__main__":
    main()
