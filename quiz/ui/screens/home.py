"""Home: every bank with its size, due cards, last score and mastery; Review due on top."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from quiz.numbers import DASH, format_percent
from quiz.ui.app import DataReady
from quiz.ui.footer import QuizFooter

if TYPE_CHECKING:
    from quiz.store import BankSummary, SessionState
    from quiz.study import HomeNumbers, StudyService
    from quiz.ui.app import QuizApp

REVIEW_KEY = "::review"
TAG_KEY = "::tag"
INVALID_PREFIX = "::invalid:"
RESUME_PREFIX = "::resume:"


#: Default width for clipped titles (Stats); Home sizes its title column to the screen.
TITLE_WIDTH = 40
#: Narrowest the title column gets on Home, however small the terminal.
MIN_TITLE_WIDTH = 16
#: Room a vertical scrollbar takes when the banks do not fit.
SCROLLBAR_WIDTH = 2


def clip(text: str, width: int = TITLE_WIDTH) -> str:
    """`text` on one line, at most `width` characters (ending in … when cut)."""
    text = " ".join(text.split())
    # Cells, not characters: a wide (e.g. CJK) character takes two columns.
    return text if cell_len(text) <= width else set_cell_size(text, width - 1) + "…"


def _percent(fraction: float | None) -> Text:
    return Text(DASH, style="dim") if fraction is None else Text(format_percent(fraction))


#: How many tags the filter suggests at once.
MAX_SUGGESTIONS = 6


def tag_suggestions(query: str, counts: dict[str, int]) -> list[tuple[str, int]]:
    """Tags for what was typed, best first: those starting with it, then those containing
    it, then close spellings (rapidfuzz); each with its number of questions."""
    query = query.strip().lstrip("#").casefold()
    if not query:
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_SUGGESTIONS]
    prefix = [t for t in counts if t.casefold().startswith(query)]
    inside = [t for t in counts if query in t.casefold() and t not in prefix]
    ranked = sorted(prefix, key=lambda t: (-counts[t], t))
    ranked += sorted(inside, key=lambda t: (-counts[t], t))
    if len(ranked) < MAX_SUGGESTIONS:
        from rapidfuzz import fuzz, process

        rest = [t for t in counts if t not in ranked]
        close = process.extract(
            query, rest, scorer=fuzz.WRatio, processor=str.casefold, score_cutoff=70, limit=None
        )
        ranked += [t for t, _, _ in sorted(close, key=lambda m: (-m[1], -counts[m[0]], m[0]))]
    return [(t, counts[t]) for t in ranked[:MAX_SUGGESTIONS]]


class TagField(Input):
    """The tag filter: ↓ goes to the suggestions, Esc clears the filter."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "screen.suggestions", "Suggestions", show=False),
        Binding("escape", "screen.clear_filter", "Clear filter"),
    ]


class TagSuggestions(OptionList):
    """Tags matching what was typed, with their question counts; Enter picks one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "screen.clear_filter", "Clear filter"),
    ]


class BankTable(DataTable[Text]):
    """The banks, one per row; Home and End go to the first and last row.

    DataTable's own Home/End scroll sideways when the cursor is a row cursor, which a
    learner reads as the keys doing nothing.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # DataTable's own Enter binding is hidden, and as the focused widget's it hides
        # Home's "Start" from the footer: show it here, where the key is handled.
        Binding("enter", "select_cursor", "Start", tooltip="Quiz on the selected bank"),
        Binding("home", "scroll_top", "First", show=False),
        Binding("end", "scroll_bottom", "Last", show=False),
    ]


@dataclass(frozen=True)
class Listed:
    """A bank (or an invalid file, with its problem) as Home lists it."""

    key: str
    title: str
    questions: int = 0
    #: Questions of this bank carrying each tag.
    tag_counts: Mapping[str, int] = field(default_factory=dict)
    description: str = ""
    tags: tuple[str, ...] = ()
    problem: str | None = None


class NumbersRead(Message):
    """Home's numbers, read from the store in a thread worker."""

    def __init__(self, numbers: HomeNumbers, generation: int) -> None:
        super().__init__()
        self.numbers = numbers
        self.generation = generation


