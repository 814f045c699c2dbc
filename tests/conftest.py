"""Shared fixtures: sample texts and a factory for small corpus folders."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from essaylab import project_root
from essaylab.stance_model import TRAINING_SETS, labelled_set_paths

SEEDS = project_root() / "seeds"
VALIDATION = project_root() / "validation" / "stance"
# The labelled sets the stance and mention models are trained on (the library's list, as in notebook 04).
TRAINING = {name: paths for name, paths in labelled_set_paths(TRAINING_SETS).items() if paths[1].is_file()}

SAMPLE_BODY = (
    "The U.S.-Mexico relationship matters. Trade crosses the border every day.\n\n"
    "Security cooperation has weakened. Both governments should rebuild it."
)


def write_corpus(folder: Path, essays: dict[str, str | bytes], rows: list[dict[str, str]] | None = None,
                 columns: tuple[str, ...] = ("file", "author", "title", "venue", "date", "url", "notes")) -> Path:
    """Write essays and a metadata.csv (one row per essay unless ``rows`` is given) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in essays.items():
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    if rows is None:
        rows = [{"file": name, "author": f"Author {i}"} for i, name in enumerate(essays)]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    (folder / "metadata.csv").write_text(buffer.getvalue(), encoding="utf-8")
    return folder


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A valid two-essay corpus folder."""
    return write_corpus(tmp_path / "essays", {"a.txt": SAMPLE_BODY, "b.txt": SAMPLE_BODY.upper().lower()})


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A writable copy of the seed essays."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


# The clearest author-level positions in the seed essays (every coder and the adjudicated labels agree;
# see validation/stance): what the stance method must get right whatever else it does.
CLEAR_SEED_CASES = [
    ("Ryan C. Berg", "amlo", "against"),
    ("Shannon K. O'Neil", "amlo", "against"),
    ("Ryan C. Berg", "military_action", "against"),
    ("Ryan C. Berg", "security_cooperation", "favor"),
    ("Shannon K. O'Neil", "usmca", "favor"),
    ("Ryan C. Berg", "usmca", "favor"),
    ("Shannon K. O'Neil", "trump", "against"),
]
