"""Independent pieces of work run on all cores (joblib processes), with the same results as one by one.

Used where a step is a set of independent, deterministic computations: fitting the cross-fitted stance
and mention models (:func:`essaylab.stance_model.prefit`, :func:`essaylab.mention_model.prefit`).
How many processes: ``ESSAYLAB_JOBS`` if set, else the cores this process may run on.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

__all__ = ["jobs", "run", "run_parts"]


def jobs() -> int:
    """``ESSAYLAB_JOBS`` if set, else the number of cores this process may run on."""
    value = os.environ.get("ESSAYLAB_JOBS", "").strip()
    if value:
        if not value.isdigit() or int(value) < 1:
            raise ValueError(f"ESSAYLAB_JOBS must be a positive whole number, not {value!r}")
        return int(value)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run(function: Callable, arguments: Sequence[tuple]) -> list:
    """``[function(*a) for a in arguments]``, each call in a worker process (as many as there are calls, at
    most :func:`jobs`); in this process when there is one call or one job. ``function`` must be importable
    (a module-level function), and its arguments and results picklable. The worker processes are reused
    between calls, so they are given this process's cache folder with every call."""
    count = min(jobs(), len(arguments))
    if count < 2:
        return [function(*a) for a in arguments]
    from joblib import Parallel, delayed

    from .paths import cache_dir

    folder = os.environ.get("ESSAYLAB_CACHE", "").strip()
    folder = folder if folder.lower() in {"off", "0", "no", "false"} else str(cache_dir().resolve())
    return Parallel(n_jobs=count)(delayed(_in_worker)(folder, function, a) for a in arguments)


def run_parts(function: Callable, items: Sequence, *shared, n_jobs: int | None = None) -> int:
    """Call ``function(*shared, part)`` on :func:`jobs` (or ``n_jobs``) interleaved parts of ``items`` at once,
    one part per worker process, so that ``shared`` (e.g. the training data) is sent and prepared once per
    process rather than once per item. Nothing is run with fewer than two items or two jobs: the caller then
    computes what it needs one by one. Returns how many items were given to the workers."""
    count = min(n_jobs or jobs(), len(items))
    if count < 2:
        return 0
    run(function, [(*shared, list(items[i::count])) for i in range(count)])
    return len(items)


def _in_worker(folder: str, function: Callable, arguments: tuple):
    os.environ["ESSAYLAB_CACHE"] = folder  # this call's cache folder, not the one the worker started with
    return function(*arguments)
