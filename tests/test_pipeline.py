"""Importing files end to end into each backend: re-imports, changes, failures, concurrency."""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import signal
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from core import settings
from core.errors import InputFileError
from geo.join import load_join
from ingest.__main__ import main
from ingest.export import export
from ingest.pipeline import NOT_GEOCODED, OUTSIDE_REGION, import_file
from ingest.store import open_store

HEADER = "nom;adresse;code postal;catégorie;latitude;longitude;courriel"
ROWS = [
    "Potager du Chant des Cailles;Place Keym 1;1170;potager collectif;50,8003;4,4146;cailles@example.org",
    "Repair Café Saint-Gilles;Rue de la Victoire 96;1060;repair café;50,8300;4,3420;",
    "Maison de quartier Bruyn;Rue de Bruyn 2;1120;maison de quartier;50,9040;4,3866;",
    "Bibliothèque de Drogenbos;Grote Baan 222;1620;bibliothèque;50,7870;4,3170;",  # outside the region
    "Donnerie de la rue Haute;Rue Haute 120;1000;solidarité;;;",  # no coordinates
    ";Rue Sans Nom 1;1000;culture;50,8400;4,3500;",  # no name
]


def write_csv(path: Path, rows: list[str] = ROWS) -> Path:
    """A semicolon-separated Windows-1252 file with French headers, as town halls export them."""
    path.write_bytes(("\r\n".join([HEADER, *rows]) + "\r\n").encode("cp1252"))
    return path


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "associations.csv")


def snapshot(config: settings.Settings) -> pd.DataFrame:
    """Every stored record, every field, in id order: to compare before and after."""
    with open_store(config) as store:
        return store.read(status=None, include_private=True).sort_values("id").reset_index(drop=True)


def test_import_stores_every_row_with_its_status(store_settings: settings.Settings, sample: Path) -> None:
    report = import_file(sample, store_settings, source_name="assoc")
    assert (report.new, report.updated, report.unchanged) == (6, 0, 0)
    assert (report.needs_review, report.rejected) == (2, 1)
    by_name = snapshot(store_settings).set_index("source_row")
    assert by_name.loc[1, "nis_code"] == "21017" and by_name.loc[1, "status"] == "published"
    assert by_name.loc[1, "quartier_code"] and by_name.loc[1, "sector_code"].startswith("21017")
    assert (by_name.loc[4, "status"], by_name.loc[4, "status_reason"]) == ("pending", OUTSIDE_REGION)
    assert pd.isna(by_name.loc[4, "nis_code"])
    assert (by_name.loc[5, "status"], by_name.loc[5, "status_reason"]) == ("pending", NOT_GEOCODED)
    assert by_name.loc[6, "status"] == "rejected"


def test_reimporting_the_same_file_changes_nothing(store_settings: settings.Settings, sample: Path) -> None:
    import_file(sample, store_settings, source_name="assoc")
    before = snapshot(store_settings)
    report = import_file(sample, store_settings, source_name="assoc")
    assert (report.new, report.updated, report.unchanged) == (0, 0, 6)
    pd.testing.assert_frame_equal(snapshot(store_settings), before)


def test_a_changed_row_updates_its_record(store_settings: settings.Settings, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "assoc.csv")
    import_file(path, store_settings)
    before = snapshot(store_settings).set_index("source_row")
    write_csv(path, [ROWS[0].replace("potager collectif", "compost"), *ROWS[1:]])
    report = import_file(path, store_settings)
    after = snapshot(store_settings).set_index("source_row")
    assert (report.new, report.updated, report.unchanged) == (0, 1, 5)
    assert (before.loc[1, "category"], after.loc[1, "category"]) == ("food", "environment")
    assert after.loc[1, "id"] == before.loc[1, "id"]
    assert after.loc[1, "created_at"] == before.loc[1, "created_at"]


def test_round_trip_through_geojson_changes_nothing(
    store_settings: settings.Settings, sample: Path, tmp_path: Path
) -> None:
    import_file(sample, store_settings, source_name="assoc")
    before = snapshot(store_settings)
    with open_store(store_settings) as store:
        published = store.read()
    export(published, "geojson", tmp_path / "export.geojson")
    report = import_file(tmp_path / "export.geojson", store_settings, source_name="assoc")
    assert (report.new, report.updated, report.unchanged) == (0, 0, len(published))
    pd.testing.assert_frame_equal(snapshot(store_settings), before)


