"""Suspended & buried: the questions kept out of every mode, and a key to bring each back."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from quiz.ui.app import DataReady
from quiz.ui.footer import QuizFooter
from quiz.ui.screens.home import clip

if TYPE_CHECKING:
    from quiz.store import SetAsideCard
    from quiz.ui.app import QuizApp


class SetAsideScreen(Screen[None]):
    """Every suspended or buried question of the profile; Enter restores the selected one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter,u", "restore", "Restore", id="set_aside.restore"),
        Binding("escape,q", "close", "Back", id="set_aside.back"),
    ]

    app: QuizApp

    def __init__(self) -> None:
        super().__init__()
        self._cards: dict[str, SetAsideCard] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="set-aside", cursor_type="row", zebra_stripes=True)
        yield Static("", id="set-aside-detail")
        yield QuizFooter()

    def on_mount(self) -> None:
        self.sub_title = f"Suspended & buried · {self.app.profile}"
        table = self.query_one("#set-aside", DataTable)
        table.add_column("Question", key="question")
        table.add_column("Bank", key="bank")
        table.add_column("Kept out", key="state")
        self.refresh_rows()
        table.focus()

    def on_data_ready(self, _: DataReady) -> None:
        self.refresh_rows()

    def refresh_rows(self) -> None:
        """List the cards again from the store."""
        data = self.app.data
        if data is None:
            return
        table = self.query_one("#set-aside", DataTable)
        table.clear()
        self._cards = {}
        for card in data.service.set_aside("all"):
            if not (card.suspended or card.buried_until):
                continue  # a leech that is only flagged is still asked
            loaded = data.banks.get(card.bank_id)
            q = loaded.bank.question(card.question_id) if loaded else None
            prompt = q.prompt if q is not None else card.question_id
            bank = loaded.bank.title if loaded else card.bank_id
            if card.suspended:
                state = "suspended" + (" (leech)" if card.leech else "")
            else:
                assert card.buried_until is not None
                state = "buried until " + card.buried_until.astimezone().strftime("%a %H:%M")
            key = f"{card.bank_id}/{card.question_id}"
            self._cards[key] = card
            table.add_row(Text(clip(prompt, 44)), Text(clip(bank, 18)), Text(state), key=key)
        detail = self.query_one("#set-aside-detail", Static)
        if self._cards:
            detail.update(Text(f"{len(self._cards)} kept out. Enter brings one back.", "dim"))
        else:
            detail.update(Text("Nothing is suspended or buried.", "dim"))

    def action_restore(self) -> None:
        """Unsuspend and unbury the selected question."""
        data = self.app.data
        table = self.query_one("#set-aside", DataTable)
        if data is None or not table.row_count:
            return
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        card = self._cards.get(str(row_key))
        if card is None:
            return
        data.service.restore(card)
        self.notify("Restored: it will be asked again.", timeout=2, markup=False)
        row = table.cursor_row
        self.refresh_rows()
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        # The table's own Enter selects the row: selecting is restoring here.
        event.stop()
        self.action_restore()

    def action_close(self) -> None:
        """Back to where you were."""
        self.dismiss()
