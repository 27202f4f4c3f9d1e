"""The cached bank index lists the banks as the full load would, and is never stale."""

from __future__ import annotations

import os
import shutil
import typing
from pathlib import Path

import pytest

from quiz.bank_index import BANK_SCHEMA, read_index, write_index
from quiz.banks import load_catalog
from quiz.models import Bank, model_fields

DATA = Path(__file__).parent / "data" / "banks"


@pytest.fixture
def banks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("QUIZ_CACHE_DIR", str(tmp_path / "cache"))
    target = tmp_path / "banks"
    shutil.copytree(DATA, target)
    (target / "broken.toml").write_text('schema = 1\nid = "broken"\n', encoding="utf-8")
    return target


def test_the_index_knows_the_bank_schema_version() -> None:
    field = model_fields(Bank)["schema_version"]
    assert typing.get_args(field.annotation) == (BANK_SCHEMA,)


def test_an_index_lists_what_the_full_load_found(banks: Path) -> None:
    assert read_index([banks]) is None  # nothing cached yet
    catalog = load_catalog([banks])
    write_index(catalog)
    index = read_index([banks])
    assert index is not None
    valid = [e for e in index if e.problem is None]
    [loaded] = catalog.banks
    assert [(e.id, e.title, e.questions) for e in valid] == [
        (loaded.bank.id, loaded.bank.title, len(loaded.bank.questions))
    ]
    tagged = sum(1 for q in loaded.bank.questions if "colour" in q.tags)
    assert valid[0].tag_counts["colour"] == tagged
    # Bank tags count for every question of the bank.
    assert valid[0].tag_counts["test"] == len(loaded.bank.questions)
    [broken] = [e for e in index if e.problem is not None]
    assert broken.path.endswith("broken.toml")
    assert broken.problem == catalog.invalid[0][1][0].format()


@pytest.mark.parametrize("change", ["edit", "add", "touch"])
def test_any_change_to_a_bank_file_makes_the_index_unusable(banks: Path, change: str) -> None:
    write_index(load_catalog([banks]))
    bank = banks / "every-type.toml"
    if change == "edit":
        bank.write_text(
            bank.read_text(encoding="utf-8").replace("Every question type", "Renamed"),
            encoding="utf-8",
        )
    elif change == "add":
        shutil.copy(bank, banks / "copy.toml")
    else:
        st = bank.stat()
        os.utime(bank, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert read_index([banks]) is None


def test_a_removed_file_is_no_longer_listed(banks: Path) -> None:
    write_index(load_catalog([banks]))
    (banks / "broken.toml").unlink()
    index = read_index([banks])
    assert index is not None
    assert [e.title for e in index] == ["Every question type"]


def test_a_damaged_index_is_ignored(banks: Path, tmp_path: Path) -> None:
    write_index(load_catalog([banks]))
    target = tmp_path / "cache" / "bank-index.json"
    target.write_text('{"version": 1, "schema": 1, "files": {"x": 3}}', encoding="utf-8")
    assert read_index([banks]) is None
    target.write_text("not json", encoding="utf-8")
    assert read_index([banks]) is None


def test_starting_quiz_loads_no_bank_models_before_the_app() -> None:
    import subprocess
    import sys

    from quiz.commands import coverage as command
    from quiz.coverage import MAX_PER_SENTENCE

    assert command.MAX_PER_SENTENCE == MAX_PER_SENTENCE
    code = (
        "import sys; from quiz import cli; cli.build_parser(); import quiz.ui.app;"
        " print(sorted(m for m in ('pydantic', 'quiz.models', 'quiz.banks') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
