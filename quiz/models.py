"""The question-bank schema, version 1: the public file format of `quiz`.

Pure data: this module does no I/O. `quiz.banks` reads files into these models and
adds what needs the file system (the `source_quote` check against the article).
See docs/bank-format.md for the format as authors meet it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, ClassVar, Literal, Protocol, Self, get_args

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    TypeAdapter,
    field_validator,
    model_validator,
)
from pydantic.dataclasses import dataclass
from pydantic.fields import FieldInfo
from pydantic_core import SchemaSerializer, SchemaValidator

SCHEMA_VERSION = 1

SLUG_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=1, max_length=80)]
#: Text that must hold more than whitespace: models strip surrounding whitespace first
#: (in pydantic-core, far cheaper than a Python check per string).
NonEmpty = Annotated[str, StringConstraints(min_length=1)]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=60)]
#: Exactly the published schema's types: a boolean is true or false (not "yes", 1 or
#: "true"), a number is a number (not "4", not true), an integer has no fraction.
Boolean = Annotated[bool, Strict()]
Number = Annotated[float, Strict()]


def _integral(value: Any) -> Any:
    """2.0 is the integer 2 in JSON Schema (and TOML writes it so); 2.5 stays refused."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _not_boolean(value: Any) -> Any:
    """true is not the number 1 (pydantic's Literal[1] would take it)."""
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {str(value).lower()}")
    return value


Integer = Annotated[int, Strict(), BeforeValidator(_integral)]

#: An Anki note guid: Anki's own are 10 characters of base 91; a text file's guid column may
#: hold other text, but no control character (a tab or line break would split the note).
ANKI_GUID_PATTERN = r"^[^\x00-\x1f\x7f]+$"
AnkiGuid = Annotated[
    str, StringConstraints(pattern=ANKI_GUID_PATTERN, min_length=1, max_length=100)
]

#: An Anki field name as Anki keeps it (rslib `NoteField::fix_name`): no `:`, `{`, `}` or `"`,
#: not starting with `#`, `/` or `^`; and no control character.
ANKI_FIELD_PATTERN = r'^[^#/^:{}"\x00-\x1f\x7f][^:{}"\x00-\x1f\x7f]*$'
AnkiFieldName = Annotated[
    str, StringConstraints(pattern=ANKI_FIELD_PATTERN, min_length=1, max_length=100)
]
#: An Anki card template name (rslib `CardTemplate::fix_name`: no `"`); no control character.
ANKI_TEMPLATE_PATTERN = r'^[^"\x00-\x1f\x7f]+$'
AnkiTemplateName = Annotated[
    str, StringConstraints(pattern=ANKI_TEMPLATE_PATTERN, min_length=1, max_length=100)
]

#: `{{answer}}` or `{{answer|alternative|...}}` in a cloze text.
CLOZE_GAP = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
#: Something that could be a gap with no answer in it: `{{}}`, `{{ | }}`.
_BLANK_GAP = re.compile(r"\{\{[\s|]*\}\}")


#: Every part of a bank: unknown fields are errors, never ignored; surrounding whitespace
#: is stripped from text (in pydantic-core, far cheaper than a Python check per string).
MODEL_CONFIG = ConfigDict(extra="forbid", populate_by_name=True, str_strip_whitespace=True)


class StrictModel:
    """Base of every part of a bank, with the few model methods the code base uses.

    The parts are slotted pydantic dataclasses (each declared with
    `@dataclass(config=MODEL_CONFIG, slots=True, kw_only=True)`), not `BaseModel`s: a
    large bank holds hundreds of thousands of them, and a slotted instance is one object
    where a `BaseModel` is three (instance, field dict, fields-set). As `BaseModel`s, a
    100,000-question bank held twice the memory (313 MiB, not 154) and took 1.2-1.4 s to
    load in a fresh process, not 0.7-1.0 s. Validation, errors, JSON Schema and
    serialization are pydantic's either way; these methods keep the `BaseModel` spelling.
    """

    __slots__ = ()
    __pydantic_validator__: ClassVar[SchemaValidator]
    __pydantic_serializer__: ClassVar[SchemaSerializer]
    __pydantic_fields__: ClassVar[dict[str, FieldInfo]]

    @classmethod
    def model_validate(cls, data: Any) -> Self:
        """Validate plain data (dicts, lists, ...) into this model; raises ValidationError."""
        result: Self = cls.__pydantic_validator__.validate_python(data)
        return result

    def model_dump(self, **options: Any) -> dict[str, Any]:
        """Plain data, with pydantic's dump options (`by_alias`, `exclude_none`, `mode`...)."""
        data: dict[str, Any] = type(self).__pydantic_serializer__.to_python(self, **options)
        return data

    def model_dump_json(self, **options: Any) -> str:
        """JSON text, with pydantic's dump options."""
        return type(self).__pydantic_serializer__.to_json(self, **options).decode()

    def model_copy(self, *, update: Mapping[str, Any] | None = None) -> Self:
        """A copy with some fields replaced; the copy is validated like any new model."""
        copy: Self = dataclasses.replace(self, **dict(update or {}))  # type: ignore[type-var]
        return copy


