"""quiz: a terminal quiz and flashcard trainer."""

__version__ = "0.1.0"
