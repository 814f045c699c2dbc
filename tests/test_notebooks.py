"""The notebooks: committed clean, well-formed, and executing end to end into the expected tables."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from essaylab import project_root
from essaylab.run import KERNEL, execute_to_html

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


@pytest.mark.notebooks
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_executes_and_writes_its_tables(notebook: Path, tmp_path, monkeypatch):
    results, reports = tmp_path / "results", tmp_path / "reports"
    monkeypatch.setenv("RESULTS_DIR", str(results))
    monkeypatch.setenv("REPORTS_DIR", str(reports))
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's inline backend puts figures in the report
    _, _, error = execute_to_html(notebook, reports, timeout=600)
    assert not error, error
    html = (reports / f"{notebook.stem}.html").read_text(encoding="utf-8")
    if '"image/png"' in notebook.read_text(encoding="utf-8") or "plt." in notebook.read_text(encoding="utf-8"):
        assert "data:image/png;base64" in html, "the report has no figures"
    for table, columns in EXPECTED_TABLES[notebook.stem].items():
        frame = pd.read_csv(results / table)
        assert len(frame) > 0, table
        assert [c for c in columns if c not in frame.columns] == [], f"{table}: missing columns"
