"""Write modern.apkg and modern.colpkg with Anki's own exporter (PyPI `anki`).

Not part of the test run (the `anki` package is not a dependency): run it by hand with
`pip install anki` to remake the fixture. The package it writes holds `collection.anki21b`
(zstd) and zstd media, as Anki 2.1.50+ exports by default.
"""

from __future__ import annotations

import struct
import sys
import tempfile
import zlib
from pathlib import Path

from anki.collection import Collection, ExportAnkiPackageOptions
from anki.decks import DeckId


def _png() -> bytes:
    """A 1x1 PNG, made here so the fixture has a real image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def main(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        col = Collection(str(Path(tmp) / "collection.anki2"))
        deck_id = col.decks.id("Geography::Europe")
        assert deck_id is not None
        deck = DeckId(deck_id)
        models = col.models

        def add(notetype: str, *fields: str, tags: str = "") -> None:
            model = models.by_name(notetype)
            assert model is not None, notetype
            note = col.new_note(model)
            for i, value in enumerate(fields):
                note.fields[i] = value
            note.tags = tags.split()
            col.add_note(note, deck)

        image = col.media.write_data("dot.png", _png())
        add("Basic", "What is the capital of <b>France</b>?", "Paris", tags="capitals europe")
        add("Basic (and reversed card)", "Berlin", "capital of Germany")
        add("Basic (type in the answer)", "Capital of Italy?", "Rome")
        add("Cloze", "{{c1::Madrid}} is the capital of {{c2::Spain}}.", "Since 1561")
        add("Basic", f'Which flag is this? <img src="{image}">', "Japan<br>(a red dot)")
        col.export_anki_package(
            out_path=str(out),
            options=ExportAnkiPackageOptions(
                with_scheduling=False, with_deck_configs=False, with_media=True, legacy=False
            ),
            limit=None,
        )
        col.export_collection_package(
            out_path=str(out.with_suffix(".colpkg")), include_media=True, legacy=False
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("modern.apkg"))
