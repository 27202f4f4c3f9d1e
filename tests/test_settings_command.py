"""`quiz settings`: a profile's study settings, shown and changed from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from quiz.cli import main
from quiz.store import Store


def test_settings_are_shown_changed_and_kept_per_profile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "q.db")
    assert main(["--db", db, "settings", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["desired_retention"] == 0.9 and shown["leech_threshold"] == 8

    args = ["--db", db, "--profile", "ann", "settings", "--retention", "0.85"]
    assert main([*args, "--reviews-per-day", "30", "--leech-action", "suspend"]) == 0
    assert "(saved)" in capsys.readouterr().out
    with Store.open(db) as store:
        ann = store.settings("ann")
        assert (ann.desired_retention, ann.reviews_per_day, ann.leech_action) == (
            0.85,
            30,
            "suspend",
        )
        assert store.settings("default").desired_retention == 0.9


def test_out_of_range_values_are_refused_and_nothing_is_saved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "q.db")
    assert main(["--db", db, "settings", "--retention", "1.5", "--reviews-per-day", "5"]) == 2
    assert "desired_retention must be between 0.7 and 0.99" in capsys.readouterr().err
    with Store.open(db) as store:
        assert store.settings("default").reviews_per_day == 200
