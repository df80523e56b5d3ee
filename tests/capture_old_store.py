"""Write the fixtures of tests/test_store_migrations.py: stores made and filled by an old version's code.

`tests/fixtures/stores/<commit>.sqlite.sql` and `<commit>.postgis.sql` are dumps (schema and rows) of
a store that the code of `<commit>` created and then wrote with its own upsert, import run, form
submission and moderation. The test loads them and opens them with today's code. Captured once per
released schema; to capture one (the old code runs in a subprocess, from an export of that commit):

    git archive c4a7d70 | tar -x -C /tmp/old
    .venv/bin/python tests/capture_old_store.py /tmp/old c4a7d70
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.postgis import PG_BIN, SUPERUSER, start_postgis

STORES = Path(__file__).parent / "fixtures" / "stores"
_COMMON = {"category": "community", "postcode": "1000", "nis_code": "21004", "source_name": "town-hall"}
_COMMON |= {"licence": "CC-BY-4.0", "geocode_source": "file", "geocode_precision": "given", "geocode_score": 100.0}
# The import the old code stores: one record of each status an import gives, one without coordinates.
RECORDS = [
    {**_COMMON, "name": "Maison de quartier Marolles", "street": "Rue Haute", "housenumber": "120",
     "lon": 4.3478912, "lat": 50.8378391, "contact": "marolles@example.org", "status": "published",
     "source_row": 1, "source_key": "mq-1", "image_url": "https://example.org/mq.jpg", "story": "Depuis 1975."},
    {**_COMMON, "name": "Repair Café Anneessens", "street": "Rue de la Senne", "housenumber": "2",
     "lon": 4.3441, "lat": 50.8451, "status": "published", "source_row": 2, "source_key": "rc-2"},
    {**_COMMON, "name": "Buurthuis Noordwijk", "category": "culture", "nis_code": "21015", "postcode": "1030",
     "lon": 4.3702, "lat": 50.8612, "status": "duplicate", "status_reason": "same as mq-1",
     "source_row": 3, "source_key": "bh-3"},
    {**_COMMON, "name": "Potager collectif Tour & Taxis", "category": "garden", "lon": None, "lat": None,
     "geocode_source": None, "geocode_precision": "none", "geocode_score": None, "status": "pending",
     "status_reason": "no coordinates", "source_row": 4, "source_key": "pt-4"},
]  # fmt: skip
SUBMISSION = {"name": "Jardin partagé du Parvis", "category": "garden", "lon": 4.3469, "lat": 50.8270}
SUBMISSION |= {"contact": "parvis@example.org", "story": "Des bacs sur la place.", "source_key": "token-1"}
MODERATOR = "moderator@example.org"
# Run by the old code, with the store URL and the JSON of (RECORDS, SUBMISSION, MODERATOR): the import
# (with its run), the submission, then a moderator rejects the second record and edits the first.
FILL = """
import dataclasses, json, sys
import pandas as pd
import settings
from ingest.store import ImportRun, open_store

records, submission, moderator = json.loads(sys.argv[2])
store = open_store(dataclasses.replace(settings.load(), database_url=sys.argv[1]))
run = ImportRun("town-hall", "initiatives.csv", rejected=1, needs_review=1)
ids = store.upsert(pd.DataFrame(records), import_run=run).ids
store.add_submission(submission)
store.set_status(ids[1], "rejected", "closed in 2024", actor=moderator)
store.update_fields(ids[0], {"description": "Corrigé : ouvert le samedi"}, actor=moderator)
store.close()
"""


def _fill(old_tree: Path, url: str) -> None:
    """Run FILL with the old tree's code (and only it) importable."""
    environment = {**os.environ, "PYTHONPATH": str(old_tree)}
    arguments = [sys.executable, "-c", FILL, url, json.dumps([RECORDS, SUBMISSION, MODERATOR])]
    subprocess.run(arguments, cwd=old_tree, env=environment, check=True)


def _header(commit: str) -> str:
    return f"-- A store made and filled by the code of {commit}: written by tests/capture_old_store.py\n"


def _plain_sql(dump: str) -> str:
    """pg_dump's output as SQL one execute can run: no psql meta-commands, comments, or the existing public schema."""
    skipped = ("--", "\\", "CREATE SCHEMA public;", "COMMENT ON SCHEMA public")
    return "\n".join(line for line in dump.splitlines() if line and not line.startswith(skipped)) + "\n"


def capture(old_tree: Path, commit: str) -> None:
    STORES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "old.sqlite"
        _fill(old_tree, f"sqlite:///{path}")
        with sqlite3.connect(path) as conn:
            (STORES / f"{commit}.sqlite.sql").write_text(_header(commit) + "\n".join(conn.iterdump()) + "\n")
    server = start_postgis()
    try:
        url = server.new_database()
        _fill(old_tree, url)
        dump = [str(PG_BIN / "pg_dump"), "--no-owner", "--no-privileges", "--inserts", "--schema=public"]
        dump += ["--exclude-table=spatial_ref_sys", "--host=127.0.0.1", f"--port={server.port}"]
        dump += [f"--username={SUPERUSER}", url.rsplit("/", 1)[1]]
        text = subprocess.run(dump, check=True, capture_output=True, text=True).stdout
        (STORES / f"{commit}.postgis.sql").write_text(_header(commit) + _plain_sql(text))
    finally:
        server.stop()


if __name__ == "__main__":
    capture(Path(sys.argv[1]).resolve(), sys.argv[2])
