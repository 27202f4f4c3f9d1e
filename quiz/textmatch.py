"""Deciding whether a typed answer says what an accepted answer says.

Pure functions, no I/O. `quiz.grading` calls `match` for short answers and cloze gaps and
`read_number_words` for numeric answers that are not plain numbers. The rules (the
module docstring of `quiz.grading` gives them as a learner meets them):

* Answers are compared word by word. A word is a run of letters and digits; everything
  else separates words, so "T-reg", "T reg" and "T.reg" are the same two words, and the
  words joined ("Treg", "antiinflammatory") are the same as the words apart.
* "a", "an" and "the" are ignored wherever they stand.
* Each word is taken in its American spelling (breame's list of British/American pairs,
  plus the Greek "ae"/"oe" of medical words that the list lacks: "haematopoietic"), and
  inflections are ignored: words compare by their dictionary form in simplemma's
  English lexicon ("infections" = "infection", but "mechanics" is not "mechanisms"),
  two words it lacks (technical terms: "Tregs"/"Treg") by Snowball English stem.
* Words the learner adds that come from the question's own prompt (or, for a cloze, the
  text around the gaps) are ignored, never a negation.
* "X (Y)" is right when X is right and Y is right or Y is X's abbreviation, either way
  round ("graft-versus-host disease (GVHD)").
* A typo is forgiven word by word: none in a word of 3 letters or fewer, 1 in 4-7
  letters, 2 from 8. Never when the typed word is itself a word of the language
  (simplemma's English lexicon): "injection" is not a typo of "infection".
  Words keep their order: "host versus graft" is not "graft versus host".
* Key terms (`must`, `must_not`): the answer is also right when it contains one term of
  every `must` group (words in order, each word compared as above); a `must_not` term
  anywhere makes it wrong unless it is literally one of the accepted answers.

The lexicon, the stemmer and the spelling list are loaded on first use only, so that
importing the app stays fast (the lexicon takes about 0.4 s and 27 MB to load).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from rapidfuzz.distance import OSA

#: A word: letters and digits (underscore is punctuation here).
_WORD = re.compile(r"[^\W_]+")
ARTICLES = frozenset({"a", "an", "the"})
#: Never dropped as "a word from the prompt": each one turns an answer around.
NEGATIONS = frozenset(
    {"no", "not", "non", "never", "without", "nor", "neither", "none", "less", "fewer", "un"}
)
#: "X (Y)": an answer with a parenthesised part at its end.
_PAREN = re.compile(r"(.+?)\s*\((.+)\)")
_QUOTES = dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032\u00b4`"), "'")
_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"), "-")


@cache
def _stemmer() -> object:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@cache
def _british_to_american() -> dict[str, str]:
    from breame.data.spelling_constants import BRITISH_ENGLISH_SPELLINGS

    return dict(BRITISH_ENGLISH_SPELLINGS)


@lru_cache(maxsize=16384)
def is_known_word(word: str) -> bool:
    """Whether `word` (lower case) is a word of English, per simplemma's English lexicon."""
    import simplemma

    return simplemma.is_known(word, lang="en")


@lru_cache(maxsize=16384)
def lemma(word: str) -> str:
    """The dictionary form of a lower-case word ("infections" -> "infection")."""
    import simplemma

    return simplemma.lemmatize(word, lang="en").casefold()


# Medical words keep the Greek "ae"/"oe" in British English; breame's list has few of them.
_AE = re.compile(r"(?<=[a-z])ae(?=[a-z])")
_OE_START = re.compile(r"^(f(?=oet))?oe(?=[a-z])")


@lru_cache(maxsize=8192)
def american(word: str) -> str:
    """The American spelling of a lower-case word (itself when it has no other)."""
    found = _british_to_american().get(word)
    if found is not None:
        return found
    if "ae" in word or word.startswith(("oe", "foe")):
        other = _OE_START.sub(r"\1e", _AE.sub("e", word))
        # Only where that spelling is a word, or the word was unknown anyway: "foes" stays.
        if is_known_word(other) or not is_known_word(word):
            return other
    return word


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """The Snowball English stem of a lower-case word."""
    result: str = _stemmer().stemWord(word)  # type: ignore[attr-defined]
    return result


@dataclass(frozen=True, slots=True)
class Word:
    """One word of an answer: as typed (lower case, American spelling), its dictionary
    form and stem, and whether it is a word of the lexicon at all."""

    text: str
    lemma: str
    stem: str
    known: bool

    def same(self, other: Word) -> bool:
        """The same word, maybe inflected ("cells"/"cell", "Tregs"/"Treg").

        Words of the lexicon compare by dictionary form, so that words sharing a stem
        but not a meaning stay apart ("mechanics"/"mechanisms"); the stem decides only
        between two words the lexicon lacks (technical terms).
        """
        if self.lemma == other.lemma:
            return True
        return not self.known and not other.known and self.stem == other.stem


