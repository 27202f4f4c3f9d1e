"""Command palette entries: study a bank, review due cards, stats, switch profile, theme."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

if TYPE_CHECKING:
    from quiz.ui.app import QuizApp


class QuizCommands(Provider):
    """The app's own commands (Textual's system commands cover theme, keys, quit)."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        app: QuizApp = self.app  # type: ignore[assignment]
        commands: list[tuple[str, Callable[[], object], str]] = [
            ("Review due cards", app.start_review, "Every due card, missed ones first"),
            ("Stats", app.action_stats, "Accuracy, streak, heatmap, forecast, leeches"),
            ("Switch profile", app.action_switch_profile, "Pick or create a learner profile"),
            (
                "Suspended & buried questions",
                app.action_set_aside,
                "Questions kept out of every mode; restore them",
            ),
            ("Refresh", app.action_refresh, "Read the banks and the counts again"),
            ("Theme", app.action_change_theme, "Change the colour theme"),
            ("Help", app.action_help, "Keys and modes"),
        ]
        from quiz.ui.screens.study import StudyScreen

        # The palette is a screen of its own: look at the one it was opened over.
        under = [s for s in app.screen_stack if not isinstance(s, CommandPalette)]
        screen = under[-1] if under else None
        if (
            isinstance(screen, StudyScreen)
            and screen.session.answered
            and screen.session.can_appeal()
        ):
            commands.insert(
                0,
                (
                    "I was right",
                    screen.action_appeal,
                    "Count this typed answer as right (score and schedule follow)",
                ),
            )
        if app.data is not None:
            for bank_id, loaded in app.data.banks.items():
                title = loaded.bank.title
                commands.append(
                    (f"Study: {title}", partial(app.start_study, [bank_id]), "Quiz on this bank")
                )
                commands.append(
                    (
                        f"Flashcards: {title}",
                        partial(app.start_study_mode, [bank_id], "flashcards"),
                        "Flip and rate",
                    )
                )
        return commands

    async def discover(self) -> Hits:
        """Everything, for an empty query."""
        for name, callback, help_text in self._commands():
            # Bank titles are data: never let the palette parse them as markup.
            yield DiscoveryHit(Content(name), callback, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        """Fuzzy-match the commands against the query."""
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(escape(name)), callback, text=name, help=help_text
                )
