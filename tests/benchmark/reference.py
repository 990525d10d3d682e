"""The benchmark's reference: bare genanki writing the same notes, after PyYAML's C loader reads the bank.

The collector is paused, as studydeck pauses it: a fair comparison gives both the same advantage.
Run as a process by bench.py: `python reference.py BANK_DIR OUT.apkg`.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import genanki
import yaml

from studydeck.model import Kind
from studydeck.render.anki import CARDS, FIELDS, MODEL_IDS, MODEL_NAMES

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "studydeck" / "templates" / "anki"


def _model(kind: Kind) -> genanki.Model:
    def card(stem: str, side: str) -> str:
        return (TEMPLATES / f"{stem}.{side}.html").read_text().replace("<!--source-->", (TEMPLATES / "source.html").read_text())

    return genanki.Model(
        MODEL_IDS[kind], MODEL_NAMES[kind], fields=[{"name": f} for f in FIELDS[kind]],
        templates=[{"name": n, "qfmt": card(s, "front"), "afmt": card(s, "back")} for n, s in CARDS[kind]],
        css=(TEMPLATES / "card.css").read_text(),
        model_type=genanki.Model.CLOZE if kind is Kind.CLOZE else genanki.Model.FRONT_BACK,
    )


def _fields(question: dict, kind: Kind) -> list[str]:
    tail = [question.get("explanation", ""), question["passage"], question["source"]]
    if kind is Kind.CLOZE:
        return [question["text"], *tail]
    if kind is Kind.CHOICE:
        choices = "".join(f"<li>{c}</li>" for c in question["choices"])
        return [question["question"], choices, choices, *tail]
    return [question["question"], str(question["answer"]), *tail]


def main(bank: Path, out: Path) -> None:
    gc.disable()
    data = yaml.load((bank / "questions.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    models = {kind: _model(kind) for kind in Kind}
    deck = genanki.Deck(data["deck_id"], data["title"])
    for question in data["questions"]:
        kind = Kind(question.get("kind", "basic"))
        deck.add_note(genanki.Note(model=models[kind], fields=_fields(question, kind), tags=question.get("tags", []),
                                   guid=genanki.guid_for(question["id"])))
    genanki.Package(deck).write_to_file(str(out), timestamp=1)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