def _fold(text: str) -> str:
    t = unicodedata.normalize("NFKC", text).translate(_QUOTES).translate(_DASHES)
    return t.casefold()


@lru_cache(maxsize=16384)
def _word(text: str) -> Word:
    """`text` (lower case, one word or several joined) as a Word."""
    w = american(text)
    known = is_known_word(w)
    return Word(w, lemma(w) if known else w, stem(w), known)


@lru_cache(maxsize=8192)
def words(text: str) -> tuple[Word, ...]:
    """The words of `text` that count, articles left out."""
    out: list[Word] = []
    for raw in _WORD.findall(_fold(text).replace("'s", "")):
        if raw not in ARTICLES:
            out.append(_word(raw))
    return tuple(out)


@lru_cache(maxsize=1024)
def context_stems(text: str) -> frozenset[str]:
    """Stems of the words of a prompt that an answer may repeat without changing it."""
    return frozenset(w.lemma for w in words(text) if w.text not in NEGATIONS) | frozenset(
        w.stem for w in words(text) if w.text not in NEGATIONS and not w.known
    )


def _typo_budget(word: str) -> int:
    n = len(word)
    if n <= 3 or any(c.isdigit() for c in word):
        return 0
    return 1 if n <= 7 else 2


def _is_typo(given: Word, right: Word) -> bool:
    """`given` is a misspelling of `right` (never a real word, never a short word)."""
    budget = _typo_budget(right.text)
    if budget == 0 or len(given.text) <= 3:
        return False
    if given.known:
        return False
    return (
        OSA.distance(given.text, right.text, score_cutoff=budget) <= budget
        or OSA.distance(given.stem, right.stem, score_cutoff=budget) <= budget
    )


