"""The notebooks: committed clean, well-formed, and executing end to end into the expected tables."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from essaylab import project_root
from essaylab.run import KERNEL

NOTEBOOKS = sorted((project_root() / "notebooks").glob("[0-9][0-9]-*.ipynb"))

# Tables each notebook must write, with the columns users rely on (extra columns are allowed).
EXPECTED_TABLES = {
    "01-corpus-overview": {
        "corpus_overview.csv": ["essay", "author", "title", "venue", "date", "words", "sentences", "paragraphs"],
    },
    "02-tfidf-comparison": {
        "distinctive_terms.csv": ["author", "rank", "term", "score", "method"],
        "similarity.csv": ["author_a", "author_b", "cosine"],
    },
    "03-topic-modeling": {
        "topics.csv": ["topic", "rank", "term", "weight"],
        "topic_by_author.csv": ["topic", "author", "share"],
        "topic_selection.csv": ["model", "k", "coherence", "stability"],
    },
    "04-stance-analysis": {
        "stance.csv": ["author", "target", "score", "label", "n_sentences"],
        "stance_evidence.csv": ["author", "target", "sentence", "label", "score"],
    },
}


def _ids(paths):
    return [p.stem for p in paths]


def test_the_series_is_there():
    stems = _ids(NOTEBOOKS)
    assert stems[0] == "01-corpus-overview"
    assert all(stem in EXPECTED_TABLES for stem in stems), stems


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_committed_without_outputs(notebook: Path):
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{notebook.name}: a cell has outputs"
            assert cell.get("execution_count") is None, f"{notebook.name}: a cell has an execution count"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_structure(notebook: Path):
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == KERNEL
    first = nb["cells"][0]
    assert first["cell_type"] == "markdown" and "".join(first["source"]).startswith("# ")
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{notebook.name}: needs exactly one cell tagged 'parameters'"
    source = "".join(tagged[0]["source"])
    for variable in ("ESSAYS_DIR", "RESULTS_DIR"):
        assert variable in source
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "nltk.download" not in code


def _execute_all(folder: Path, cache: Path) -> subprocess.CompletedProcess:
    """Run every notebook the way `make analysis` does, into ``folder``, with its own cache."""
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env.update(RESULTS_DIR=str(folder / "results"), REPORTS_DIR=str(folder / "reports"), ESSAYLAB_CACHE=str(cache))
    env.pop("ESSAYS_DIR", None)
    command = [sys.executable, "-m", "essaylab.run", "--jobs", "2", *map(str, NOTEBOOKS)]
    return subprocess.run(command, capture_output=True, text=True, env=env)


@pytest.fixture(scope="session")
def executed(tmp_path_factory) -> tuple[Path, Path]:
    """Two complete runs: the first with an empty cache, the second reusing it."""
    root = tmp_path_factory.mktemp("analysis")
    cache = root / "cache"
    runs = []
    for name in ("first", "second"):
        result = _execute_all(root / name, cache)
        assert result.returncode == 0, result.stdout + result.stderr[-5000:]
        runs.append(root / name)
    return runs[0], runs[1]


@pytest.mark.notebooks
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_executes_and_writes_its_tables(notebook: Path, executed):
    first, _ = executed
    html = (first / "reports" / f"{notebook.stem}.html").read_text(encoding="utf-8")
    if "plt." in notebook.read_text(encoding="utf-8"):
        assert "data:image/png;base64" in html, "the report has no figures"
    for table, columns in EXPECTED_TABLES[notebook.stem].items():
        frame = pd.read_csv(first / "results" / table)
        assert len(frame) > 0, table
        assert [c for c in columns if c not in frame.columns] == [], f"{table}: missing columns"


@pytest.mark.notebooks
def test_two_runs_give_byte_identical_tables(executed):
    """Repeatability: a second run (reusing the first run's cache) writes the same bytes."""
    first, second = executed
    tables = sorted(p.name for p in (first / "results").glob("*.csv"))
    assert tables == sorted(p.name for p in (second / "results").glob("*.csv"))
    expected = {t for tables_ in EXPECTED_TABLES.values() for t in tables_}
    assert expected <= set(tables)
    for name in tables:
        assert (first / "results" / name).read_bytes() == (second / "results" / name).read_bytes(), name


def test_python3_kernel_is_the_project_environment():
    """`make lab` and nbconvert start the `python3` kernel; it must run this environment's Python."""
    from jupyter_client.kernelspec import KernelSpecManager

    argv0 = KernelSpecManager().get_kernel_spec(KERNEL).argv[0]
    assert argv0 in {"python", "python3"} or Path(argv0).resolve() == Path(sys.executable).resolve(), argv0
