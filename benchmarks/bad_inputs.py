"""Each hostile bank file is refused quickly and in little memory.

Run: `python benchmarks/bad_inputs.py`. Each case runs `quiz validate FILE` in a fresh
subprocess and reports its wall time, peak RSS and the first line it printed. Goal (issue 3):
every case exits 1 with a located error within 2 s and 200 MiB. A bare `python -c pass` run
is timed first as the baseline of what any subprocess costs on this machine.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def cases() -> dict[str, bytes]:
    """File name -> content of every hostile input the validator must survive."""
    bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        bomb.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return {
        "syntax.toml": b'schema = 1\nid = "x\n',
        "syntax.yaml": b"schema: 1\nid: [x\n",
        "syntax.json": b'{"schema": 1,, }',
        "empty.toml": b"",
        "latin1.toml": 'title = "caf\xe9"\n'.encode("latin-1"),
        "garbage.json": os.urandom(1_000_000),
        "alias-bomb.yaml": "\n".join(bomb).encode(),
        "deep.json": b"[" * 100_000 + b"]" * 100_000,
        "deep.toml": b"x = " + b"[" * 100_000 + b"]" * 100_000,
        "deep.yaml": b"[" * 100_000 + b"]" * 100_000,
        "deep-map.yaml": "".join("  " * i + "k:\n" for i in range(1_400)).encode(),
        "too-big.json": b" " * (64 * 1024 * 1024 + 1),
        "no-correct.toml": (
            b'schema = 1\nid = "x"\ntitle = "t"\n[[questions]]\nid = "q"\n'
            b'type = "multiple_choice"\nprompt = "p"\nexplanation = "e"\n'
            b'choices = [{text = "a"}, {text = "b"}]\n'
        ),
    }


def run(args: list[str]) -> tuple[float, float, str, int]:
    """Wall seconds, peak RSS MiB, first output line and exit code of one subprocess."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, timeout=60)
    wall = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the max over all children so far: only a rise is this one's.
    rss = max(peak, before) / 1024
    first = (proc.stdout or proc.stderr).splitlines()[0] if (proc.stdout or proc.stderr) else ""
    return wall, rss, first, proc.returncode


def main() -> int:
    """Run every case; exit 1 if any misses the goal."""
    wall, rss, _, _ = run([sys.executable, "-c", "pass"])
    print(f"baseline python -c pass: {wall:.2f} s, {rss:.0f} MiB")
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, content in cases().items():
            path = Path(tmp) / name
            path.write_bytes(content)
            wall, rss, first, code = run([sys.executable, "-m", "quiz", "validate", str(path)])
            ok = code == 1 and wall < 2 and rss < 200 and "Traceback" not in first
            failed += not ok
            shown = first.replace(tmp + "/", "")
            print(f"{'ok ' if ok else 'BAD'} {name:16} {wall:5.2f} s {rss:6.0f} MiB  {shown[:90]}")
    print("all within 2 s and 200 MiB" if not failed else f"{failed} case(s) missed the goal")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
