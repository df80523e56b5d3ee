"""Command line for analysts and admins: `python -m ingest COMMAND ...` (see --help)."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

import settings
from errors import BimError
from geo import reference


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
