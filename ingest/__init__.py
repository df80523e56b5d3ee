"""Reading, validating and importing files: the CLI (`python -m ingest`) and its pipeline."""