class HomeScreen(Screen[None]):
    """Pick what to study."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "start", "Start", id="home.start", tooltip="Quiz on the selected bank"),
        Binding(
            "escape",
            "clear_filter",
            "Clear filter",
            id="home.clear_filter",
            tooltip="Show every bank again",
        ),
        Binding("o", "options", "Options", id="home.options", tooltip="Count, time limit, mode"),
        Binding("f", "flashcards", "Flashcards", id="home.flashcards"),
        Binding("r", "review", "Review", id="home.review", tooltip="Every due card, all banks"),
        Binding("slash", "filter", "Tags", id="home.filter", key_display="/", tooltip="By tag"),
        Binding("s", "app.stats", "Stats", id="home.stats"),
        Binding("p", "app.switch_profile", "Profile", id="home.profile"),
        Binding(
            "x",
            "app.set_aside",
            "Suspended",
            id="home.set_aside",
            tooltip="Suspended & buried questions: restore them",
            show=False,
        ),
        Binding("q", "app.quit_checked", "Quit", id="home.quit"),
    ]

    AUTO_FOCUS = "#banks"

    tag_filter: reactive[str] = reactive("", init=False)

    app: QuizApp

    def __init__(self) -> None:
        super().__init__()
        #: The first error of each invalid bank, by path, for the detail line.
        self._invalid: dict[str, str] = {}
        #: The screen width the rows' titles were clipped for.
        self._rows_width = 0
        #: Unfinished sessions shown as rows, by row key.
        self._unfinished: dict[str, SessionState] = {}
        self._summaries: dict[str, BankSummary] = {}
        #: The valid banks listed, by row key.
        self._listed: dict[str, Listed] = {}
        #: Home's numbers as last read (None until the first read arrives).
        self._numbers: HomeNumbers | None = None
        #: Bumped per read asked for; an older read arriving late is dropped.
        self._generation = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="home-bar"):
            yield Static("", id="due-summary")
            # The tag filter's Input is mounted on first use ("/"): it is the costliest
            # widget of this screen, and Home must come up at Textual's own speed.
            yield Static(Text("/ filter by tag", style="dim"), id="tag-hint")
        yield BankTable(id="banks", cursor_type="row", zebra_stripes=True)
        yield Static(Text("Loading banks…"), id="home-detail")
        yield QuizFooter()

    def on_mount(self) -> None:
        table = self.query_one("#banks", DataTable)
        table.add_column("Bank", key="title")
        table.add_column("Questions", key="count")
        table.add_column("Due", key="due")
        table.add_column("Last score", key="last")
        table.add_column("Mastery", key="mastery")
        table.focus()
        if self.app.data is not None:
            self.refresh_rows()
        else:
            self._render_rows()  # from the cached index, if there is one

    def on_data_ready(self, _: DataReady) -> None:
        self.refresh_rows()

    def on_screen_resume(self) -> None:
        if self.app.data is not None:
            self.refresh_rows()

    def watch_tag_filter(self) -> None:
        # The tag filter filters what is already loaded: no store read per keystroke.
        self._render_rows()

    def _tag_counts(self) -> dict[str, int]:
        """Every tag of the listed banks, with how many questions carry it (from what is
        already loaded: no store read per keystroke)."""
        counts: dict[str, int] = {}
        for entry in self._listing() or []:
            for tag, n in entry.tag_counts.items():
                counts[tag] = counts.get(tag, 0) + n
        return counts

    def _suggest(self, typed: str) -> None:
        box = self.query_one("#tag-suggestions", TagSuggestions)
        found = tag_suggestions(typed, self._tag_counts())
        box.clear_options()
        box.add_options(
            [
                Option(Text.assemble(tag, (f"  {n} question{'s' * (n != 1)}", "dim")), id=tag)
                for tag, n in found
            ]
        )
        box.display = bool(found)

    @on(Input.Changed, "#tag-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        typed = event.value.strip().lstrip("#")
        # The banks with exactly this tag (none while it is not one yet), and below the
        # field the tags it could be.
        self.tag_filter = typed
        self._suggest(typed)

    @on(Input.Submitted, "#tag-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        typed = event.value.strip().lstrip("#")
        if typed and typed not in self._tag_counts():
            found = tag_suggestions(typed, self._tag_counts())
            if not found:
                self.notify(f"No tag like {typed!r}.", markup=False)
                return
            self._pick(found[0][0])
            return
        self._pick(typed)

    @on(OptionList.OptionSelected, "#tag-suggestions")
    def _suggestion_picked(self, event: OptionList.OptionSelected) -> None:
        self._pick(event.option.id or "")

    def _pick(self, tag: str) -> None:
        """Filter by `tag` and go back to the banks."""
        tag_input = self.query_one("#tag-filter", Input)
        with tag_input.prevent(Input.Changed):
            tag_input.value = tag
        self.tag_filter = tag
        self.query_one("#tag-suggestions").display = False
        self.query_one("#banks", DataTable).focus()

    def action_suggestions(self) -> None:
        """From the tag tag_input, down into its suggestions."""
        box = self.query_one("#tag-suggestions", TagSuggestions)
        if box.display and box.option_count:
            box.highlighted = 0
            box.focus()

    def action_clear_filter(self) -> None:
        """Esc: no tag filter, every bank shown again."""
        for tag_input in self.query("#tag-filter").results(Input):
            with tag_input.prevent(Input.Changed):
                tag_input.value = ""
            tag_input.display = False
        for box in self.query("#tag-suggestions"):
            box.display = False
        self.query_one("#tag-hint", Static).display = True
        self.tag_filter = ""
        self.query_one("#banks", DataTable).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            shown = any(tag_input.display for tag_input in self.query("#tag-filter"))
            return True if self.tag_filter or shown else None
        return True

    def refresh_rows(self) -> None:
        """Show the banks now, and read the learner's numbers for them off the UI thread."""
        data = self.app.data
        if data is None:
            return
        self._render_rows()
        self._generation += 1
        self.run_worker(
            partial(self._read_numbers, data.service, self._generation),
            thread=True,
            exclusive=True,
            group="home-numbers",
            name="home-numbers",
            exit_on_error=False,
        )

    def _read_numbers(self, service: StudyService, generation: int) -> None:
        """Thread worker: the history queries; the result comes back as a message."""
        self.post_message(NumbersRead(service.read_home(), generation))

    def on_numbers_read(self, message: NumbersRead) -> None:
        data = self.app.data
        if message.generation != self._generation or data is None:
            return  # a newer read is on its way
        if message.numbers.profile != data.service.profile:
            return
        self._numbers = message.numbers
        self._render_rows()

    def _listing(self) -> list[Listed] | None:
        """The banks to list: from the loaded catalog, else from the cached index."""
        data = self.app.data
        if data is not None:
            info = data.service.info
            listed: list[Listed] = []
            seen: set[str] = set()
            for loaded in data.catalog.banks:
                bank = loaded.bank
                if bank.id in seen:
                    continue
                seen.add(bank.id)
                listed.append(
                    Listed(
                        key=bank.id,
                        title=bank.title,
                        questions=len(bank.questions),
                        tag_counts=info.bank_tag_counts.get(bank.id, {}),
                        description=bank.description,
                        tags=tuple(bank.tags),
                    )
                )
            for path, problems in data.catalog.invalid:
                first = problems[0].format() if problems else "invalid"
                listed.append(Listed(key=str(path), title=path.name, problem=first))
            return listed
        index = self.app.index
        if index is None:
            return None
        return [
            Listed(
                key=e.id,
                title=e.title,
                questions=e.questions,
                tag_counts=e.tag_counts,
                description=e.description,
                tags=e.tags,
            )
            if e.problem is None
            else Listed(key=e.path, title=Path(e.path).name, problem=e.problem)
            for e in index
        ]

    def _render_rows(self) -> None:
        """Rebuild the table from the banks and the numbers last read (no store access).

        Before the banks are loaded, the list comes from the cached index (titles, sizes,
        tags) with "…" for every number.
        """
        data = self.app.data
        listing = self._listing()
        if listing is None:
            return
        self._listed = {e.key: e for e in listing if e.problem is None}
        table = self.query_one("#banks", DataTable)
        cursor_key = None
        if table.row_count:
            try:
                cursor_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            except Exception:
                cursor_key = None
        table.clear()
        rows: list[tuple[str, str | None, list[Text], str]] = []  # title, style, cells, key
        numbers = self._numbers
        if data is None or (numbers is not None and numbers.profile != data.service.profile):
            numbers = None  # not loaded yet, or another profile's numbers: wait for this one's
        pending = Text("…", style="dim")
        summaries = numbers.summaries if numbers is not None else {}
        self._summaries = summaries
        total_due = sum(s.due for s in summaries.values())
        self.query_one("#due-summary", Static).update(
            Text.assemble(("Due now: ", "bold"), (str(total_due), "bold"))
            if numbers is not None
            else Text.assemble(("Due now: ", "bold"), pending)
        )
        due_cell = (
            Text(str(total_due), style="bold" if total_due else "dim")
            if numbers is not None
            else pending
        )
        rows.append(
            (
                "★ Review due (all banks)",
                "bold",
                [Text(""), due_cell, Text(""), Text("")],
                REVIEW_KEY,
            )
        )
        self._unfinished = {}
        for state in numbers.unfinished if numbers is not None else []:
            key = f"{RESUME_PREFIX}{state.id}"
            self._unfinished[key] = state
            title = state.scope.get("title") or state.mode
            progress = Text(f"{len(state.answered)}/{len(state.queue)}", style="dim")
            rows.append(
                (f"↻ Resume: {title}", "italic", [progress, Text(""), Text(""), Text("")], key)
            )
        tag = self.tag_filter
        valid = [e for e in listing if e.problem is None]
        if tag:
            blank = [Text(""), Text(""), Text("")]
            n = sum(e.tag_counts.get(tag, 0) for e in valid)
            rows.append(
                (f"# All questions tagged {tag}", "italic", [Text(str(n)), *blank], TAG_KEY)
            )
        for entry in valid:
            if tag and tag not in entry.tag_counts:
                continue
            s = summaries.get(entry.key)
            if numbers is None:
                cells = [Text(str(entry.questions)), pending, pending, pending]
            else:
                cells = [
                    Text(str(entry.questions)),
                    Text(str(s.due if s else 0)),
                    _percent(s.last_score if s else None),
                    # Nothing answered yet: no mastery to speak of (a dash, not 0%).
                    _percent(s.mastery if s and s.attempts else None),
                ]
            rows.append((entry.title, None, cells, entry.key))
        if not tag:
            for entry in listing:
                if entry.problem is None:
                    continue
                blank = [Text(""), Text(""), Text(""), Text("")]
                key = f"{INVALID_PREFIX}{entry.key}"
                rows.append((f"⚠ {entry.title} (invalid)", "red", blank, key))
                self._invalid[entry.key] = entry.problem
        # The columns exactly as wide as their cells now: clear() keeps each as wide as
        # its widest cell ever was (a narrower terminal needs the titles to shrink), and
        # the table measures new rows only on its next idle (a frame drawn before that, a
        # busy moment or a resize, showed every title cut to the header's width).
        number_widths = self._number_widths([cells for _, _, cells, _ in rows])
        width = self._title_width(number_widths)
        shown = [
            (Text(clip(title, width), style=style or ""), cells, key)
            for title, style, cells, key in rows
        ]
        title_column, *number_columns = table.columns.values()
        title_column.content_width = max(
            [title_column.label.cell_len, *(text.cell_len for text, _, _ in shown)]
        )
        for column, column_width in zip(number_columns, number_widths, strict=True):
            column.content_width = column_width
        for title_text, cells, key in shown:
            table.add_row(title_text, *cells, key=key)
        if cursor_key is not None:
            with contextlib.suppress(Exception):  # that row may be gone (filtered out)
                table.move_cursor(row=table.get_row_index(cursor_key))
        self._show_detail()

    def _number_widths(self, rows: list[list[Text]]) -> list[int]:
        """Each number column's width: its header or its widest cell."""
        table = self.query_one("#banks", DataTable)
        columns = list(table.columns.values())[1:]
        return [
            max([column.label.cell_len, *(row[i].cell_len for row in rows)])
            for i, column in enumerate(columns)
        ]

    def _title_width(self, number_widths: list[int]) -> int:
        """The widest title that leaves room for the number columns on this screen."""
        table = self.query_one("#banks", DataTable)
        padding = 2 * table.cell_padding
        numbers = sum(padding + width for width in number_widths)
        # The table spans the screen; before the first layout the app's size is the screen's.
        width = self.size.width or self.app.size.width
        self._rows_width = width
        return max(MIN_TITLE_WIDTH, width - numbers - padding - SCROLLBAR_WIDTH)

    def on_resize(self) -> None:
        # Titles are clipped to the width they were laid out for: redo them when it changes.
        if self.app.data is not None and self.size.width != self._rows_width:
            self._render_rows()

    def _selected_key(self) -> str | None:
        table = self.query_one("#banks", DataTable)
        if not table.row_count:
            return None
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:
            return None
        return str(key) if key is not None else None

    @on(DataTable.RowHighlighted, "#banks")
    def _show_detail(self) -> None:
        detail = self.query_one("#home-detail", Static)
        key = self._selected_key()
        if key is None:
            detail.update("")
            return
        if key == REVIEW_KEY:
            detail.update(Text("Every due card across banks, the ones you missed first."))
        elif key == TAG_KEY:
            detail.update(Text(f"A quiz on every question tagged {self.tag_filter!r}."))
        elif key.startswith(INVALID_PREFIX):
            path = key[len(INVALID_PREFIX) :]
            detail.update(Text(self._invalid.get(path, ""), style="red"))
        elif key.startswith(RESUME_PREFIX):
            state = self._unfinished.get(key)
            if state is not None:
                done, total = len(state.answered), len(state.queue)
                detail.update(
                    Text(f"Left unfinished: {done} of {total} answered. Enter resumes it.")
                )
        else:
            entry = self._listed.get(key)
            if entry is not None:
                parts = [entry.description or entry.title]
                if entry.tags:
                    parts.append("tags: " + ", ".join(entry.tags))
                summary = self._summaries.get(key)
                if summary is not None and summary.attempts:
                    parts.append(
                        f"mastery: {summary.right_last} of {summary.questions} right at "
                        f"their last try; stable (FSRS, 3 weeks+): {summary.stable:.0%}"
                    )
                detail.update(Text("  ·  ".join(parts)))

    @on(DataTable.RowSelected, "#banks")
    def _row_selected(self) -> None:
        self.action_start()

    # -- actions -----------------------------------------------------------------------

    def _start(self, mode: str, *, ask: bool = False) -> None:
        from quiz.session import Mode, SessionOptions

        key = self._selected_key()
        if key is None:
            return
        if self.app.data is None:
            # Listed from the index: the banks are still being loaded and validated.
            self.notify("Still loading the banks…", markup=False)
            return
        if key == REVIEW_KEY:
            self.app.start_review()
            return
        if key.startswith(INVALID_PREFIX):
            self.notify("This bank is invalid: run `quiz validate` on it.", markup=False)
            return
        if key.startswith(RESUME_PREFIX):
            state = self._unfinished.get(key)
            if state is not None:
                self.app.resume_session(state)
            return
        bank_ids = [] if key == TAG_KEY else [key]
        tag = self.tag_filter if key == TAG_KEY else None
        if not ask:
            self.app.start_study(bank_ids, mode=Mode(mode), options=SessionOptions(tag=tag))
            return
        from quiz.ui.screens.dialogs import StartOptions, StartOptionsDialog

        def chosen(opts: StartOptions | None) -> None:
            if opts is None:
                return
            self.app.start_study(
                bank_ids,
                mode=Mode(opts.mode),
                options=SessionOptions(count=opts.count, time_limit=opts.time_limit, tag=tag),
            )

        data = self.app.data
        if key == TAG_KEY:
            what, size = f"Every question tagged {tag}", None
        else:
            loaded = data.banks.get(key)
            what = loaded.bank.title if loaded else key
            size = len(loaded.bank.questions) if loaded else None
        self.app.push_screen(StartOptionsDialog(mode=mode, what=what, size=size), chosen)

    def action_start(self) -> None:
        """Quiz on the selected bank: all its questions, shuffled."""
        self._start("quiz")

    def action_flashcards(self) -> None:
        """Flashcards on the selected bank: flip with space, rate 1-4."""
        self._start("flashcards")

    def action_options(self) -> None:
        """Start with options: how many questions, a time limit, the mode."""
        self._start("quiz", ask=True)

    def action_review(self) -> None:
        """Review every due card."""
        self.app.start_review()

    async def action_filter(self) -> None:
        """Show and focus the tag filter."""
        hint = self.query_one("#tag-hint", Static)
        hint.display = False
        inputs = self.query("#tag-filter")
        if inputs:
            tag_input = inputs.first()
            tag_input.display = True
            tag_input.focus()
            self._suggest(self.tag_filter)
            return
        tag_input = TagField(placeholder="tag (↓ suggestions, Esc clears)", id="tag-filter")
        box = TagSuggestions(id="tag-suggestions")
        await self.query_one("#home-bar").mount(tag_input, after=hint)
        await self.mount(box, after=self.query_one("#home-bar"))
        tag_input.focus()
        self._suggest("")