def model_fields(model: type[StrictModel]) -> dict[str, FieldInfo]:
    """The fields of a bank model class, by Python name (`FieldInfo.alias` gives the key)."""
    return model.__pydantic_fields__


def field_keys(model: type[StrictModel]) -> list[str]:
    """The keys a bank file uses for a model's fields (aliases, like `schema`), in order."""
    return [info.alias or name for name, info in model_fields(model).items()]


@dataclass(config=MODEL_CONFIG, slots=True, kw_only=True)
class Source(StrictModel):
    """The article a bank is derived from; `path` is relative to the bank file."""

    title: NonEmpty
    path: NonEmpty


@dataclass(config=MODEL_CONFIG, slots=True, kw_only=True)
class Caveat(StrictModel):
    """What a reader should know beyond the article, where the article would mislead.

    Shown after the answer under its own label, never used for grading: the key follows
    the article, the caveat says where the field disagrees and names a `reference` (a
    trial, guideline or society statement) that a reader can look up.
    """

    text: NonEmpty
    reference: NonEmpty


def _unique(values: list[str], what: str) -> list[str]:
    if len(set(values)) != len(values):
        dup = next(v for v in values if values.count(v) > 1)
        raise ValueError(f"{what} must be unique; {dup!r} appears twice")
    return values


@dataclass(config=MODEL_CONFIG, slots=True, kw_only=True)
class AnkiNotetype(StrictModel):
    """The Anki note type of the note a question came from, as far as Anki needs it to
    update that note in place from an .apkg: its id, and its fields' and card templates'
    names in order (Anki compares those, not the templates' contents)."""

    id: Integer = Field(ge=1, le=2**63 - 1)
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    kind: Literal["normal", "cloze"] = "normal"
    fields: list[AnkiFieldName] = Field(min_length=1)
    templates: list[AnkiTemplateName] = Field(min_length=1)

    @field_validator("fields")
    @classmethod
    def _unique_fields(cls, fields: list[str]) -> list[str]:
        return _unique(fields, "field names")

    @field_validator("templates")
    @classmethod
    def _unique_templates(cls, templates: list[str]) -> list[str]:
        return _unique(templates, "template names")

    @model_validator(mode="after")
    def _one_cloze_template(self) -> AnkiNotetype:
        if self.kind == "cloze" and len(self.templates) != 1:
            raise ValueError(f"a cloze note type has one template, not {len(self.templates)}")
        return self


def _check_anki_fields(fields: dict[str, str], notetype: AnkiNotetype | None) -> None:
    if notetype is None:
        raise ValueError("`anki_fields` needs `anki_notetype` (the note type they belong to)")
    others = notetype.fields[2:]
    for name, value in fields.items():
        if name not in others:
            raise ValueError(
                f"anki_fields: {name!r} is not one of the note type's fields after the first "
                f"two ({', '.join(map(repr, others)) or 'it has none'})"
            )
        if "\x1f" in value:
            raise ValueError(f"anki_fields: {name!r} holds a unit separator (U+001F)")


