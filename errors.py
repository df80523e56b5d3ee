"""Every error class of the project, in one place.

Messages name the file, row and field at fault and say what would fix it.
"""

from __future__ import annotations


class BimError(Exception):
    """Base class: an error the user can act on (shown without a traceback by the CLI)."""


class ReferenceDataError(BimError):
    """The reference data (boundaries, population) is missing, corrupt or inconsistent."""


class ReferenceNotBuiltError(ReferenceDataError):
    """The built reference files are not there yet."""


class DownloadError(ReferenceDataError):
    """An official open-data file could not be downloaded."""


class StoreError(BimError):
    """The initiative store cannot be opened, upgraded or written (the message names the database)."""


class RecordNotFoundError(StoreError):
    """No initiative has the given id."""
