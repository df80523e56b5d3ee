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


class InputFileError(BimError):
    """An initiative file cannot be read: binary, empty, unknown columns, bad encoding, oversized field.

    `row` is the 1-based data row (0: the header; None: the whole file), `field` the column at fault.
    """

    def __init__(self, file: object, reason: str, row: int | None = None, field: str | None = None) -> None:
        self.file = str(file)
        self.row = row
        self.field = field
        self.reason = reason
        where = [self.file]
        if row is not None:
            where.append("header" if row == 0 else f"row {row}")
        if field is not None:
            where.append(f"field {field!r}")
        super().__init__(f"{', '.join(where)}: {reason}")


class ConfigurationError(BimError):
    """A setting is missing or malformed (the message says which and how to set it)."""


class GazetteerNotBuiltError(ReferenceNotBuiltError):
    """The offline geocoder's index has not been built yet."""


class SubmissionError(BimError):
    """A contribution (or a moderator's edit) has fields to correct: `problems` maps field -> problem code."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{field}: {code}" for field, code in sorted(problems.items())))


class CatalogError(BimError):
    """A compiled translation catalog (.mo) is missing or older than its .po: `make messages` rebuilds it."""


class ConflictError(StoreError):
    """A save based on an older version of an initiative: someone saved in between; reload and redo."""

    def __init__(self, record_id: str, based_on: int, current: int) -> None:
        self.record_id = record_id
        self.based_on = based_on
        self.current = current
        super().__init__(
            f"initiative {record_id}: this change is based on version {based_on}, but version {current} "
            "was saved in the meantime: reload it and make the change again"
        )


class EditSentConflictError(ConflictError):
    """A save from a form opened before another edit of the initiative was sent for review: both were
    based on the same version, so the later one would silently undo the earlier once approved."""

    def __init__(self, record_id: str, based_on: int, seen_edit: int, newest_edit: int) -> None:
        self.record_id = record_id
        self.based_on = self.current = based_on
        self.seen_edit, self.newest_edit = seen_edit, newest_edit
        StoreError.__init__(
            self,
            f"initiative {record_id}: edit {newest_edit} was sent for review after this form was opened "
            f"(it had seen edit {seen_edit}): reload it and make the change again",
        )


class ParameterError(BimError):
    """A request parameter (API, feed, embed URL) is malformed or unknown: `name` says which, `reason` why."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__(f"parameter {name!r}: {reason}")


class AccessError(BimError):
    """A moderator account may not see or change this initiative (an editor outside their commune)."""


class PictureError(BimError):
    """An uploaded picture is refused (nothing is stored): `code` says why, for the pages to translate."""

    def __init__(self, file: object, reason: str, code: str) -> None:
        self.file = str(file)
        self.reason = reason
        self.code = code
        super().__init__(f"{self.file}: {reason}")