@dataclass(config=MODEL_CONFIG, slots=True, kw_only=True)
class QuestionBase(StrictModel):
    """Fields every question carries, whatever its type."""

    id: Slug
    prompt: NonEmpty
    explanation: NonEmpty
    source_quote: NonEmpty | None = None
    tags: list[Tag] = Field(default_factory=list)
    difficulty: Integer = Field(default=3, ge=1, le=5)
    hint: str | None = None
    caveat: Caveat | None = None
    #: The guid of the Anki note this question was imported from: the .apkg and Anki text
    #: exports write it back, so Anki updates that note instead of adding a new one.
    anki_guid: AnkiGuid | None = None
    #: The note type of that note: the .apkg export writes the note back into it, so that
    #: Anki updates the note in place (its first field holds the prompt or cloze text, its
    #: second the back, answer or cloze explanation).
    anki_notetype: AnkiNotetype | None = None
    #: The note's other fields (after the first two), as Anki had them (HTML): written back
    #: unchanged. Only with `anki_notetype`, whose field names they must be.
    anki_fields: dict[AnkiFieldName, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _anki_fields(self) -> Self:
        if self.anki_fields:
            _check_anki_fields(self.anki_fields, self.anki_notetype)
        return self


@dataclass(config=MODEL_CONFIG, slots=True, kw_only=True)
class Choice(StrictModel):
    """One option of a multiple choice or multiple select question."""

    text: NonEmpty
    correct: Boolean = False
    feedback: str | None = None
    #: Partial credit for a wrong but nearly right choice of a multiple_choice question
    #: (Moodle's `~%50%answer`); the correct choice is always worth 1.
    credit: Number | None = Field(default=None, gt=0, lt=1)


def _check_choices(choices: list[Choice]) -> None:
    # Runs once per choice question on every load: the set test is the fast path, the
    # search for the duplicate only runs when there is one.
    if len({c.text for c in choices}) != len(choices):  # texts already stripped
        texts = [c.text for c in choices]
        dup = next(t for t in texts if texts.count(t) > 1)
        raise ValueError(f"choice texts must be unique; {dup!r} appears twice")


# Rules about one field are field validators so that errors point at that field.


@dataclass(config=MODEL_CONFIG, slots=True, kw_only=True)
class MultipleChoice(QuestionBase):
    """Pick the one correct choice."""

    type: Literal["multiple_choice"]
    choices: list[Choice] = Field(min_length=2)
    shuffle: Boolean = True

    @field_validator("choices")
    @classmethod
    def _one_correct(cls, choices: list[Choice]) -> list[Choice]:
        _check_choices(choices)
        n = [c.correct for c in choices].count(True)
        if n != 1:
            raise ValueError(
                f"a multiple_choice question needs exactly one choice with correct = true, "
                f"found {n}"
            )
        if any(c.credit is not None and c.correct for c in choices):
            raise ValueError(
                "`credit` is for a wrong choice worth part of the mark; "
                "the choice with correct = true is always worth 1"
            )
        return choices


@dataclass(config=MODEL_CONFIG, slots=True, kw_only=True)
class MultipleSelect(QuestionBase):
    """Pick every correct choice; graded with partial credit."""

    type: Literal["multiple_select"]
    choices: list[Choice] = Field(min_length=2)
    shuffle: Boolean = True

    @field_validator("choices")
    @classmethod
    def _some_correct(cls, choices: list[Choice]) -> list[Choice]:
        _check_choices(choices)
        if True not in [c.correct for c in choices]:
            raise ValueError(
                "a multiple_select question needs at least one choice with correct = true"
            )
        if any(c.credit is not None for c in choices):
            raise ValueError(
                "`credit` is for multiple_choice only; "
                "multiple_select gives partial credit by itself"
            )
        return choices


@dataclass(config=MODEL_CONFIG, slots=True, kw_only=True)
class TrueFalse(QuestionBase):
    """A statement the learner marks true or false."""

    type: Literal["true_false"]
    answer: Boolean


#: One key concept of a typed answer: its alternative wordings (at least one).
KeyTerm = Annotated[list[NonEmpty], Field(min_length=1)]


def _check_must_not(must_not: list[str], accepted: list[str], where: str) -> None:
    # An accepted answer that holds a word that makes answers wrong is a contradiction the
    # author should see now, not a learner later.
    for term in must_not:
        pattern = re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE)
        for a in accepted:
            if pattern.search(a):
                raise ValueError(
                    f"{where}: the accepted answer {a!r} contains the must_not {term!r}"
                )


