"""The learner's store: SQLite persistence for `quiz`, split by concern.

- `quiz.store.schema`: the schema, its migrations, opening and checking a file;
- `quiz.store.learner`: `Store`, profiles, sessions, attempts, cards and queues;
- `quiz.store.statistics`: the typed numbers Home, Stats and `quiz stats` show;
- `quiz.store.records`: the values the queries return.

The store writes what the application layer (`quiz.study`) and the scheduler's pure
rules decide, each write one transaction. Import from here: `from quiz.store import Store`.
"""

from quiz.store.common import (
    DEFAULT_PROFILE,
    MATURE_DAYS,
    QuestionKey,
    StoreError,
    StoreUnavailable,
    UnknownProfile,
    resolve_db_path,
    write_transaction,
)
from quiz.store.learner import SetAsideKind, Store
from quiz.store.records import (
    AttemptRecord,
    AttemptResult,
    CardInfo,
    CatalogInfo,
    DailyLimits,
    DueCard,
    SessionState,
    SetAsideCard,
)
from quiz.store.schema import MIGRATIONS, SCHEMA_VERSION, migrate
from quiz.store.statistics import BankSummary, StatsReport

__all__ = [
    "DEFAULT_PROFILE",
    "MATURE_DAYS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "AttemptRecord",
    "AttemptResult",
    "BankSummary",
    "CardInfo",
    "CatalogInfo",
    "DailyLimits",
    "DueCard",
    "QuestionKey",
    "SessionState",
    "SetAsideCard",
    "SetAsideKind",
    "StatsReport",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "UnknownProfile",
    "migrate",
    "resolve_db_path",
    "write_transaction",
]
