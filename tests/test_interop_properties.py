"""Property tests: generated banks survive GIFT and CSV round trips; garbage gives located
errors (InteropError), never another exception."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quiz import models
from quiz.interop import InteropError, import_text
from quiz.interop.csv_format import export_csv, parse_csv
from quiz.interop.gift import export_gift, parse_gift

# Text with every character GIFT and the CSV layout treat specially.
ALPHABET = st.sampled_from(list("abcXYZ 019~=#{}:\\%|[]/$_-\"',;\n\té"))
TEXT = (
    st.text(ALPHABET, min_size=1, max_size=20)
    .map(str.strip)
    .filter(lambda s: bool(s) and "->" not in s and "_____" not in s and "//" not in s)
)
IDS = st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True)
NUMBER = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda x: round(x, 4))


def distinct(n_min: int, n_max: int) -> st.SearchStrategy[list[str]]:
    return st.lists(TEXT, min_size=n_min, max_size=n_max, unique_by=str.strip)


@st.composite
def question(draw: st.DrawFn, kind: str, credit: bool = False) -> dict[str, Any]:
    q: dict[str, Any] = {"type": kind, "prompt": draw(TEXT), "explanation": draw(TEXT)}
    if kind in ("multiple_choice", "multiple_select"):
        texts = draw(distinct(3, 5))
        n_right = 1 if kind == "multiple_choice" else draw(st.integers(2, len(texts)))
        q["choices"] = [
            {"text": t, "correct": i < n_right, "feedback": draw(st.none() | TEXT)}
            for i, t in enumerate(texts)
        ]
        if credit and kind == "multiple_choice":
            for choice in q["choices"][1:]:
                choice["credit"] = draw(st.none() | st.integers(1, 99).map(lambda k: k / 100))
    elif kind == "true_false":
        q["answer"] = draw(st.booleans())
    elif kind == "short_answer":
        q["accept"] = draw(distinct(1, 3))
    elif kind == "numeric":
        if draw(st.booleans()):
            q["answer"] = draw(NUMBER)
            q["tolerance"] = abs(draw(NUMBER))
        else:
            lo, hi = sorted([draw(NUMBER), draw(NUMBER)])
            q["min"], q["max"] = lo, hi
        q["partial"] = [
            {"answer": draw(NUMBER), "tolerance": abs(draw(NUMBER)), "credit": k / 100}
            for k in draw(st.lists(st.integers(1, 99), max_size=2))
        ]
    elif kind == "matching":
        lefts, rights = draw(distinct(3, 4)), draw(distinct(3, 4))
        q["pairs"] = [{"left": a, "right": b} for a, b in zip(lefts, rights, strict=False)]
        if len(q["pairs"]) < 3:
            q["pairs"] = [{"left": f"l{i}", "right": f"r{i}"} for i in range(3)]
    elif kind == "cloze":
        q["text"] = (
            draw(TEXT).replace("{", "").replace("}", "")
            + " {{"
            + draw(TEXT.filter(lambda s: "|" not in s and "{" not in s and "}" not in s))
            + "}} "
            + "end"
        )
    elif kind == "ordering":
        q["items"] = draw(distinct(3, 4))
    elif kind == "flashcard":
        q["back"] = draw(TEXT)
    return q


GIFT_TYPES = (
    "multiple_choice",
    "multiple_select",
    "true_false",
    "short_answer",
    "numeric",
    "matching",
)


@st.composite
def bank(draw: st.DrawFn, kinds: tuple[str, ...], credit: bool = False) -> models.Bank:
    qs = []
    ids = draw(st.lists(IDS, min_size=1, max_size=5, unique=True))
    for qid in ids:
        q = draw(question(draw(st.sampled_from(kinds)), credit))
        q["id"] = qid
        q["tags"] = draw(
            st.lists(
                TEXT.filter(lambda s: "/" not in s and "\n" not in s and not s.startswith("$")),
                max_size=2,
                unique=True,
            )
        )
        qs.append(q)
    return models.Bank.model_validate({"schema": 1, "id": "gen", "title": "Gen", "questions": qs})


def comparable(q: models.Question) -> dict[str, Any]:
    """What GIFT carries: everything but hint, difficulty and flags it cannot express."""
    data = q.model_dump(exclude={"hint", "difficulty", "source_quote", "shuffle"})
    return data


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(bank(GIFT_TYPES, credit=True))
def test_gift_round_trip(b: models.Bank) -> None:
    exported = export_gift(b)
    assert exported.exported == len(b.questions), exported.warnings
    again = parse_gift(exported.text or "", bank_id=b.id).bank
    assert [comparable(q) for q in again.questions] == [comparable(q) for q in b.questions]


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(bank(("cloze",)))
def test_gift_round_trip_of_one_gap_cloze(b: models.Bank) -> None:
    b = b.model_copy(
        update={
            "questions": [q.model_copy(update={"prompt": "Fill in the gap."}) for q in b.questions]
        }
    )
    again = parse_gift(export_gift(b).text or "", bank_id=b.id).bank
    assert [comparable(q) for q in again.questions] == [comparable(q) for q in b.questions]


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(bank(tuple(models.QUESTION_TYPES)))
def test_csv_round_trip_is_exact(b: models.Bank) -> None:
    exported = export_csv(b)
    again = parse_csv(exported.text or "", bank_id=b.id, title=b.title).bank
    assert again.questions == b.questions


@settings(max_examples=300)
@given(st.binary(max_size=300), st.sampled_from(["gift", "aiken", "anki", "csv"]))
def test_random_bytes_give_located_errors_or_a_valid_bank(data: bytes, fmt: str) -> None:
    text = data.decode("utf-8", errors="replace")
    try:
        result = import_text(text, fmt, path="junk")
    except InteropError as exc:
        assert str(exc).startswith("junk")
    else:
        models.Bank.model_validate(result.bank.to_data())


MANGLERS = st.sampled_from(
    ["{", "}", "::", "#", "=", "~", "%", "->", "\n\n", "\\", '"', "\t", "|", "ANSWER: Z", "..", ":"]
)


@settings(max_examples=300)
@given(st.data(), st.sampled_from(["gift", "csv"]))
def test_mangled_exports_give_located_errors(data: st.DataObject, fmt: str) -> None:
    b = data.draw(bank(GIFT_TYPES))
    text = (export_gift(b) if fmt == "gift" else export_csv(b)).text or ""
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        if data.draw(st.booleans()):
            text = text[:at] + data.draw(MANGLERS) + text[at:]
        else:
            text = text[:at] + text[at + data.draw(st.integers(1, 5)) :]
    try:
        result = import_text(text, fmt, path="m")
    except InteropError as exc:
        assert str(exc).startswith("m")
    else:
        models.Bank.model_validate(result.bank.to_data())