@dataclass(config=MODEL_CONFIG, slots=True, kw_only=True)
class ShortAnswer(QuestionBase):
    """A typed answer; small typos are forgiven unless `exact` is set.

    `must`/`must_not` are key terms: an answer holding one term of every `must` group
    and no `must_not` term is right too (see docs/bank-format.md).
    """

    type: Literal["short_answer"]
    accept: list[NonEmpty] = Field(min_length=1)
    case_sensitive: Boolean = False
    exact: Boolean = False
    must: list[KeyTerm] = Field(default_factory=list)
    must_not: list[NonEmpty] = Field(default_factory=list)

    @model_validator(mode="after")
    def _key_terms(self) -> ShortAnswer:
        if self.exact and (self.must or self.must_not):
            raise ValueError("`must` and `must_not` have no effect with exact = true")
        if self.must_not:
            _check_must_not(self.must_not, self.accept, "must_not")
        return self


@dataclass(config=MODEL_CONFIG, slots=True, kw_only=True)
class NumericRange(StrictModel):
    """A further accepted numeric answer, worth `credit` (0 < credit <= 1)."""

    answer: Number | None = None
    tolerance: Number = Field(default=0.0, ge=0)
    min: Number | None = None
    max: Number | None = None
    credit: Number = Field(default=1.0, gt=0, le=1)

    @model_validator(mode="after")
    def _answer_or_range(self) -> NumericRange:
        _check_numeric(self.answer, self.min, self.max)
        return self


def _check_numeric(answer: float | None, lo: float | None, hi: float | None) -> None:
    if answer is None and (lo is None or hi is None):
        raise ValueError("give either `answer` (with optional `tolerance`) or both `min` and `max`")
    if answer is not None and (lo is not None or hi is not None):
        raise ValueError("give `answer` or `min`/`max`, not both")
    if lo is not None and hi is not None and lo > hi:
        raise ValueError(f"`min` ({lo}) must not be greater than `max` ({hi})")


@dataclass(config=MODEL_CONFIG, slots=True, kw_only=True)
class Numeric(QuestionBase):
    """A number, right within `tolerance` of `answer` or inside [`min`, `max`]."""

    type: Literal["numeric"]
    answer: Number | None = None
    tolerance: Number = Field(default=0.0, ge=0)
    min: Number | None = None
    max: Number | None = None
    unit: str | None = None
    partial: list[NumericRange] = Field(default_factory=list)

    @model_validator(mode="after")
    def _answer_or_range(self) -> Numeric:
        _check_numeric(self.answer, self.min, self.max)
        return self


def cloze_gaps(text: str) -> list[list[str]]:
    """The accepted answers of each `{{...}}` gap in a cloze text, in order."""
    return [
        [alt.strip() for alt in m.group(1).split("|") if alt.strip()]
        for m in CLOZE_GAP.finditer(text)
    ]


@dataclass(config=MODEL_CONFIG, slots=True, kw_only=True)
class GapTerms(StrictModel):
    """Key terms for one gap of a cloze (`gap` counts from 1), as for a short answer."""

    gap: Integer = Field(ge=1)
    must: list[KeyTerm] = Field(default_factory=list)
    must_not: list[NonEmpty] = Field(default_factory=list)


@dataclass(config=MODEL_CONFIG, slots=True, kw_only=True)
class Gap(StrictModel):
    """One gap of a cloze as an Anki Cloze note has it: the card that asks it (`card` = N of
    Anki's `{{cN::...}}`; gaps sharing a number are asked together) and the gap's own hint."""

    card: Integer = Field(ge=1)
    hint: NonEmpty | None = None

    @field_validator("hint")
    @classmethod
    def _plain_hint(cls, hint: str | None) -> str | None:
        # Written back as `{{cN::answer::hint}}`: braces would end the deletion early.
        if hint is not None and ("{{" in hint or "}}" in hint):
            raise ValueError("a gap's hint must not hold '{{' or '}}'")
        return hint


