"""The wheel carries the shipped banks and their article, so `pip install .` users get them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_ships_the_banks_and_the_article(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = tmp_path.glob("quiz-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = sorted(p.name for p in (ROOT / "question_banks").glob("*.toml"))
    assert shipped
    for name in shipped:
        assert f"quiz/_shipped_banks/{name}" in names
    assert "quiz/_shipped_banks/articles/stem-cells-autoimmune-therapy.txt" in names
    # The browser client of `quiz class host`: static files, no build step.
    for name in ("index.html", "app.js", "style.css"):
        assert f"quiz/classroom/static/{name}" in names
    entry_points = zipfile.ZipFile(wheel).read(
        next(n for n in names if n.endswith("entry_points.txt"))
    )
    assert b"quiz = quiz.cli:main" in entry_points