def _joined(ws: Sequence[Word]) -> tuple[str, str]:
    return "".join(w.text for w in ws), "".join(w.lemma for w in ws)


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of `match`: right or not, and whether a typo was forgiven."""

    right: bool
    typo: bool = False
    #: The accepted answer (or, for a misspelt key term, the term) it matched.
    accepted: str | None = None


def _same(given: Sequence[Word], right: Sequence[Word], typos: bool) -> Verdict:
    """Same words in the same order, allowing joined forms and (if `typos`) misspellings."""
    if not given or not right:
        return Verdict(False)
    if len(given) == len(right) and all(g.same(r) for g, r in zip(given, right, strict=True)):
        return Verdict(True)
    g_text, g_lemma = _joined(given)
    r_text, r_lemma = _joined(right)
    if g_text == r_text or g_lemma == r_lemma or _word(g_text).same(_word(r_text)):
        return Verdict(True)
    if not typos or len(given) != len(right):
        return Verdict(False)
    typo = False
    for g, r in zip(given, right, strict=True):
        if g.same(r):
            continue
        if not _is_typo(g, r):
            return Verdict(False)
        typo = True
    return Verdict(True, typo)


def _matches_one(
    given: Sequence[Word], right: Sequence[Word], context: frozenset[str], typos: bool
) -> Verdict:
    v = _same(given, right, typos)
    if v.right or not context:
        return v
    # Words from the prompt may be added ("autologous HSCT" when the prompt says HSCT),
    # unless the accepted answer itself uses them (then they must be where it has them).
    own = {w.lemma for w in right} | {w.stem for w in right}
    kept = [
        w
        for w in given
        if w.lemma in own or w.stem in own or (w.lemma not in context and w.stem not in context)
    ]
    if len(kept) == len(given):
        return v
    return _same(kept, right, typos)


def _abbreviates(abbrev: Sequence[Word], full: Sequence[Word]) -> bool:
    """`abbrev` is one word made of the initials of `full` ("GVHD", "HSCTs")."""
    if len(abbrev) != 1 or len(full) < 2:
        return False
    initials = "".join(w.text[0] for w in full)
    a = abbrev[0].text
    return a == initials or (a.endswith("s") and a[:-1] == initials)


def _contains(given: Sequence[Word], term: Sequence[Word], typos: bool) -> bool:
    n = len(term)
    if not n:
        return False
    for i in range(len(given) - n + 1):
        if _same(given[i : i + n], term, typos).right:
            return True
    # Joined in the answer ("organdamage") or apart where the term is joined ("t reg").
    _, t_lemma = _joined(term)
    return any(
        _joined(given[i:j])[1] == t_lemma
        for i in range(len(given))
        for j in range(i + 1, min(len(given), i + n + 1) + 1)
    )


@dataclass(frozen=True, slots=True)
class KeyTerms:
    """Key terms of an answer: one term of each `must` group, none of `must_not`."""

    must: tuple[tuple[str, ...], ...] = ()
    must_not: tuple[str, ...] = ()


def match(
    given_text: str,
    accepted: Sequence[str],
    *,
    context: str = "",
    terms: KeyTerms | None = None,
    typos: bool = True,
) -> Verdict:
    """Whether `given_text` says what one of `accepted` says (rules in the module docstring).

    `context` is the prompt (and for a cloze its text) whose words an answer may repeat.
    Returns the verdict; `typo` is set when only a forgiven misspelling made it right.
    """
    given = words(given_text)
    if not given:
        return Verdict(False)
    ctx = context_stems(context) if context else frozenset()
    if terms is not None and terms.must_not:
        literal = _fold(given_text).strip()
        if any(_contains(given, words(t), False) for t in terms.must_not) and not any(
            _fold(a).strip() == literal for a in accepted
        ):
            return Verdict(False)
    best: Verdict | None = None
    m = _PAREN.fullmatch(_fold(given_text).strip().rstrip(".!?;:,").strip())
    for a in accepted:
        right = words(a)
        v = _matches_one(given, right, ctx, typos)
        if v.right and (best is None or (best.typo and not v.typo)):
            best = Verdict(True, v.typo, a)
        if m and best is None:
            outer, inner = words(m.group(1)), words(m.group(2))
            for first, second in ((outer, inner), (inner, outer)):
                v = _matches_one(first, right, ctx, typos)
                if not v.right:
                    continue
                if (
                    _abbreviates(second, first)
                    or _abbreviates(second, right)
                    or any(_matches_one(second, words(b), ctx, typos).right for b in accepted)
                    or all(w.lemma in ctx or w.stem in ctx for w in second)
                ):
                    best = Verdict(True, v.typo, a)
    if best is not None and not best.typo:
        return best
    if terms is not None and terms.must:
        if all(any(_contains(given, words(t), False) for t in g) for g in terms.must):
            return Verdict(True)
        if best is None and typos:
            # Right only with a misspelt key term: the note names the first such term.
            misspelt: str | None = None
            for group in terms.must:
                if any(_contains(given, words(t), False) for t in group):
                    continue
                found = next((t for t in group if _contains(given, words(t), True)), None)
                if found is None:
                    return Verdict(False)
                misspelt = misspelt or found
            return Verdict(True, True, misspelt)
    return best or Verdict(False)


# --------------------------------------------------------------------------- numbers

_LEADING_DIGITS = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)")
#: Words after a number that make it a range, an estimate or something else.
_QUALIFIERS = frozenset(
    {
        "or",
        "to",
        "than",
        "more",
        "less",
        "fewer",
        "over",
        "under",
        "about",
        "approximately",
        "around",
        "roughly",
        "least",
        "most",
        "not",
        "no",
        "nearly",
        "almost",
        "plus",
        "minus",
        "times",
    }
)


def _text2num(text: str) -> int | None:
    from text_to_num import text2num

    try:
        return int(text2num(text, "en"))
    except ValueError:
        return None


def read_number_words(text: str) -> float | None:
    """A number typed with words or with words after it, or None.

    "four", "twenty-one", "Four.", "4 steps", "three kinds of medication", "3 (bone,
    cartilage and fat)". The text must start with the number, and what follows must hold
    no other number and nothing that makes a range or an estimate ("3 or 4", "2 to 3",
    "more than 3").
    """
    t = _fold(text).strip().rstrip(".!?;:,").strip()
    m = _PAREN.fullmatch(t)
    if m:
        t = m.group(1).strip()
    digits = _LEADING_DIGITS.match(t)
    if digits:
        value: float | None = float(digits.group().replace(",", "."))
        rest = t[digits.end() :]
        if rest[:1].isalnum() or rest[:1] in (".", ","):
            return None  # "3rd", "3x", "3.5.1": not a count followed by words
    else:
        tokens = t.split()
        value, n = None, 0
        for k in range(min(len(tokens), 5), 0, -1):
            got = _text2num(" ".join(tokens[:k]))
            if got is not None:
                value, n = float(got), k
                break
        if value is None:
            return None
        rest = " ".join(tokens[n:])
    rest_words = _WORD.findall(rest)
    if any(c.isdigit() for c in rest) or any(w in _QUALIFIERS for w in rest_words):
        return None
    if any(_text2num(w) is not None for w in rest_words if w not in ARTICLES):
        return None
    if rest.strip()[:1] in ("-", "/", "+", "×", "*"):
        return None
    return value