@pytest.mark.parametrize("fmt", ["geojson", "csv"])
def test_an_export_of_several_sources_reimports_onto_the_same_records(
    store_settings: settings.Settings, sample: Path, tmp_path: Path, fmt: str
) -> None:
    import_file(sample, store_settings, source_name="assoc", licence="CC0-1.0")
    other = write_csv(tmp_path / "commune.csv", [row.replace(";", " (commune);", 1) for row in ROWS[:3]])
    import_file(other, store_settings, source_name="commune", licence="CC-BY-4.0")
    before = snapshot(store_settings)
    with open_store(store_settings) as store:
        published = store.read()
    assert set(published["source_name"]) == {"assoc", "commune"}
    export(published, fmt, tmp_path / f"everything.{fmt}")
    report = import_file(tmp_path / f"everything.{fmt}", store_settings)  # the file name is a third source name
    assert (report.new, report.updated, report.unchanged) == (0, 0, len(published))
    pd.testing.assert_frame_equal(snapshot(store_settings), before)


def test_dry_run_writes_nothing(store_settings: settings.Settings, sample: Path) -> None:
    report = import_file(sample, store_settings, dry_run=True)
    assert report.new == 6
    with open_store(store_settings) as store:
        assert store.count() == 0
        assert store.import_history().empty


def test_import_is_recorded_in_import_runs(store_settings: settings.Settings, sample: Path) -> None:
    import_file(sample, store_settings, source_name="assoc")
    with open_store(store_settings) as store:
        run = store.import_history().iloc[0]
    assert (run["source_name"], run["new"], run["needs_review"], run["rejected"]) == ("assoc", 6, 2, 1)


def test_a_bad_file_changes_nothing(store_settings: settings.Settings, sample: Path, tmp_path: Path) -> None:
    import_file(sample, store_settings, source_name="assoc")
    before = snapshot(store_settings)
    binary = tmp_path / "binary.csv"
    binary.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(InputFileError):
        import_file(binary, store_settings, source_name="assoc")
    pd.testing.assert_frame_equal(snapshot(store_settings), before)


def test_a_failing_geocoder_leaves_the_store_as_it_was(
    store_settings: settings.Settings, sample: Path, tmp_path: Path
) -> None:
    import_file(sample, store_settings, source_name="assoc")
    before = snapshot(store_settings)
    changed = write_csv(tmp_path / "changed.csv", [r.replace("1170", "1160") for r in ROWS])

    def failing_geocoder(addresses: pd.DataFrame, _settings: settings.Settings) -> pd.DataFrame:
        raise ConnectionError("geocoding service went away")

    with pytest.raises(ConnectionError):
        import_file(changed, store_settings, source_name="assoc", geocoder=failing_geocoder)
    pd.testing.assert_frame_equal(snapshot(store_settings), before)


def test_a_geocoder_places_rows_without_coordinates(store_settings: settings.Settings, sample: Path) -> None:
    def rue_haute(addresses: pd.DataFrame, _settings: settings.Settings) -> pd.DataFrame:
        """A real (tiny) geocoder: it knows one street."""
        return pd.DataFrame(
            {
                "lon": 4.3470,
                "lat": 50.8380,
                "geocode_source": "test",
                "geocode_precision": "street",
                "geocode_score": 80.0,
                "geocode_note": "street only",
            },
            index=addresses.index,
        )

    import_file(sample, store_settings, geocoder=rue_haute)
    record = snapshot(store_settings).set_index("source_row").loc[5]
    assert (record["status"], record["status_reason"]) == ("published", "street only")
    assert (record["geocode_precision"], record["nis_code"]) == ("street", "21004")


def test_the_offline_geocoder_places_an_address(
    gazetteer_settings: settings.Settings, database_url: str, sample: Path
) -> None:
    config = dataclasses.replace(gazetteer_settings, database_url=database_url)
    import_file(sample, config, geocoder="offline")
    record = snapshot(config).set_index("source_row").loc[5]  # Rue Haute 120, 1000: no coordinates in the file
    assert (record["status"], record["geocode_source"], record["nis_code"]) == ("published", "offline", "21004")
    assert record["geocode_precision"] in ("address", "street")


def test_a_point_placed_by_postcode_only_waits_for_review(store_settings: settings.Settings, sample: Path) -> None:
    def by_postcode(addresses: pd.DataFrame, _settings: settings.Settings) -> pd.DataFrame:
        return pd.DataFrame(
            {"lon": 4.3517, "lat": 50.8466, "geocode_source": "test", "geocode_precision": "postcode",
             "geocode_score": 30.0, "geocode_note": "street not found"},
            index=addresses.index,
        )  # fmt: skip

    import_file(sample, store_settings, geocoder=by_postcode)
    record = snapshot(store_settings).set_index("source_row").loc[5]
    assert record["status"] == "pending"
    assert record["status_reason"] == "placed at postcode precision only; street not found"