@dataclass(config=MODEL_CONFIG, slots=True, kw_only=True)
class Cloze(QuestionBase):
    """A text with `{{answer}}` or `{{answer|alternative}}` gaps to fill."""

    type: Literal["cloze"]
    text: NonEmpty
    case_sensitive: Boolean = False
    exact: Boolean = False
    gap_terms: list[GapTerms] = Field(default_factory=list)
    #: One entry per gap, in text order, when the question came from an Anki Cloze note
    #: (or is meant for one): which Anki card asks each gap, and its hint.
    gaps: list[Gap] = Field(default_factory=list)

    @model_validator(mode="after")
    def _gaps(self) -> Cloze:
        if self.gaps:
            n = len(CLOZE_GAP.findall(self.text))
            if len(self.gaps) != n:
                raise ValueError(
                    f"`gaps` has {len(self.gaps)} entr{'y' if len(self.gaps) == 1 else 'ies'}, "
                    f"but the text has {n} gap(s): give one per gap, in order"
                )
        return self

    @model_validator(mode="after")
    def _gap_terms(self) -> Cloze:
        if not self.gap_terms:
            return self
        if self.exact:
            raise ValueError("`gap_terms` have no effect with exact = true")
        gaps = cloze_gaps(self.text)
        seen: set[int] = set()
        for t in self.gap_terms:
            if t.gap > len(gaps):
                raise ValueError(
                    f"gap_terms names gap {t.gap}, but the text has {len(gaps)} gap(s)"
                )
            if t.gap in seen:
                raise ValueError(f"gap_terms names gap {t.gap} twice")
            seen.add(t.gap)
            _check_must_not(t.must_not, gaps[t.gap - 1], f"gap_terms (gap {t.gap}) must_not")
        return self

    def terms_for(self, gap: int) -> GapTerms | None:
        """The key terms of gap `gap` (counted from 1), if the bank gives any."""
        return next((t for t in self.gap_terms if t.gap == gap), None)

    @field_validator("text")
    @classmethod
    def _has_gaps(cls, text: str) -> str:
        # Fast path, two C-level searches: a gap exists and nothing looks like a blank
        # one. Any blank gap contains a _BLANK_GAP match, so this never lets one through.
        if CLOZE_GAP.search(text) is not None and _BLANK_GAP.search(text) is None:
            return text
        gaps = cloze_gaps(text)
        if not gaps:
            raise ValueError("a cloze text needs at least one {{answer}} gap")
        for i, gap in enumerate(gaps, 1):
            if not gap:
                raise ValueError(f"gap {i} of the cloze text is empty")
        return text


@dataclass(config=MODEL_CONFIG, slots=True, kw_only=True)
class Ordering(QuestionBase):
    """Items to put in order; `items` lists them in the correct order."""

    type: Literal["ordering"]
    items: list[NonEmpty] = Field(min_length=3)

    @field_validator("items")
    @classmethod
    def _unique(cls, items: list[str]) -> list[str]:
        if len(set(items)) != len(items):
            raise ValueError("ordering items must be unique")
        return items


@dataclass(config=MODEL_CONFIG, slots=True, kw_only=True)
class Pair(StrictModel):
    """One left/right pair of a matching question."""

    left: NonEmpty
    right: NonEmpty


@dataclass(config=MODEL_CONFIG, slots=True, kw_only=True)
class Matching(QuestionBase):
    """Match every left item with its right item; a right item may serve several lefts."""

    type: Literal["matching"]
    pairs: list[Pair] = Field(min_length=3)

    @field_validator("pairs")
    @classmethod
    def _unique(cls, pairs: list[Pair]) -> list[Pair]:
        # Rights may repeat (Moodle allows it: two activities can both be "Forum").
        if len({p.left for p in pairs}) != len(pairs):
            raise ValueError("matching `left` values must be unique")
        if len({p.right for p in pairs}) < 2:
            raise ValueError("a matching question needs at least two different `right` values")
        return pairs


@dataclass(config=MODEL_CONFIG, slots=True, kw_only=True)
class Flashcard(QuestionBase):
    """Front (`prompt`) and `back`; the learner grades their own recall."""

    type: Literal["flashcard"]
    back: NonEmpty


#: The nine question types: the one list every other is derived from. A tenth type added
#: here is found by mypy in every `match` that must handle it (each ends in
#: `typing.assert_never`).
AnyQuestion = (
    MultipleChoice
    | MultipleSelect
    | TrueFalse
    | ShortAnswer
    | Numeric
    | Cloze
    | Ordering
    | Matching
    | Flashcard
)
Question = Annotated[AnyQuestion, Field(discriminator="type")]


def _type_name(model: type[QuestionBase]) -> str:
    """The `type` a bank file writes for this model (its Literal's one value)."""
    (value,) = get_args(model.__pydantic_fields__["type"].annotation)
    return str(value)


#: Question type name -> model, in the order of `AnyQuestion`.
QUESTION_MODELS: dict[str, type[QuestionBase]] = {_type_name(m): m for m in get_args(AnyQuestion)}
#: The question type names, as bank files write them.
QUESTION_TYPES: tuple[str, ...] = tuple(QUESTION_MODELS)


