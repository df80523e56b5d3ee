"""Shared fixtures: the source folder, and reference data built once per test session."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

import settings
from geo import reference
from geo.join import BoundaryJoin

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def source_dir() -> Path:
    """The open-data source folder (BIM_SOURCE_DIR, by default ../shared/data)."""
    folder = settings.load().source_dir
    if folder is None or not folder.is_dir():
        pytest.fail("no source folder: set BIM_SOURCE_DIR or put the shared data beside the checkout")
    return folder


@pytest.fixture(scope="session")
def built_settings(tmp_path_factory: pytest.TempPathFactory, source_dir: Path) -> settings.Settings:
    """Settings whose data folder holds reference data freshly built from the source folder."""
    config = dataclasses.replace(settings.load(), data_dir=tmp_path_factory.mktemp("data"), source_dir=source_dir)
    reference.build(config)
    return config


@pytest.fixture(scope="session")
def built_reference(built_settings: settings.Settings) -> reference.Reference:
    return reference.load(built_settings.data_dir)


@pytest.fixture(scope="session")
def boundary_join(built_reference: reference.Reference) -> BoundaryJoin:
    return BoundaryJoin.from_reference(built_reference)


def read_fixture(name: str) -> pd.DataFrame:
    """A small CSV fixture under tests/fixtures (lines starting with # are comments)."""
    return pd.read_csv(FIXTURES / name, comment="#", dtype={"nis_code": str})