def _import_and_die(config: settings.Settings, path: Path) -> None:
    """Import `path`, killing this process (SIGKILL) right after its first write statement."""

    @sa.event.listens_for(sa.engine.Engine, "after_cursor_execute")
    def die(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE")):
            os.kill(os.getpid(), signal.SIGKILL)

    import_file(path, config, source_name="assoc")


def test_a_killed_import_leaves_the_store_as_it_was(
    store_settings: settings.Settings, sample: Path, tmp_path: Path
) -> None:
    import_file(sample, store_settings, source_name="assoc")
    before = snapshot(store_settings)
    changed = write_csv(tmp_path / "changed.csv", [*[r.replace("Rue", "Chaussée") for r in ROWS], "Nouveau;;1000;;;;"])
    child = multiprocessing.get_context("fork").Process(target=_import_and_die, args=(store_settings, changed))
    child.start()
    child.join(60)
    assert child.exitcode == -signal.SIGKILL
    pd.testing.assert_frame_equal(snapshot(store_settings), before)
    assert len(import_file(changed, store_settings, source_name="assoc").rows) == 7  # and the store still works


def test_ctrl_c_mid_import_leaves_the_store_as_it_was(
    store_settings: settings.Settings, sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    import_file(sample, store_settings, source_name="assoc")
    before = snapshot(store_settings)
    changed = write_csv(tmp_path / "changed.csv", [r.replace("Rue", "Chaussée") for r in ROWS])
    monkeypatch.setenv("BIM_DATABASE_URL", store_settings.database_url)
    monkeypatch.setenv("BIM_DATA_DIR", str(store_settings.data_dir))

    def ctrl_c(conn, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("UPDATE INITIATIVES"):
            raise KeyboardInterrupt

    sa.event.listen(sa.engine.Engine, "after_cursor_execute", ctrl_c)
    try:
        assert main(["import", str(changed), "--source", "assoc", "--geocoder", "none"]) == 130
    finally:
        sa.event.remove(sa.engine.Engine, "after_cursor_execute", ctrl_c)
    assert "nothing was changed" in capsys.readouterr().err
    pd.testing.assert_frame_equal(snapshot(store_settings), before)


def _import_quietly(config: settings.Settings, path: Path, source_name: str) -> None:
    import_file(path, config, source_name=source_name)


def test_twenty_concurrent_imports_lose_and_duplicate_nothing(
    store_settings: settings.Settings, sample: Path, tmp_path: Path
) -> None:
    load_join(store_settings.data_dir)  # built once here, inherited by the forked importers
    own = [
        write_csv(tmp_path / f"own{w}.csv", [f"Initiative {w}-{i};;1000;;50,84;4,35;" for i in range(5)])
        for w in range(10)
    ]
    jobs = [(sample, "shared")] * 10 + [(path, f"own{w}") for w, path in enumerate(own)]
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_import_quietly, args=(store_settings, p, s)) for p, s in jobs]
    for process in processes:
        process.start()
    for process in processes:
        process.join(120)
    assert [p.exitcode for p in processes] == [0] * 20
    stored = snapshot(store_settings)
    assert len(stored) == 6 + 10 * 5 and stored["id"].is_unique
    with open_store(store_settings) as store:
        runs = store.import_history()
    shared = runs[runs["source_name"] == "shared"]
    assert (shared["new"].sum(), shared["unchanged"].sum()) == (6, 9 * 6)  # each row new exactly once


def test_cli_imports_reports_and_exports(
    store_settings: settings.Settings, sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("BIM_DATABASE_URL", store_settings.database_url)
    monkeypatch.setenv("BIM_DATA_DIR", str(store_settings.data_dir))
    assert (
        main(["import", str(sample), "--source", "assoc", "--geocoder", "none", "--report", str(tmp_path / "r.csv")])
        == 0
    )
    summary = capsys.readouterr().out
    assert "new 6, updated 0, unchanged 0" in summary and OUTSIDE_REGION in summary
    report = pd.read_csv(tmp_path / "r.csv")
    assert list(report.columns) == ["source_row", "id", "name", "outcome", "status", "reason"]
    assert len(report) == 6
    assert main(["export", "--format", "csv", "--out", str(tmp_path / "out.csv"), "--commune", "21017"]) == 0
    assert pd.read_csv(tmp_path / "out.csv")["name"].tolist() == ["Potager du Chant des Cailles"]
    assert main(["import", str(tmp_path / "missing.csv")]) == 1
    assert "missing.csv" in capsys.readouterr().err


def test_cli_map_names_an_unrecognised_column(
    store_settings: settings.Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BIM_DATABASE_URL", store_settings.database_url)
    monkeypatch.setenv("BIM_DATA_DIR", str(store_settings.data_dir))
    path = tmp_path / "projets.csv"
    path.write_text("Intitulé du projet;lat;lon\nJardin partagé;50.84;4.35\n", encoding="utf-8")
    assert main(["import", str(path), "--map", "Intitulé du projet=name", "--geocoder", "none"]) == 0
    assert snapshot(store_settings)["name"].tolist() == ["Jardin partagé"]
