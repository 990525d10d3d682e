"""`studydeck init`: a new project with one example question of every kind."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .errors import ProjectError
from .identity import fresh_deck_id

FOLDERS = ("sources", "media", "templates", "decks")


def init_project(target: Path) -> list[Path]:
    """Create the project files in `target` and return them; refuses to overwrite an existing bank."""
    questions = target / "questions.yaml"
    if questions.exists():
        raise ProjectError(f"{questions} already exists; init never overwrites a bank")
    skeleton = resources.files("studydeck") / "skeleton"
    for folder in FOLDERS:
        (target / folder).mkdir(parents=True, exist_ok=True)
    # Anki matches decks by id; a fresh random one keeps two users' banks apart.
    deck_id = fresh_deck_id()
    questions.write_text((skeleton / "questions.yaml").read_text(encoding="utf-8").replace("DECK_ID", str(deck_id)),
                         encoding="utf-8")
    written = [questions]
    for source in (skeleton / "sources").iterdir():
        path = target / "sources" / source.name
        if not path.exists():
            path.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
            written.append(path)
    for item in (skeleton / "media").iterdir():  # the example question's picture and sound
        path = target / "media" / item.name
        if not path.exists():
            path.write_bytes(item.read_bytes())
            written.append(path)
    return written
