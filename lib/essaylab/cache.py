"""A small on-disk cache of per-essay text processing, keyed by content.

Sentence splitting and word tokenization are the costly steps every notebook
repeats. Their results for one essay depend only on the essay's raw text and
on the library code and word lists that produce them, so they are stored under
a key made of both, in a folder per version of the library code:
``.cache/<code version>/<sha256>.pkl``. Editing an essay, the tokenizer or a word
list gives new keys; stale files are never read, and :func:`prune` (called at
the start of every ``essaylab.run``) deletes the folders of all but the most
recent versions of the code, so the cache does not grow without bound while the
code changes.

The cache is safe to delete at any time (``make clean``), is git-ignored, and
can be switched off with ``ESSAYLAB_CACHE=off``. Writes are atomic (a temporary
file renamed into place), so notebooks running in parallel can share it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import shutil
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .paths import cache_dir

__all__ = ["code_version", "essay_key", "key", "load", "store", "enabled", "exists", "frame_digest", "files_digest", "cached",
           "memoized", "prune"]


def enabled() -> bool:
    """False when ``ESSAYLAB_CACHE`` is ``off`` (or ``0``/``no``)."""
    return os.environ.get("ESSAYLAB_CACHE", "").strip().lower() not in {"off", "0", "no", "false"}


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the library code and word lists that cached results depend on: every module of the
    package (a hand-kept list of the relevant ones once missed two) and its data files."""
    digest = hashlib.sha256()
    package = resources.files("essaylab")
    for folder, suffixes in ((package, (".py",)), (package.joinpath("data"), (".txt", ".toml"))):
        for entry in sorted(folder.iterdir(), key=lambda p: p.name):
            if entry.name.endswith(suffixes):
                digest.update(entry.name.encode() + b"\0" + entry.read_bytes())
    return digest.hexdigest()[:16]


def essay_key(raw: str) -> str:
    """The cache key of an essay's processed text.

    >>> essay_key("a") == essay_key("a") != essay_key("b")
    True
    """
    return key("essay", raw)


def key(*parts: str) -> str:
    """A cache key for a result that depends on the library code and on ``parts``.

    >>> key("stance", "text") != key("stance", "other text")
    True
    """
    digest = hashlib.sha256(code_version().encode())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8"))
    return digest.hexdigest()


def _path(key: str) -> Path:
    return cache_dir() / code_version() / f"{key}.pkl"


# A folder of one code version's entries (code_version's 16 hex digits), or the single folder that held every
# version's entries before the cache was split by version.
_VERSION_FOLDER = re.compile(r"[0-9a-f]{16}|essays")


def prune(keep: int = 2) -> list[Path]:
    """Delete the cached entries of older versions of the library code; return the folders deleted.

    Every key includes :func:`code_version`, so an entry written by other code is never read again
    by this code. The folder of the current version is kept, and so are the ``keep - 1`` most recently
    written folders of other versions (switching back to a branch finds its cache); the rest go. Other
    files and folders in the cache folder are left alone. Nothing happens with the cache off.
    """
    if not enabled() or not cache_dir().is_dir():
        return []
    current = code_version()
    others = [p for p in cache_dir().iterdir() if p.is_dir() and _VERSION_FOLDER.fullmatch(p.name) and p.name != current]
    others.sort(key=lambda p: (p.stat().st_mtime, p.name), reverse=True)
    removed = others[max(0, keep - 1):]
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed


def load(key: str) -> dict | None:
    """The stored value for ``key``, or None (missing, unreadable or cache off)."""
    if not enabled():
        return None
    try:
        with open(_path(key), "rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        return None


def exists(key: str) -> bool:
    """Whether a value is stored under ``key`` (False with the cache off), without reading it."""
    return enabled() and _path(key).is_file()


def store(key: str, value: dict) -> None:
    """Store ``value`` under ``key`` atomically; failures (read-only disk…) are ignored."""
    if not enabled():
        return
    path = _path(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass


def frame_digest(frame) -> str:
    """A digest of a pandas table's contents (not its index), for cache keys built from tables."""
    import pandas as pd

    return hashlib.sha256(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()).hexdigest()


def files_digest(*paths: Path) -> str:
    """A digest of the named files and of every file under the named folders (relative names and bytes);
    a missing path counts as absent. For results that depend on a folder of inputs as a whole."""
    digest = hashlib.sha256()
    for path in map(Path, paths):
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(path.parent)).encode() + b"\0")
            digest.update(file.read_bytes() if file.is_file() else b"(absent)")
            digest.update(b"\0")
    return digest.hexdigest()


def cached(key: str, make):
    """``make()``'s value, stored on disk under ``key`` the first time and read back after that (the
    "load, else compute and store" of every result cached by its inputs).

    >>> cached(key("doctest", "cached"), lambda: 42)
    42
    """
    stored = load(key)
    if stored is None:
        stored = {"value": make()}
        store(key, stored)
    return stored["value"]


def memoized(memory: dict, memory_key, disk_key: str, make, limit: int = 32):
    """``make()``'s value kept in ``memory`` under ``memory_key`` and on disk under ``disk_key``: the fitted
    models' cache (computed once, then read from memory in this process and from disk in the next).
    ``memory`` holds at most ``limit`` values; the least recently used goes first.

    >>> memory = {}
    >>> [memoized(memory, k, key("doctest", "memoized", k), lambda: k.upper(), limit=2) for k in "aba"]
    ['A', 'B', 'A']
    >>> memoized(memory, "c", key("doctest", "memoized", "c"), lambda: "C", limit=2), list(memory)
    ('C', ['a', 'c'])
    """
    if memory_key in memory:
        memory[memory_key] = memory.pop(memory_key)  # now the most recently used
    else:
        value = cached(disk_key, make)
        while len(memory) >= limit:
            del memory[next(iter(memory))]
        memory[memory_key] = value
    return memory[memory_key]
