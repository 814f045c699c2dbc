"""The one exception type for bad input."""

from __future__ import annotations

__all__ = ["CorpusError"]


class CorpusError(ValueError):
    """A problem with the essays folder, its metadata or one of its files.

    The message is one line and names the culprit (a file or a column).

    >>> str(CorpusError("metadata.csv: missing required column 'author'"))
    "metadata.csv: missing required column 'author'"
    """
