"""Grading: turn a learner's answer to a question into a `GradeResult`.

Pure functions, no I/O. The study app, the classroom server and the importers all grade
through `grade`; untrusted input (JSON from a classroom client) goes through
`check_answer_shape` first, which either returns the normalised answer or raises
`AnswerError` with a message fit to show the sender.

Answer shapes (all JSON-serialisable; indices refer to the ORIGINAL order in the bank,
never to a shuffled display order):

==================  ===========================================================
multiple_choice     ``int``: index into ``choices``
multiple_select     ``list[int]``: indices of the chosen choices (no repeats)
true_false          ``bool``
short_answer        ``str``
numeric             ``float`` (an ``int`` is fine); a ``str`` is parsed, see below
cloze               ``list[str]``: one entry per gap, in order
ordering            ``list[int]``: the learner's order as indices into ``items``
matching            ``list[int | None]``: for left ``i`` the index ``j`` of the chosen
                    right (``pairs[j].right``); ``None`` = left unmatched
flashcard           ``int``: the learner's self-rating 1 Again, 2 Hard, 3 Good, 4 Easy
==================  ===========================================================

A ``bool`` is never accepted where an ``int`` is expected (``True`` is not index 1), and a
float is never accepted as an index.

Scores and outcomes
-------------------
Every result has a ``score`` between 0 and 1. A score of 1 is ``correct``, 0 is
``incorrect``, anything in between is ``partial``.

multiple_choice, true_false
    All or nothing.

multiple_select
    ``score = max(0, hits / C - false_picks / W)`` where ``C`` is the number of correct
    choices, ``W`` the number of wrong choices, ``hits`` the correct choices picked and
    ``false_picks`` the wrong choices picked (the second term is 0 when every choice is
    correct). Each right pick earns ``1/C``, each wrong pick costs ``1/W``; picking every
    choice therefore scores 0, and so does picking nothing. Example: with 3 correct and 2
    wrong choices, picking 2 correct and 1 wrong scores 2/3 - 1/2 = 1/6.

ordering
    The fraction of items that are in the right order relative to each other: the items
    of a longest subsequence of the learner's order that is in the right order (Moodle's
    "longest ordered subset"), over all items. A lone item is not an order, so when no two
    items are in the right order (the exact reverse) the score is 0. The correct order
    scores 1; one swap of neighbours in a list of 4 scores 3/4; ``B C D A`` scores 3/4.

matching
    The fraction of left items matched with their own right item. Unmatched lefts count
    as wrong.

cloze
    The fraction of gaps filled right. Each gap is checked like a short answer against its
    alternatives (``{{answer|alternative}}``), honouring the question's
    ``case_sensitive`` and ``exact`` and the gap's key terms (``gap_terms``); the text
    around the gaps counts as prompt.

short_answer
    All or nothing, after normalising both the learner's answer and every accepted
    answer: Unicode NFKC, curly quotes to straight ones, the various dashes and the minus
    sign to ``-``, whitespace trimmed and collapsed, trailing ``. , ; : ! ? …`` ignored,
    and letter case ignored unless ``case_sensitive``. An answer equal to an accepted one
    is right. Unless ``exact`` or ``case_sensitive`` is set, `quiz.textmatch` then
    compares word by word: articles and punctuation ignored, joined/hyphenated/spaced
    forms the same, inflections and British/American spellings ignored, words from the
    prompt may be added, "answer (ABBR)" either way round, and a typo forgiven per word
    (none in 3 characters or fewer, 1 in 4-7, 2 from 8) unless the typed word is itself
    an English word; word order kept. The question's key terms (``must``/``must_not``)
    accept further phrasings or veto them. With ``case_sensitive`` a typo is counted on
    the whole answer (budget as above, never for a number or when the numbers inside
    differ) and a difference in letter case is never forgiven as a typo. A typo-accepted
    answer is ``correct`` with a note giving the spelling.

numeric
    Right when ``|x - answer| <= tolerance`` or ``min <= x <= max`` (inclusive), both with
    a tiny allowance for floating point rounding (1e-9 relative). Each entry of
    ``partial`` is another range worth its ``credit``; the best matching range wins. A
    string answer is parsed: surrounding spaces, ``+``/``-`` and the Unicode minus sign,
    exponents (``1e3``), a decimal comma (``3,5``; a lone comma is always a decimal
    comma), thousands separators (``1,000,000``, ``1 000``, or ``1.000,5`` / ``1,000.5``
    when both marks appear) and the question's unit after the number (``4 mm``) are all
    understood, and so are number words and a number followed by words ("four",
    "twenty-one", "4 steps"; not "3 or 4"), see `quiz.textmatch.read_number_words`. A
    string that is not a number is ``incorrect`` with a note saying so.

flashcard
    The learner's self-rating: 1 Again is ``incorrect`` (0), 2 Hard is ``partial`` (0.5),
    3 Good and 4 Easy are ``correct`` (1).

Feedback
--------
``feedback`` holds the bank's per-choice feedback for what the learner chose: the chosen
choice's for multiple_choice, each chosen choice's (in bank order) for multiple_select,
and nothing for the other types. ``parts`` says, part by part, what the learner got
right: per choice for multiple_select (the learner's pick or non-pick of that choice was
right), per gap for cloze, per position for ordering (the item there is one of those the score
counts as in order), per
left for matching; it is empty for the other types.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import TypeAlias, assert_never, cast

from rapidfuzz.distance import OSA

from quiz import textmatch
from quiz.models import (
    CLOZE_GAP,
    Cloze,
    Flashcard,
    Matching,
    MultipleChoice,
    MultipleSelect,
    Numeric,
    NumericRange,
    Ordering,
    Question,
    ShortAnswer,
    TrueFalse,
    cloze_gaps,
)

Answer: TypeAlias = bool | int | float | str | list[int] | list[str] | list[int | None]

#: Longest text accepted from a learner for one short answer, cloze gap or numeric string.
MAX_TEXT_LENGTH = 2000

FLASHCARD_RATINGS: dict[int, str] = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}

ARROW = " → "


class Outcome(StrEnum):
    """How an answer fared overall."""

    CORRECT = "correct"
    PARTIAL = "partial"
    INCORRECT = "incorrect"


@dataclass(frozen=True)
class GradeResult:
    """The verdict on one answer.

    `correct_answer` is the right answer as a learner should read it; `feedback` is the
    bank's feedback for what the learner chose; `note` explains anything unusual about
    the verdict (a forgiven typo, an unreadable number, partial numeric credit); `parts`
    is the per-part verdict described in the module docstring.
    """

    outcome: Outcome
    score: float
    correct_answer: str
    feedback: tuple[str, ...] = ()
    note: str | None = None
    parts: tuple[bool, ...] = ()


class AnswerError(ValueError):
    """An answer whose shape does not fit its question (wrong type, index out of range...)."""

    def __init__(self, question_id: str, message: str) -> None:
        super().__init__(f"question {question_id}: {message}")
        self.question_id = question_id
        self.message = message


# --------------------------------------------------------------------------- shapes


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _index(qid: str, value: object, size: int, what: str) -> int:
    # bool is a subclass of int: reject it explicitly so True never means index 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise AnswerError(qid, f"{what} must be an integer index, got {_type_name(value)}")
    if not 0 <= value < size:
        raise AnswerError(qid, f"{what} {value} is out of range (expected 0 to {size - 1})")
    return value


def _list(qid: str, value: object, what: str) -> list[object]:
    if not isinstance(value, list | tuple):
        raise AnswerError(qid, f"the answer must be a list of {what}, got {_type_name(value)}")
    return list(value)


def _text(qid: str, value: object, what: str) -> str:
    if not isinstance(value, str):
        raise AnswerError(qid, f"{what} must be a string, got {_type_name(value)}")
    if len(value) > MAX_TEXT_LENGTH:
        raise AnswerError(qid, f"{what} is too long (at most {MAX_TEXT_LENGTH} characters)")
    return value


def _no_repeats(qid: str, indices: list[int], what: str) -> None:
    seen: set[int] = set()
    for i in indices:
        if i in seen:
            raise AnswerError(qid, f"{what} {i} appears more than once")
        seen.add(i)


def check_answer_shape(question: Question, raw: object) -> Answer:
    """Validate an untrusted answer (e.g. decoded JSON) against `question`.

    Returns the answer in its normalised shape (tuples become lists, integers become
    floats for numeric questions, a parsable numeric string becomes a float). Raises
    `AnswerError` — and nothing else — when the shape does not fit.
    """
    qid = question.id
    match question:
        case MultipleChoice():
            return _index(qid, raw, len(question.choices), "the chosen choice")
        case MultipleSelect():
            items = _list(qid, raw, "choice indices")
            picked = [_index(qid, v, len(question.choices), "choice") for v in items]
            _no_repeats(qid, picked, "choice")
            return sorted(picked)
        case TrueFalse():
            if not isinstance(raw, bool):
                raise AnswerError(qid, f"the answer must be true or false, got {_type_name(raw)}")
            return raw
        case ShortAnswer():
            return _text(qid, raw, "the answer")
        case Numeric():
            return _numeric_shape(question, raw)
        case Cloze():
            n = len(cloze_gaps(question.text))
            items = _list(qid, raw, "gap answers")
            if len(items) != n:
                raise AnswerError(
                    qid, f"the answer must have {n} gap answer(s), one per gap, got {len(items)}"
                )
            return [_text(qid, v, f"gap {i + 1}") for i, v in enumerate(items)]
        case Ordering():
            n = len(question.items)
            items = _list(qid, raw, "item indices")
            if len(items) != n:
                raise AnswerError(
                    qid, f"the order must list all {n} items exactly once, got {len(items)}"
                )
            order = [_index(qid, v, n, "item") for v in items]
            _no_repeats(qid, order, "item")
            return order
        case Matching():
            n = len(question.pairs)
            items = _list(qid, raw, "right indices (or null)")
            if len(items) != n:
                raise AnswerError(
                    qid, f"the answer must have {n} entries, one per left item, got {len(items)}"
                )
            matched: list[int | None] = [
                None if v is None else _index(qid, v, n, f"the right chosen for left {i + 1}")
                for i, v in enumerate(items)
            ]
            return matched
        case Flashcard():
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise AnswerError(
                    qid, f"the self-rating must be an integer 1 to 4, got {_type_name(raw)}"
                )
            if raw not in FLASHCARD_RATINGS:
                raise AnswerError(qid, f"the self-rating must be 1 to 4, got {raw}")
            return raw
        case _:
            assert_never(question)


def _numeric_shape(question: Numeric, raw: object) -> float | str:
    qid = question.id
    if isinstance(raw, str):
        text = _text(qid, raw, "the answer")
        value = read_number(text, question.unit)
        # An unparsable string stays a string: grading marks it incorrect with a note.
        return text if value is None else value
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise AnswerError(qid, f"the answer must be a number, got {_type_name(raw)}")
    try:
        value = float(raw)
    except OverflowError:
        raise AnswerError(qid, "the answer is too large a number") from None
    if not math.isfinite(value):
        raise AnswerError(qid, "the answer must be a finite number (not NaN or infinity)")
    return value


# --------------------------------------------------------------------------- numbers

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?", re.ASCII | re.IGNORECASE)
_DIGIT_SPACE = re.compile(r"(?<=\d)[ \u00a0\u202f\u2009'_](?=\d{3}(?!\d))")
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"), "-")


def parse_number(text: str, unit: str | None = None) -> float | None:
    """Read a number as a person types it; None when `text` is not a finite number.

    See the module docstring for what is understood (decimal comma, thousands
    separators, exponent, the question's unit after the number).
    """
    t = unicodedata.normalize("NFKC", text).translate(_DASHES).strip()
    if unit:
        u = unicodedata.normalize("NFKC", unit).strip()
        if u and t.casefold().endswith(u.casefold()):
            t = t[: len(t) - len(u)].rstrip()
    t = _DIGIT_SPACE.sub("", t)
    if "," in t and "." in t:
        # Both marks: the last one is the decimal mark, the other groups thousands.
        t = _ungroup(t, ",", ".") if t.rfind(",") < t.rfind(".") else _ungroup(t, ".", ",")
    elif t.count(",") == 1:
        t = t.replace(",", ".")
    elif t.count(",") > 1:
        t = _ungroup(t, ",", ".")
    if not _NUMBER.fullmatch(t):
        return None
    value = float(t)
    return value if math.isfinite(value) else None


#: Answers that mean zero. "no ..." counts only when followed by the question's unit
#: ("no donors"), so that "no idea" is not read as 0.
_ZERO_WORDS = frozenset({"none", "nil", "nobody", "no one", "nothing"})


def _reads_as_zero(text: str, unit: str | None) -> bool:
    t = " ".join(unicodedata.normalize("NFKC", text).casefold().strip().rstrip(".!").split())
    if t in _ZERO_WORDS:
        return True
    if not unit or not t.startswith("no "):
        return False
    u = " ".join(unicodedata.normalize("NFKC", unit).casefold().split())
    return t[3:] in {u, u.removesuffix("s")}


def read_number(text: str, unit: str | None = None) -> float | None:
    """A typed numeric answer as grading reads it: `parse_number`, else number words and
    a number followed by words ("four", "4 steps"), else "none" or "no <unit>" as 0; None
    when it is not a number."""
    value = parse_number(text, unit)
    if value is None:
        value = textmatch.read_number_words(text)
    if value is None and _reads_as_zero(text, unit):
        value = 0.0
    return value


def _ungroup(text: str, group: str, decimal: str) -> str:
    """`text` with thousands separators removed and a ``.`` decimal mark, or ``""`` when
    the separators are not in proper groups of three (so ``1,2,3`` is not 123)."""
    g, d = re.escape(group), re.escape(decimal)
    pattern = rf"[+-]?\d{{1,3}}(?:{g}\d{{3}})+(?:{d}\d*)?(?:e[+-]?\d+)?"
    if not re.fullmatch(pattern, text, re.ASCII | re.IGNORECASE):
        return ""
    return text.replace(group, "").replace(decimal, ".")


def format_number(value: float) -> str:
    """A number without a needless ``.0`` (``4``, ``0.25``, ``1e+20``)."""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def _with_unit(text: str, unit: str | None) -> str:
    return f"{text} {unit}" if unit else text


def _describe_range(r: Numeric | NumericRange, unit: str | None) -> str:
    if r.answer is not None:
        if r.tolerance:
            return _with_unit(f"{format_number(r.answer)} ± {format_number(r.tolerance)}", unit)
        return _with_unit(format_number(r.answer), unit)
    assert r.min is not None and r.max is not None  # guaranteed by the model validator
    return _with_unit(f"{format_number(r.min)} to {format_number(r.max)}", unit)


def _in_range(x: float, r: Numeric | NumericRange) -> bool:
    if r.answer is not None:
        eps = 1e-9 * max(1.0, abs(r.answer), r.tolerance)
        return abs(x - r.answer) <= r.tolerance + eps
    assert r.min is not None and r.max is not None
    eps = 1e-9 * max(1.0, abs(r.min), abs(r.max))
    return r.min - eps <= x <= r.max + eps


# --------------------------------------------------------------------------- text

_QUOTES = dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032\u00b4`"), "'") | dict.fromkeys(
    map(ord, "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"), '"'
)
_TRAILING = ".,;:!?…"
_DIGITS = re.compile(r"\d+")


def normalise_text(text: str, case_sensitive: bool = False) -> str:
    """The form in which typed answers are compared (see the module docstring)."""
    t = unicodedata.normalize("NFKC", text).translate(_QUOTES).translate(_DASHES)
    t = " ".join(t.split())
    stripped = t.rstrip(_TRAILING).rstrip()
    # Keep an answer that is nothing but punctuation as it is rather than erase it.
    if stripped:
        t = stripped
    return t if case_sensitive else t.casefold()


def _typo_budget(accepted: str) -> int:
    if parse_number(accepted) is not None:
        return 0
    n = len(accepted)
    if n <= 3:
        return 0
    return 1 if n <= 7 else 2


@dataclass(frozen=True)
class _TextMatch:
    right: bool
    note: str | None = None


def _match_text(
    given: str,
    accepted: Sequence[str],
    case_sensitive: bool,
    exact: bool,
    context: str = "",
    terms: textmatch.KeyTerms | None = None,
) -> _TextMatch:
    """Check one typed answer against its accepted alternatives.

    `context` is the text whose words the answer may repeat (the prompt; for a cloze also
    its text); `terms` the question's key terms, if any.
    """
    g = normalise_text(given, case_sensitive)
    if not g:
        return _TextMatch(False)
    forms = [(a, normalise_text(a, case_sensitive)) for a in accepted]
    if any(g == form for _, form in forms):
        return _TextMatch(True)
    if exact:
        # Only the accepted answers, as written (normalised): no typos, no inflections.
        if case_sensitive and any(g.casefold() == form.casefold() for _, form in forms):
            original = next(o for o, form in forms if g.casefold() == form.casefold())
            return _TextMatch(False, f"Mind the capitals: the answer is '{original}'")
        return _TextMatch(False)
    if not case_sensitive:
        v = textmatch.match(given, accepted, context=context, terms=terms)
        if not v.right:
            return _TextMatch(False)
        if v.typo:
            spelling = (v.accepted or accepted[0]).strip()
            return _TextMatch(True, f"Accepted with a typo; the spelling is '{spelling}'")
        return _TextMatch(True)
    # Letter case matters: only the whole-answer comparison below keeps case apart.
    g_fold = g.casefold()
    for original, form in forms:
        if g_fold == form.casefold():
            return _TextMatch(False, f"Mind the capitals: the answer is '{original}'")
    best: tuple[int, str] | None = None
    for original, form in forms:
        budget = _typo_budget(form)
        if budget == 0 or _DIGITS.findall(form) != _DIGITS.findall(g):
            continue
        dist = OSA.distance(g, form, score_cutoff=budget)
        # A case difference must not hide inside the typo budget.
        if OSA.distance(g_fold, form.casefold()) != dist:
            continue
        if dist <= budget and (best is None or dist < best[0]):
            best = (dist, original)
    if best is None:
        return _TextMatch(False)
    return _TextMatch(True, f"Accepted with a typo; the spelling is '{best[1].strip()}'")


def _key_terms(must: Sequence[Sequence[str]], must_not: Sequence[str]) -> textmatch.KeyTerms | None:
    if not must and not must_not:
        return None
    return textmatch.KeyTerms(tuple(tuple(g) for g in must), tuple(must_not))


# --------------------------------------------------------------------------- grading


def _outcome(score: float) -> Outcome:
    if score >= 1:
        return Outcome.CORRECT
    if score <= 0:
        return Outcome.INCORRECT
    return Outcome.PARTIAL


def _result(
    score: float | Fraction,
    correct_answer: str,
    feedback: Sequence[str] = (),
    note: str | None = None,
    parts: Sequence[bool] = (),
) -> GradeResult:
    s = min(1.0, max(0.0, float(score)))
    return GradeResult(_outcome(s), s, correct_answer, tuple(feedback), note, tuple(parts))


def correct_answer_text(question: Question) -> str:
    """The right answer to `question`, as a learner should read it."""
    match question:
        case MultipleChoice():
            return next(c.text for c in question.choices if c.correct)
        case MultipleSelect():
            return "; ".join(c.text for c in question.choices if c.correct)
        case TrueFalse():
            return "True" if question.answer else "False"
        case ShortAnswer():
            first, *others = question.accept
            return f"{first} (also accepted: {', '.join(others)})" if others else first
        case Numeric():
            return _describe_range(question, question.unit)
        case Cloze():
            gaps = [" or ".join(alts) for alts in cloze_gaps(question.text)]
            if len(gaps) == 1:
                return gaps[0]
            return "; ".join(f"{i}. {g}" for i, g in enumerate(gaps, 1))
        case Ordering():
            return ARROW.join(question.items)
        case Matching():
            return "; ".join(f"{p.left}{ARROW}{p.right}" for p in question.pairs)
        case Flashcard():
            return question.back
        case _:
            assert_never(question)


def grade(question: Question, answer: Answer) -> GradeResult:
    """Grade `answer` to `question`; the rules are in the module docstring.

    The answer is first checked with `check_answer_shape`, so a malformed answer raises
    `AnswerError`. An unreadable numeric string is not malformed: it grades incorrect.
    """
    answer = check_answer_shape(question, answer)
    right = correct_answer_text(question)
    match question:
        case MultipleChoice():
            choice = question.choices[cast(int, answer)]
            fb = (choice.feedback,) if choice.feedback else ()
            if not choice.correct and choice.credit:
                note = f"Partial credit ({choice.credit:.0%}) for this choice"
                return _result(choice.credit, right, fb, note=note)
            return _result(1 if choice.correct else 0, right, fb)
        case MultipleSelect():
            return _grade_select(question, set(cast(list[int], answer)), right)
        case TrueFalse():
            return _result(1 if answer is question.answer else 0, right)
        case ShortAnswer():
            m = _match_text(
                cast(str, answer),
                question.accept,
                question.case_sensitive,
                question.exact,
                question.prompt,
                _key_terms(question.must, question.must_not),
            )
            return _result(1 if m.right else 0, right, note=m.note)
        case Numeric():
            return _grade_numeric(question, cast(float | str, answer), right)
        case Cloze():
            return _grade_cloze(question, cast(list[str], answer), right)
        case Ordering():
            return _grade_ordering(cast(list[int], answer), right)
        case Matching():
            given = cast(list[int | None], answer)
            # By text, not index: a right item that serves two lefts is right for both.
            rights = [p.right for p in question.pairs]
            parts = [j is not None and rights[j] == rights[i] for i, j in enumerate(given)]
            return _result(Fraction(sum(parts), len(parts)), right, parts=parts)
        case Flashcard():
            score = {1: 0.0, 2: 0.5}.get(cast(int, answer), 1.0)
            return _result(score, right)
        case _:
            assert_never(question)


def _grade_select(question: MultipleSelect, picked: set[int], right: str) -> GradeResult:
    n_correct = sum(1 for c in question.choices if c.correct)
    n_wrong = len(question.choices) - n_correct
    hits = sum(1 for i in picked if question.choices[i].correct)
    false_picks = len(picked) - hits
    score = Fraction(hits, n_correct)
    if n_wrong:
        score -= Fraction(false_picks, n_wrong)
    feedback = [c.feedback for i, c in enumerate(question.choices) if i in picked and c.feedback]
    parts = [(i in picked) == c.correct for i, c in enumerate(question.choices)]
    return _result(max(Fraction(0), score), right, feedback, parts=parts)


def _grade_numeric(question: Numeric, answer: float | str, right: str) -> GradeResult:
    if isinstance(answer, str):
        shown = answer.strip() or "(blank)"
        return _result(0, right, note=f"'{shown}' is not a number this quiz can read")
    if _in_range(answer, question):
        return _result(1, right)
    best: NumericRange | None = None
    for r in question.partial:
        if _in_range(answer, r) and (best is None or r.credit > best.credit):
            best = r
    if best is None:
        return _result(0, right)
    note = (
        f"Partial credit ({best.credit:.0%}) for an answer in "
        f"{_describe_range(best, question.unit)}"
    )
    return _result(best.credit, right, note=note)


def _grade_cloze(question: Cloze, answer: list[str], right: str) -> GradeResult:
    gaps = cloze_gaps(question.text)
    parts: list[bool] = []
    notes: list[str] = []
    # The words around the gaps count as prompt: "autologous HSCT" fills "{{autologous}} HSCT".
    context = question.prompt + " " + CLOZE_GAP.sub(" ", question.text)
    for i, (given, alts) in enumerate(zip(answer, gaps, strict=True), 1):
        t = question.terms_for(i)
        terms = _key_terms(t.must, t.must_not) if t is not None else None
        m = _match_text(given, alts, question.case_sensitive, question.exact, context, terms)
        parts.append(m.right)
        if m.note:
            notes.append(f"Gap {i}: {m.note}" if len(gaps) > 1 else m.note)
    # One line per gap: run together, "Gap 1: … Gap 2: …" reads as one sentence.
    note = "\n".join(notes) if notes else None
    return _result(Fraction(sum(parts), len(gaps)), right, note=note, parts=parts)


def longest_in_order(order: Sequence[int]) -> list[bool]:
    """Per position of `order`: whether its item belongs to one longest run of items in
    the right order relative to each other (a longest increasing subsequence; the first
    found when several tie). An order with no two items in the right order has none."""
    n = len(order)
    # length[i]: longest increasing run ending at i; back[i]: the position before it.
    length = [1] * n
    back = [-1] * n
    for i in range(n):
        for j in range(i):
            if order[j] < order[i] and length[j] + 1 > length[i]:
                length[i], back[i] = length[j] + 1, j
    best = max(length, default=0)
    marks = [False] * n
    if best < 2:
        return marks
    i = length.index(best)
    while i != -1:
        marks[i] = True
        i = back[i]
    return marks


def _grade_ordering(order: list[int], right: str) -> GradeResult:
    # Moodle's "longest ordered subset": every item marked right is counted in the score,
    # so what the learner sees (✓ per item) and the score always agree.
    parts = longest_in_order(order)
    return _result(Fraction(sum(parts), len(order)), right, parts=parts)


# --------------------------------------------------------------------------- describe


def describe_answer(question: Question, answer: Answer) -> str:
    """The learner's answer, human readable (for feedback, review lists and exports).

    Raises `AnswerError` when the answer's shape does not fit the question.
    """
    answer = check_answer_shape(question, answer)
    match question:
        case MultipleChoice():
            return question.choices[cast(int, answer)].text
        case MultipleSelect():
            picked = cast(list[int], answer)
            return "; ".join(question.choices[i].text for i in picked) or "(nothing selected)"
        case TrueFalse():
            return "True" if answer else "False"
        case ShortAnswer():
            return cast(str, answer).strip() or "(blank)"
        case Numeric():
            if isinstance(answer, str):
                return answer.strip() or "(blank)"
            return _with_unit(format_number(cast(float, answer)), question.unit)
        case Cloze():
            gaps = [g.strip() or "(blank)" for g in cast(list[str], answer)]
            if len(gaps) == 1:
                return gaps[0]
            return "; ".join(f"{i}. {g}" for i, g in enumerate(gaps, 1))
        case Ordering():
            return ARROW.join(question.items[i] for i in cast(list[int], answer))
        case Matching():
            given = cast(list[int | None], answer)
            return "; ".join(
                f"{p.left}{ARROW}{'(none)' if j is None else question.pairs[j].right}"
                for p, j in zip(question.pairs, given, strict=True)
            )
        case Flashcard():
            return FLASHCARD_RATINGS[cast(int, answer)]
        case _:
            assert_never(question)