@dataclass(config=MODEL_CONFIG, slots=True, kw_only=True)
class Bank(StrictModel):
    """A question bank: metadata plus a non-empty list of questions."""

    schema_version: Annotated[Literal[1], BeforeValidator(_not_boolean)] = Field(alias="schema")
    id: Slug
    title: NonEmpty
    description: str = ""
    tags: list[Tag] = Field(default_factory=list)
    source: Source | None = None
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _bank_rules(self) -> Bank:
        if len({q.id for q in self.questions}) != len(self.questions):
            ids = [q.id for q in self.questions]
            seen: dict[str, int] = {}
            for i, qid in enumerate(ids):
                if qid in seen:
                    raise ValueError(
                        f"duplicate question id {qid!r} (questions {seen[qid] + 1} and {i + 1})"
                    )
                seen[qid] = i
        guids = [q.anki_guid for q in self.questions if q.anki_guid is not None]
        if len(set(guids)) != len(guids):
            dup = next(g for g in guids if guids.count(g) > 1)
            raise ValueError(
                f"anki_guid {dup!r} is on two questions (one Anki note is one question)"
            )
        if self.source is not None:
            missing = [q.id for q in self.questions if not q.source_quote]
            if missing:
                raise ValueError(
                    "every question needs a `source_quote` when the bank has a `source`; "
                    f"missing in: {', '.join(missing)}"
                )
        return self

    def question(self, question_id: str) -> Question | None:
        """The question with this id, or None."""
        for q in self.questions:
            if q.id == question_id:
                return q
        return None

    def question_tags(self) -> list[tuple[str, list[str]]]:
        """Each question's id and own tags, in file order (all that listing and picking
        questions need: see `BankView`)."""
        return [(q.id, q.tags) for q in self.questions]

    def questions_at(self, numbers: Sequence[int]) -> list[Question]:
        """Questions by number (0-based, file order)."""
        return [self.questions[i] for i in numbers]

    def to_data(self) -> dict[str, Any]:
        """Plain data in file order, as a bank file holds it (no defaults-only noise)."""
        return self.model_dump(by_alias=True, exclude_none=True, exclude_defaults=False)


class BankView(Protocol):
    """What studying needs of a bank: a `Bank`, or a big bank validated question by
    question as a session asks for them (`quiz.banks.LazyBank`).

    `questions` is a sequence; indexing it builds (and validates) only that question, so
    code that needs only ids and tags uses `question_tags()` instead of iterating it.
    """

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def tags(self) -> list[str]: ...
    @property
    def source(self) -> Source | None: ...
    @property
    def questions(self) -> Sequence[Question]: ...
    def question(self, question_id: str) -> Question | None: ...
    def question_tags(self) -> Sequence[tuple[str, Sequence[str]]]: ...
    def questions_at(self, numbers: Sequence[int]) -> list[Question]: ...


#: Reused everywhere: building a TypeAdapter is expensive, validating with it is not.
BANK_ADAPTER: TypeAdapter[Bank] = TypeAdapter(Bank)
QUESTION_ADAPTER: TypeAdapter[Question] = TypeAdapter(Question)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a bank file, for editors and other tools."""
    schema = BANK_ADAPTER.json_schema(by_alias=True)
    # Pydantic lists a dataclass's properties in no useful order; editors offer them in
    # schema order, so put them in the order the models (and the docs) give them.
    parts = [
        Source,
        Caveat,
        Choice,
        NumericRange,
        Pair,
        GapTerms,
        Gap,
        AnkiNotetype,
        *QUESTION_MODELS.values(),
    ]
    for cls, node in [(Bank, schema), *((m, schema["$defs"][m.__name__]) for m in parts)]:
        order = field_keys(cls)
        node["properties"] = {k: node["properties"][k] for k in order}
        if "required" in node:
            node["required"] = [k for k in order if k in node["required"]]
    for cls in QUESTION_MODELS.values():
        # Pydantic says a dict's key pattern with `patternProperties`, which lets other
        # keys through: say it as the keys' rule, as the models apply it.
        node = schema["$defs"][cls.__name__]["properties"]["anki_fields"]
        ((pattern, value),) = node.pop("patternProperties").items()
        node["propertyNames"]["pattern"] = pattern
        node["additionalProperties"] = value
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    schema["$id"] = "https://quiz.local/schema/bank-v1.json"
    schema["title"] = "quiz question bank (schema 1)"
    return schema
