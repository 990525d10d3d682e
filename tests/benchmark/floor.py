"""The benchmark's floor: the least any tool must do to produce the same kinds of files from the same bank.

PyYAML's C loader parses `questions.yaml`; the notes go into a bare SQLite database zipped as an .apkg
would be (no genanki, no Anki schema beyond one table); each HTML output (worksheet, key, self-test page)
comes from one precompiled minimal Jinja template listing every question's text. The collector is paused,
as studydeck pauses it. Run as a process by bench.py: `python floor.py BANK_DIR OUT_DIR`.
"""

from __future__ import annotations

import gc
import json
import sqlite3
import sys
import zipfile
from pathlib import Path

import jinja2
import yaml

PAGES = {
    "worksheet": "{% for q in qs %}<p>{{ q.get('question') or q.get('text') }}</p>{% endfor %}",
    "key": "{% for q in qs %}<p>{{ q.get('question') or q.get('text') }}</p><p>{{ q.get('answer', '') }}</p>"
           "<p>{{ q.get('explanation', '') }}</p><blockquote>{{ q.passage }}</blockquote>{% endfor %}",
    "selftest": "<script type=\"application/json\">{{ data }}</script>",
}


def main(bank: Path, out: Path) -> None:
    gc.disable()
    data = yaml.load((bank / "questions.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    questions = data["questions"]
    out.mkdir(parents=True, exist_ok=True)
    database = out / "floor.anki2"
    database.unlink(missing_ok=True)
    connection = sqlite3.connect(database)
    connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, guid TEXT, flds TEXT, tags TEXT)")
    connection.executemany("INSERT INTO notes VALUES (?, ?, ?, ?)", (
        (i, q["id"], "\x1f".join(str(q.get(k, "")) for k in ("question", "text", "answer", "explanation", "passage")),
         " ".join(q.get("tags", []))) for i, q in enumerate(questions)))
    connection.commit()
    connection.close()
    with zipfile.ZipFile(out / "floor.apkg", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(database, "collection.anki2")
    env = jinja2.Environment(autoescape=True)
    templates = {name: env.from_string(source) for name, source in PAGES.items()}  # compiled before use
    for name, template in templates.items():
        context = {"data": json.dumps(questions, default=str)} if name == "selftest" else {"qs": questions}
        (out / f"floor-{name}.html").write_text(template.render(context), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
