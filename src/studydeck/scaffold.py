"""`studydeck init`: a new project with one example question of every kind."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .creating import Creating
from .errors import ProjectError
from .identity import fresh_deck_id

FOLDERS = ("sources", "media", "templates", "decks")


def init_project(target: Path) -> list[Path]:
    """Create the project files in `target` and return them; refuses to overwrite an existing bank. Made all at
    once or not at all: when something cannot be written, what was made is removed (ProjectError says why)."""
    questions = target / "questions.yaml"
    if questions.exists() or questions.is_symlink():
        raise ProjectError(f"{questions} already exists; init never overwrites a bank")
    skeleton = resources.files("studydeck") / "skeleton"
    # Anki matches decks by id; a fresh random one keeps two users' banks apart.
    deck_id = fresh_deck_id()
    text = (skeleton / "questions.yaml").read_text(encoding="utf-8").replace("DECK_ID", str(deck_id))
    with Creating(target) as creating:
        for folder in FOLDERS:
            creating.folder(target / folder)
        creating.file(questions, text.encode("utf-8"))
        written = [questions]
        for folder in ("sources", "media"):  # the example source, the example question's picture and sound
            for item in (skeleton / folder).iterdir():
                path = target / folder / item.name
                if not path.exists():
                    creating.file(path, item.read_bytes())
                    written.append(path)
    return written
