"""Command line for analysts and admins: `python -m ingest COMMAND ...` (see --help)."""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import sys
from pathlib import Path

from tqdm import tqdm

from core import settings
from core.auth import hash_password
from core.errors import BimError, ConfigurationError
from core.record import STATUSES
from geo import coverage, reference, walking
from geo.geocode import build_index, geocode_one
from ingest import accounts, agenda, export, gallery, mail, pictures, pipeline
from ingest.store import backup, open_store


def _reference(args: argparse.Namespace) -> None:
    config = settings.load()
    if args.source:
        config = dataclasses.replace(config, source_dir=Path(args.source))
    if args.download:
        config = dataclasses.replace(config, source_dir=None)
    origin = config.source_dir or "the official open-data downloads"
    print(f"Building reference data from {origin} into {config.boroughs_dir} ...", flush=True)
    built = reference.build(config)
    counts = ", ".join(f"{n} {name}" for name, n in built.metadata["counts"].items())
    print(
        f"OK: {counts}; region {built.metadata['region_area_km2']} km²; population "
        f"{built.metadata['commune_population_year']} (sectors {built.metadata['sector_population_year']})."
    )
    if config.source_dir is None:
        print("No source folder: the offline geocoder's address index needs the OSM address files; not built.")
        return
    print(f"Building the offline geocoder's address index into {config.gazetteer_dir} ...", flush=True)
    build_index(config)
    print("OK: geocoder index built.")


def _column_map(pairs: list[str]) -> dict[str, str] | None:
    """--map SRC=DST pairs as {source header: canonical name}."""
    if not pairs:
        return None
    bad = [p for p in pairs if "=" not in p]
    if bad:
        raise ConfigurationError(f"--map {bad[0]!r}: write it as SOURCE_HEADER=canonical_name")
    return dict(p.split("=", 1) for p in pairs)


def _import(args: argparse.Namespace) -> None:
    config = settings.load()
    with tqdm(total=len(pipeline.STAGES), unit="stage", bar_format="{desc:<10}{bar}| {n}/{total}") as bar:

        def progress(stage: str) -> None:
            bar.set_description_str(stage)
            bar.update(pipeline.STAGES.index(stage) - bar.n)

        report = pipeline.import_file(
            Path(args.file),
            config,
            source_name=args.source,
            licence=args.licence,
            column_map=_column_map(args.map),
            dry_run=args.dry_run,
            geocoder=args.geocoder or config.geocoder,
            progress=progress,
        )
        bar.update(bar.total - bar.n)
    columns = report.to_csv(Path(args.report)) if args.report else None
    print(report.summary())
    if columns is not None:
        print(f"Per-row report: {args.report}; every column and what it became: {columns}")


def _export(args: argparse.Namespace) -> None:
    with open_store(settings.load()) as store:
        records = store.read(
            status=None if args.status == "all" else args.status,
            nis_codes=args.commune or None,
            categories=args.category or None,
        )
        listing = gallery.listing(store)
    count = export.export(records, args.format, Path(args.out), pictures=listing)
    print(f"{count} initiatives written to {args.out} ({args.format}).")


def _add_picture(args: argparse.Namespace) -> None:
    """A moderator's picture: checked and re-encoded by the form's code, and published at once."""
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BimError(f"{path}: cannot read the file ({exc.strerror})") from exc
    config = settings.load()
    caption = pictures.Caption(args.alt, args.credit, args.licence)
    with open_store(config) as store:
        picture_id = gallery.attach(store, config, args.id, (data, str(path)), caption, status="published", actor="cli")
        picture = next(p for p in gallery.of_initiative(store, args.id) if p.id == picture_id)
    size = f"{picture.display_width} × {picture.display_height}"
    print(f"Picture published for initiative {args.id}: {picture.url} ({size})")


def _stats(args: argparse.Namespace) -> None:
    config = settings.load()
    built = reference.load(config.data_dir)
    with open_store(config) as store:
        records = store.read(status="published", categories=args.category or None)
    reach = coverage.reach(walking.load(config.data_dir), records)
    if args.level == "quartier":
        stats = coverage.quartier_statistics(built.quartiers, reach, records)
    else:
        stats = coverage.commune_statistics(built.communes, reach, records)
    out = Path(args.out)
    geojson = out.suffix.lower() == ".geojson"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(
        coverage.statistics_geojson(stats, built.metadata.get("attribution", []))
        if geojson
        else coverage.statistics_csv(stats)
    )
    print(f"Statistics of {len(stats)} {args.level}s ({len(records)} initiatives) written to {out}.")


