"""Writing result tables so that two runs give byte-identical files."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from .paths import results_dir

__all__ = ["write_table", "DECIMALS"]

# Floats are rounded before writing: enough precision for any reading of the
# tables, and immune to last-digit noise between BLAS builds.
DECIMALS = 6


def write_table(
    frame: pd.DataFrame,
    name: str,
    directory: str | os.PathLike[str] | None = None,
    sort_by: list[str] | None = None,
) -> Path:
    """Write ``frame`` to ``<results dir>/<name>`` as CSV, deterministically.

    Rows are sorted by ``sort_by`` (stable) when given; floats are rounded to
    ``DECIMALS`` places; no index, ``\\n`` line endings, UTF-8. Returns the path.

    >>> import tempfile
    >>> d = tempfile.mkdtemp()
    >>> p = write_table(pd.DataFrame({"b": [2, 1], "x": [1/3, 2/3]}), "t.csv", d, sort_by=["b"])
    >>> print(p.read_text(), end="")
    b,x
    1,0.666667
    2,0.333333
    """
    out_dir = results_dir(directory, create=True)
    table = frame.copy()
    if sort_by:
        table = table.sort_values(sort_by, kind="mergesort").reset_index(drop=True)
    for column in table.columns:
        if pd.api.types.is_float_dtype(table[column]):
            values = table[column].to_numpy(dtype=float).round(DECIMALS)
            table[column] = np.where(values == 0, 0.0, values)  # no "-0.0"
    path = out_dir / name
    table.to_csv(path, index=False, lineterminator="\n", encoding="utf-8", float_format=f"%.{DECIMALS}f")
    return path
