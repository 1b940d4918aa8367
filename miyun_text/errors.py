"""The package's one exception family.

Every error names the file, the line or offset, and what the user can do, so that a
researcher who meets one can fix the input without reading the source.
"""

from __future__ import annotations

__all__ = [
    "BinaryFileError",
    "ChecksumMismatchError",
    "CorpusError",
    "DictionaryError",
    "DuplicateReportError",
    "EmptyFileError",
    "ErrataError",
    "ManifestError",
    "MissingFileError",
    "MiyunTextError",
    "NotebookExecutionError",
    "ResourceError",
    "UndecodableFileError",
    "UnrepairedDamageError",
]


class MiyunTextError(Exception):
    """Base class of every error raised by ``miyun_text``.

    Example:
        >>> try:
        ...     raise EmptyFileError("data/raw/x.txt is empty")
        ... except MiyunTextError as err:
        ...     print(type(err).__name__)
        EmptyFileError
    """


class CorpusError(MiyunTextError):
    """A raw report or the manifest cannot be used as it is."""


class MissingFileError(CorpusError, FileNotFoundError):
    """A file named by the manifest or by the caller does not exist."""


class EmptyFileError(CorpusError):
    """A raw report has no bytes, or only white space."""


class BinaryFileError(CorpusError):
    """A raw report holds NUL bytes or other signs of a binary file."""


class UndecodableFileError(CorpusError):
    """A raw report is in none of the supported encodings."""


class ChecksumMismatchError(CorpusError):
    """A raw report's sha256 differs from the manifest's ``raw_sha256``."""


class DuplicateReportError(CorpusError):
    """Two manifest rows share a ``report_id``."""


class ManifestError(CorpusError):
    """The manifest lacks a column, or a value in it is malformed."""


class ErrataError(MiyunTextError):
    """An errata row does not match the raw text it claims to correct."""


class UnrepairedDamageError(MiyunTextError):
    """Mojibake was found that neither realignment nor the errata table repairs."""


class DictionaryError(MiyunTextError):
    """A user dictionary or lexicon has a malformed line."""


class ResourceError(MiyunTextError):
    """A shipped resource (lexicon, font) is missing or malformed."""


class NotebookExecutionError(MiyunTextError):
    """A notebook cell failed while the report was being built."""


class ArgumentError(MiyunTextError, ValueError):
    """An argument has a value the function cannot use (an unknown method, a count below 1 …).

    Example:
        >>> issubclass(ArgumentError, ValueError)
        True
    """


class DataTypeError(MiyunTextError, TypeError):
    """An argument or a table cell has a type the function cannot use (a str where a table is needed …).

    Example:
        >>> issubclass(DataTypeError, TypeError)
        True
    """


class GroupingError(ArgumentError):
    """``by=`` names a grouping or column the table does not have."""


class TokensMismatchError(ArgumentError):
    """A token table does not belong to the paragraphs or the Segmenter it is used with."""


class PanelError(MiyunTextError, ValueError):
    """A region or year the corpus does not hold was asked for, or a question needs one region."""


class AmbiguousRegionError(PanelError):
    """A year-over-year question was asked of paragraphs from several regions without naming one."""


class NotAFileError(CorpusError, IsADirectoryError):
    """A path given as a report file is a folder."""


class InputTooLargeError(CorpusError):
    """A file given to ``add`` is larger than a report can be, unless asked for with ``--large``."""


class DataLockedError(MiyunTextError):
    """Another process kept the data folder's write lock for longer than this one would wait."""


__all__ += ["AmbiguousRegionError", "ArgumentError", "DataLockedError", "DataTypeError", "GroupingError",
            "InputTooLargeError", "NotAFileError", "PanelError", "TokensMismatchError"]