def _geocode(args: argparse.Namespace) -> None:
    result = geocode_one(args.address, settings.load(), online=args.online)
    communes = reference.commune_names().set_index("nis_code")
    commune = communes.loc[result["nis_code"]] if result["nis_code"] in communes.index else None
    print(f"precision: {result['geocode_precision']} (score {result['geocode_score']}, {result['geocode_source']})")
    if result["lon"] is not None:
        print(f"point:     {result['lat']:.6f} N, {result['lon']:.6f} E")
    if result["street_fr"]:
        print(f"street:    {result['street_fr']} / {result['street_nl']}")
    if commune is not None:
        print(f"commune:   {commune['name_fr']} / {commune['name_nl']} ({result['nis_code']})")
    if result["geocode_note"]:
        print(f"note:      {result['geocode_note']}")


def _events_import(args: argparse.Namespace) -> None:
    with open_store(settings.load()) as store:
        report = agenda.import_file(store, Path(args.file), dry_run=args.dry_run)
    if args.report:
        report.to_csv(Path(args.report))
    print(report.summary())


def _events_export(args: argparse.Namespace) -> None:
    with open_store(settings.load()) as store:
        count = agenda.export(store, args.format, Path(args.out), since=args.since)
    print(f"{count} events written to {args.out} ({args.format}).")


def _mail_send(_args: argparse.Namespace) -> None:
    config = settings.load()
    if not config.mail_enabled:
        raise ConfigurationError("mail is off: set BIM_SMTP_HOST and BIM_SMTP_SENDER (README, Settings)")
    with open_store(config) as store:
        done = mail.deliver(store, config)
        print(f"{done.sent} sent, {done.failed} kept for a retry, {mail.waiting(store)} waiting.")


def _read_password(outcome: str) -> str:
    """The password, twice from the terminal (or once from stdin when piped)."""
    if sys.stdin.isatty():
        password = getpass.getpass("Moderator password: ")
        if getpass.getpass("Same password again: ") != password:
            raise ConfigurationError(f"the two passwords differ: {outcome}")
        return password
    return sys.stdin.readline().rstrip("\r\n")


def _hash_password(_args: argparse.Namespace) -> None:
    print(hash_password(_read_password("nothing was printed")))


def _moderators(args: argparse.Namespace) -> None:
    with open_store(settings.load()) as store:
        if args.action == "add":
            account = accounts.add(store, args.name, _read_password("no account was made"), args.commune)
            role = "region moderator" if account.commune is None else f"editor of commune {account.commune}"
            print(f"Account {account.name} created: {role}.")
        elif args.action == "list":
            for row in store.accounts():
                role = "region" if row.commune is None else f"commune {row.commune}"
                print(f"{row.name}\t{role}\t{'disabled' if row.disabled else 'enabled'}\tsince {row.created_at}")
        elif args.action == "remove":
            store.remove_account(args.name)
            print(f"Account {args.name} removed (the audit log keeps its name).")
        else:
            store.set_account_disabled(args.name, args.action == "disable")
            print(f"Account {args.name} {args.action}d.")


def _backup(args: argparse.Namespace) -> None:
    with open_store(settings.load()) as store:
        counts = backup.backup(store, Path(args.out))
    print(f"Backup of {store.url} written to {args.out}: " + ", ".join(f"{n} {t}" for t, n in counts.items()) + ".")


def _restore(args: argparse.Namespace) -> None:
    with open_store(settings.load()) as store:
        counts = backup.restore(store, Path(args.file), force=args.force)
    print(f"{args.file} restored into {store.url}: " + ", ".join(f"{n} {t}" for t, n in counts.items()) + ".")


