"""The cache warm-up gives exactly what the notebooks would compute themselves."""

from __future__ import annotations

import pandas as pd

from conftest import SEEDS
from essaylab import load_corpus
from essaylab.bench import make_synthetic_corpus
from essaylab.prepare import prepare
from essaylab.stance import stance_evidence


def test_prepared_cache_matches_direct_computation(tmp_path, monkeypatch):
    folder = make_synthetic_corpus(tmp_path / "corpus", 12, n_authors=3, source=SEEDS)
    monkeypatch.setenv("ESSAYLAB_CACHE", "off")
    direct = stance_evidence(load_corpus(folder))
    direct_words = [e.sentence_words for e in load_corpus(folder)]

    monkeypatch.setenv("ESSAYLAB_CACHE", str(tmp_path / "cache"))
    essays, sentences = prepare(str(folder), jobs=2)
    assert essays == 12 and sentences > 0
    assert len(list((tmp_path / "cache").rglob("*.pkl"))) >= 12 * 3  # sentences, terms, stance per essay
    cached = stance_evidence(load_corpus(folder))
    pd.testing.assert_frame_equal(direct, cached)
    assert [e.sentence_words for e in load_corpus(folder)] == direct_words


def test_synthetic_corpus_strips_its_bios(tmp_path):
    corpus = load_corpus(make_synthetic_corpus(tmp_path / "c", 5, n_authors=2, source=SEEDS))
    assert all(len(e.back_matter) == 1 and e.back_matter[0].kind == "bio" for e in corpus)
    assert not any("Synthetic Institute" in e.text for e in corpus)
