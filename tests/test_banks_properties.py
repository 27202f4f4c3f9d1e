"""Property tests: valid banks survive every format; garbage never escapes as a crash."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quiz import banks as loading
from quiz.banks import BankLoadError, dump_bank, parse_bank_bytes, parse_bank_text
from quiz.models import QUESTION_TYPES, Bank

# Printable text without surrounding whitespace (models strip it) or line separators
# (YAML turns U+2028 into a line break by design).
TEXT = (
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)
PLAIN = st.text(alphabet="abcdefghij klmno-", min_size=1, max_size=12).map(str.strip).filter(bool)
SLUG = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,5}){0,2}", fullmatch=True)
NUMBER = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9)


@st.composite
def choices(draw: st.DrawFn, exactly_one: bool) -> list[dict[str, Any]]:
    texts = draw(st.lists(TEXT, min_size=2, max_size=5, unique_by=str.strip))
    if exactly_one:
        right = draw(st.integers(0, len(texts) - 1))
        flags = [i == right for i in range(len(texts))]
    else:
        flags = draw(st.lists(st.booleans(), min_size=len(texts), max_size=len(texts)))
        flags[0] = True
    out: list[dict[str, Any]] = []
    for text, flag in zip(texts, flags, strict=True):
        choice: dict[str, Any] = {"text": text, "correct": flag}
        if draw(st.booleans()):
            choice["feedback"] = draw(TEXT)
        out.append(choice)
    return out


@st.composite
def question(draw: st.DrawFn, qid: str) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": qid,
        "prompt": draw(TEXT),
        "explanation": draw(TEXT),
        "tags": draw(st.lists(PLAIN, max_size=3)),
        "difficulty": draw(st.integers(1, 5)),
    }
    if draw(st.booleans()):
        base["hint"] = draw(TEXT)
    kind = draw(st.sampled_from(QUESTION_TYPES))
    base["type"] = kind
    if kind in ("multiple_choice", "multiple_select"):
        base["choices"] = draw(choices(kind == "multiple_choice"))
    elif kind == "true_false":
        base["answer"] = draw(st.booleans())
    elif kind == "short_answer":
        base["accept"] = draw(st.lists(TEXT, min_size=1, max_size=3))
        base["exact"] = draw(st.booleans())
    elif kind == "numeric":
        if draw(st.booleans()):
            base["answer"] = draw(NUMBER)
            base["tolerance"] = draw(st.floats(0, 100))
        else:
            lo, hi = sorted([draw(NUMBER), draw(NUMBER)])
            base["min"], base["max"] = lo, hi
        if draw(st.booleans()):
            base["unit"] = draw(PLAIN)
    elif kind == "cloze":
        gap = "|".join(draw(st.lists(PLAIN, min_size=1, max_size=3)))
        base["text"] = f"{draw(PLAIN)} {{{{{gap}}}}} {draw(PLAIN)}"
    elif kind == "ordering":
        base["items"] = draw(st.lists(TEXT, min_size=3, max_size=6, unique_by=str.strip))
    elif kind == "matching":
        lefts = draw(st.lists(TEXT, min_size=3, max_size=5, unique_by=str.strip))
        rights = draw(st.lists(TEXT, min_size=len(lefts), max_size=len(lefts), unique_by=str.strip))
        base["pairs"] = [{"left": a, "right": b} for a, b in zip(lefts, rights, strict=True)]
    else:
        base["back"] = draw(TEXT)
    return base


@st.composite
def banks(draw: st.DrawFn) -> Bank:
    ids = draw(st.lists(SLUG, min_size=1, max_size=6, unique=True))
    data = {
        "schema": 1,
        "id": draw(SLUG),
        "title": draw(TEXT),
        "description": draw(st.one_of(st.just(""), TEXT)),
        "tags": draw(st.lists(PLAIN, max_size=3)),
        "questions": [draw(question(qid)) for qid in ids],
    }
    return Bank.model_validate(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(banks())
def test_valid_banks_round_trip_through_every_format(bank: Bank) -> None:
    for fmt in ("toml", "yaml", "json"):
        text = dump_bank(bank, fmt)
        assert parse_bank_text(text, fmt, f"b.{fmt}").bank == bank, fmt


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from(["toml", "yaml", "json"]))
def test_random_bytes_only_raise_the_validators_error(data: bytes, fmt: str) -> None:
    try:
        parse_bank_bytes(data, fmt, f"b.{fmt}")
    except BankLoadError as exc:
        assert all(p.message for p in exc.problems)


SAMPLE = Bank.model_validate(
    {
        "schema": 1,
        "id": "sample",
        "title": "Sample",
        "questions": [
            {
                "id": "a",
                "type": "multiple_choice",
                "prompt": "Which?",
                "explanation": "This.",
                "choices": [{"text": "x", "correct": True}, {"text": "y"}],
            },
            {
                "id": "b",
                "type": "matching",
                "prompt": "Match",
                "explanation": "So.",
                "pairs": [
                    {"left": "1", "right": "a"},
                    {"left": "2", "right": "b"},
                    {"left": "3", "right": "c"},
                ],
            },
            {
                "id": "c",
                "type": "cloze",
                "prompt": "Fill",
                "explanation": "So.",
                "text": "a {{b|c}} d",
            },
        ],
    }
)


@st.composite
def mangled(draw: st.DrawFn) -> tuple[str, str]:
    fmt = draw(st.sampled_from(["toml", "yaml", "json"]))
    text = dump_bank(SAMPLE, fmt)
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["delete", "insert", "duplicate"]))
        if action == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 20)) :]
        elif action == "insert":
            text = text[:pos] + draw(st.text(max_size=10)) + text[pos:]
        else:
            text = text[:pos] + text[pos : pos + 40] + text[pos:]
    return fmt, text


@settings(max_examples=200, deadline=None)
@given(mangled())
def test_mangled_banks_only_raise_the_validators_error(case: tuple[str, str]) -> None:
    fmt, text = case
    try:
        parse_bank_text(text, fmt, f"b.{fmt}")
    except BankLoadError as exc:
        for problem in exc.problems:
            assert problem.message
            assert problem.line is None or problem.line >= 1


# --------------------------------------------------------------------------- scanners


@st.composite
def tagged_json(draw: st.DrawFn) -> tuple[Any, dict[tuple[Any, ...], str]]:
    """Nested JSON data whose every key and leaf is a unique tag, with the tag of each path."""
    counter = iter(range(10_000))
    tags: dict[tuple[Any, ...], str] = {}
    junk = st.text(alphabet='ab"\\[]{}:, \n', max_size=6)

    def build(path: tuple[Any, ...], depth: int) -> Any:
        kind = draw(st.sampled_from(["leaf", "list", "dict"] if depth < 4 else ["leaf"]))
        if kind == "leaf":
            tag = f"v{next(counter)}"
            tags[path] = tag
            return tag + draw(junk)
        if kind == "list":
            return [build((*path, i), depth + 1) for i in range(draw(st.integers(0, 3)))]
        out = {}
        for _ in range(draw(st.integers(0, 3))):
            key = f"k{next(counter)}"
            tags[(*path, key)] = key
            out[key] = build((*path, key), depth + 1)
        return out

    return build((), 0), tags


@settings(max_examples=150, deadline=None)
@given(tagged_json(), st.sampled_from([None, 1, 2]))
def test_json_lines_find_every_key_and_element(
    case: tuple[Any, dict[tuple[Any, ...], str]], indent: int | None
) -> None:
    data, tags = case
    text = json.dumps(data, indent=indent)
    lines = loading._JsonLines(text)
    for path, tag in tags.items():
        if not path:
            continue
        line = lines.line(path)
        assert f'"{tag}' in text.splitlines()[line - 1], (path, line)