def parser() -> argparse.ArgumentParser:
    """The CLI's argument parser, one sub-command per task."""
    main = argparse.ArgumentParser(prog="python -m ingest", description=__doc__)
    commands = main.add_subparsers(dest="command", required=True)

    ref = commands.add_parser("reference", help="build the reference boundaries and population")
    where = ref.add_mutually_exclusive_group()
    where.add_argument("--source", help="folder holding the source files (default: setting BIM_SOURCE_DIR)")
    where.add_argument(
        "--download", action="store_true", help="download the official files, ignoring any source folder"
    )
    ref.set_defaults(run=_reference)

    imp = commands.add_parser("import", help="import a CSV, XLSX or GeoJSON file of initiatives into the store")
    imp.add_argument("file", help="the file to import")
    imp.add_argument("--source", help="source name, part of each record's stable id (default: the file name)")
    imp.add_argument("--licence", default="", help="licence of the source's data, e.g. 'ODbL 1.0'")
    imp.add_argument(
        "--dry-run", action="store_true", help="read, check and count, show what each column becomes; write nothing"
    )
    imp.add_argument(
        "--report", help="write the per-row outcome, status and reason to this CSV file (and its columns beside it)"
    )
    imp.add_argument(
        "--geocoder",
        choices=pipeline.GEOCODERS,
        help="how to place rows without coordinates (default: setting BIM_GEOCODER, offline)",
    )
    imp.add_argument("--map", nargs="+", default=[], metavar="SRC=DST", help="map a source column onto a record field")
    imp.set_defaults(run=_import)

    exp = commands.add_parser("export", help="export initiatives (published by default) without private fields")
    exp.add_argument("--format", choices=export.FORMATS, required=True)
    exp.add_argument("--out", required=True, help="the file to write")
    exp.add_argument("--commune", action="append", metavar="NIS", help="only this commune (repeatable)")
    exp.add_argument("--category", action="append", help="only this category key (repeatable)")
    exp.add_argument(
        "--status", choices=(*STATUSES, "all"), default="published", help="which status (default: published)"
    )
    exp.set_defaults(run=_export)

    pic = commands.add_parser("pictures", help="pictures of initiatives").add_subparsers(dest="action", required=True)
    add = pic.add_parser("add", help="add a picture to an initiative, published at once (a moderator's action)")
    add.add_argument("id", help="the initiative's id")
    add.add_argument("file", help="a JPEG, PNG or WebP file (re-encoded; its metadata is dropped)")
    add.add_argument("--alt", required=True, help="what the picture shows, for people who cannot see it")
    add.add_argument("--credit", required=True, help="who made the picture")
    add.add_argument("--licence", choices=pictures.LICENCES, default="CC-BY-4.0", help="default: CC-BY-4.0")
    add.set_defaults(run=_add_picture)

    sta = commands.add_parser("stats", help="coverage statistics (straight line and walk) of the published initiatives")
    sta.add_argument("--out", required=True, help="CSV file to write, or GeoJSON polygons when it ends in .geojson")
    sta.add_argument("--category", action="append", help="count only this category key (repeatable)")
    sta.add_argument(
        "--level", choices=("commune", "quartier"), default="commune", help="one row per commune (default) or quartier"
    )
    sta.set_defaults(run=_stats)

    geo = commands.add_parser("geocode", help="place one address (FR or NL) and print how it was matched")
    geo.add_argument("address", help='e.g. "Boulevard du Souverain 100, 1170 Watermael-Boitsfort"')
    geo.add_argument("--online", action="store_true", help="ask the online geocoder (BIM_ONLINE_GEOCODER) if needed")
    geo.set_defaults(run=_geocode)

    eve = commands.add_parser("events", help="import or export the initiatives' events").add_subparsers(
        dest="events", required=True
    )
    eim = eve.add_parser("import", help="import a CSV/XLSX of events: initiative_id,title,start,end,description,url")
    eim.add_argument("file", help="the file to import (times in Brussels time, e.g. 2027-03-28 10:00)")
    eim.add_argument("--dry-run", action="store_true", help="check and count, but write nothing")
    eim.add_argument("--report", help="write the per-row outcome and reason to this CSV file")
    eim.set_defaults(run=_events_import)
    eex = eve.add_parser("export", help="export the published events as iCalendar or CSV")
    eex.add_argument("--format", choices=("ics", "csv"), required=True)
    eex.add_argument("--out", required=True, help="the file to write")
    eex.add_argument("--since", help="only events not over by this Brussels time (YYYY-MM-DDTHH:MM)")
    eex.set_defaults(run=_events_export)

    mai = commands.add_parser("mail", help="send the queued mail (run it every few minutes, e.g. from cron)")
    mai.set_defaults(run=_mail_send)

    pwd = commands.add_parser(
        "hash-password",
        help="print the hash of a moderator password, for BIM_MODERATOR_PASSWORD_HASH or Streamlit secrets",
    )
    pwd.set_defaults(run=_hash_password)

    mod = commands.add_parser("moderators", help="moderator accounts: region moderators and commune editors")
    actions = mod.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="create an account; its password is read twice (or once from stdin)")
    add.add_argument("name", help="the login name, also the name in the audit log")
    add.add_argument("--commune", metavar="NIS", help="an editor of this commune only (default: the whole region)")
    actions.add_parser("list", help="every account, its role and state")
    for action, what in (("disable", "refuse its logins"), ("enable", "allow its logins again"), ("remove", "delete")):
        actions.add_parser(action, help=f"{what} an account").add_argument("name")
    mod.set_defaults(run=_moderators)

    bak = commands.add_parser("backup", help="write every table of the store to one portable archive")
    bak.add_argument("--out", required=True, help="the archive to write (a .zip)")
    bak.set_defaults(run=_backup)
    res = commands.add_parser("restore", help="replace the store's content by a backup archive, in one transaction")
    res.add_argument("file", help="an archive written by `backup` (from either backend)")
    res.add_argument("--force", action="store_true", help="replace a store that is not empty")
    res.set_defaults(run=_restore)
    return main


def main(argv: list[str] | None = None) -> int:
    """Run one command; user errors print one clear message and exit with status 1."""
    args = parser().parse_args(argv)
    try:
        args.run(args)
    except BimError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: nothing was changed.", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
