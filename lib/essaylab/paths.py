"""Every path the project uses, derived from this file, never from the working directory.

The essays, results and reports folders can be moved with the ``ESSAYS_DIR``,
``RESULTS_DIR`` and ``REPORTS_DIR`` environment variables. A relative value is
taken relative to the project root, so a notebook (which runs inside
``notebooks/``) and ``make`` (which runs at the root) agree.

>>> project_root().joinpath("lib", "essaylab", "paths.py").is_file()
True
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "project_root",
    "essays_dir",
    "results_dir",
    "reports_dir",
    "cache_dir",
    "resolve_dir",
]

_ROOT = Path(__file__).resolve().parents[2]


def project_root() -> Path:
    """The folder that holds ``pyproject.toml``, ``seeds/`` and ``notebooks/``."""
    return _ROOT


def resolve_dir(value: str | os.PathLike[str] | None, env: str, default: str) -> Path:
    """Resolve a folder from an explicit value, then the environment variable ``env``, then ``default``.

    Relative paths are taken relative to the project root.

    >>> resolve_dir("/tmp/x", "UNUSED_VAR", "seeds")
    PosixPath('/tmp/x')
    >>> resolve_dir(None, "UNUSED_VAR_FOR_DOCTEST", "seeds") == project_root() / "seeds"
    True
    """
    chosen = value if value not in (None, "") else os.environ.get(env) or default
    path = Path(chosen).expanduser()
    if not path.is_absolute():
        path = _ROOT / path
    return path


def essays_dir(value: str | os.PathLike[str] | None = None) -> Path:
    """The essays folder (``ESSAYS_DIR``, default ``seeds/``)."""
    return resolve_dir(value, "ESSAYS_DIR", "seeds")


def results_dir(value: str | os.PathLike[str] | None = None, create: bool = False) -> Path:
    """The folder for CSV result tables (``RESULTS_DIR``, default ``results/``)."""
    path = resolve_dir(value, "RESULTS_DIR", "results")
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def reports_dir(value: str | os.PathLike[str] | None = None, create: bool = False) -> Path:
    """The folder for executed notebooks as HTML (``REPORTS_DIR``, default ``reports/``)."""
    path = resolve_dir(value, "REPORTS_DIR", "reports")
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir(create: bool = False) -> Path:
    """A git-ignored cache (``ESSAYLAB_CACHE``, default ``.cache/``); always safe to delete.

    ``ESSAYLAB_CACHE`` is a folder, or ``off`` (see :func:`essaylab.cache.enabled`); ``on``, ``1``,
    ``yes`` and ``true`` mean the default folder, not a folder of that name.
    """
    value = os.environ.get("ESSAYLAB_CACHE", "").strip()
    path = resolve_dir(".cache" if value.lower() in {"on", "1", "yes", "true"} else None, "ESSAYLAB_CACHE", ".cache")
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path
