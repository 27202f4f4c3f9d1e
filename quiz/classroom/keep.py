"""A class session's questions kept on the student's side as a bank of their own.

A missed class question becomes a review card keyed by a bank id and a question id; the
student has no copy of the teacher's bank, so the card could never be asked. When a session
has ended (the only time the server sends every question with its key), the client writes
the session's questions as a bank file in the user's bank folder, under an id of its own
(`class-<bank>-<session>`) that cannot clash with the teacher's bank, and records its review
cards against that id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from quiz.banks import write_bank
from quiz.models import Bank

#: Longest bank id the schema accepts (`quiz.models.Slug`).
_ID_MAX = 80
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def class_bank_id(bank_id: str, session_id: str) -> str:
    """The local bank id of a class session: `class-<bank>-<session>`, a valid slug.

    The session part is kept whole (it is what makes the id unique); a long bank id is cut.
    """
    session = _NOT_SLUG.sub("-", session_id.lower()).strip("-") or "session"
    room = _ID_MAX - len("class-") - len(session) - 1
    bank = _NOT_SLUG.sub("-", bank_id.lower()).strip("-")[: max(room, 0)].strip("-")
    return f"class-{bank}-{session}" if bank else f"class-{session}"


def class_bank(
    bank_id: str, session_id: str, title: str, questions: Iterable[dict[str, Any]]
) -> Bank:
    """The bank a student keeps of a class session (questions as the server sent them at
    the end, keys included). ValueError if they do not make a valid bank."""
    data = {
        "schema": 1,
        "id": class_bank_id(bank_id, session_id),
        "title": f"{title} (class session {session_id})",
        "description": (
            f"The questions of class session {session_id} (bank {bank_id!r}), kept so the "
            "questions you missed can be reviewed."
        ),
        "questions": list(questions),
    }
    try:
        return Bank.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"the session's questions do not make a valid bank: {exc}") from None


def keep_class_bank(bank: Bank, folder: Path) -> Path:
    """Write `bank` as `<folder>/<id>.json`, atomically; returns the path."""
    path = folder / f"{bank.id}.json"
    write_bank(bank, path)
    return path
