"""The Textual study app and its widgets (the only part of `quiz` that imports textual)."""
