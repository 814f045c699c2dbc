"""Topic modelling: NPMI coherence, stability, the choice rule, and the tables of notebook 03."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from conftest import SEEDS
from essaylab import load_corpus
from essaylab import topics as tp

# ---------------------------------------------------------------------------
# NPMI coherence
# ---------------------------------------------------------------------------

# Toy corpus of 5 paragraphs and 4 terms (rows = paragraphs, columns = terms):
#
#            border  migrants  energy  trade
#   para 0      1        1        0      0
#   para 1      1        1        0      1
#   para 2      1        0        0      0
#   para 3      0        0        1      1
#   para 4      0        0        1      0
#
# Document frequencies: border 3, migrants 2, energy 2, trade 2 (of N = 5).
TOY = sparse.csr_matrix(np.array([
    [1, 1, 0, 0],
    [1, 1, 0, 1],
    [1, 0, 0, 0],
    [0, 0, 1, 1],
    [0, 0, 1, 0],
]))
BORDER, MIGRANTS, ENERGY, TRADE = range(4)


@pytest.mark.parametrize("pair, expected", [
    # border & migrants: together in 2 paragraphs.
    #   P(b, m) = 2/5, P(b) = 3/5, P(m) = 2/5
    #   PMI = log((2/5) / (3/5 * 2/5)) = log(5/3) = 0.5108
    #   NPMI = 0.5108 / -log(2/5) = 0.5108 / 0.9163 = 0.5575
    ((BORDER, MIGRANTS), math.log(5 / 3) / -math.log(2 / 5)),
    # border & energy: never in the same paragraph -> -1 by convention.
    ((BORDER, ENERGY), -1.0),
    # energy & trade: together in 1 paragraph.
    #   P(e, t) = 1/5, P(e) = P(t) = 2/5
    #   PMI = log((1/5) / (4/25)) = log(5/4) = 0.2231
    #   NPMI = 0.2231 / -log(1/5) = 0.2231 / 1.6094 = 0.1386
    ((ENERGY, TRADE), math.log(5 / 4) / -math.log(1 / 5)),
    # migrants & trade: together in 1 paragraph; same probabilities as energy & trade.
    ((MIGRANTS, TRADE), math.log(5 / 4) / -math.log(1 / 5)),
    # border & trade: together in 1 paragraph.
    #   PMI = log((1/5) / (3/5 * 2/5)) = log(5/6) = -0.1823
    #   NPMI = -0.1823 / 1.6094 = -0.1133 (less often together than chance)
    ((BORDER, TRADE), math.log(5 / 6) / -math.log(1 / 5)),
])
def test_npmi_of_one_pair_matches_hand_computation(pair, expected):
    coherence = tp.topic_coherence(np.array([pair]), TOY)
    assert coherence[0] == pytest.approx(expected, abs=1e-12)


def test_topic_coherence_is_mean_over_pairs_and_model_over_topics():
    # Topic A = border, migrants, trade: pairs (b,m) 0.5575, (b,t) -0.1133, (m,t) 0.1386
    #   mean = (0.5575 - 0.1133 + 0.1386) / 3 = 0.1943
    # Topic B = energy, trade, border: pairs (e,t) 0.1386, (e,b) -1, (t,b) -0.1133
    #   mean = (0.1386 - 1 - 0.1133) / 3 = -0.3249
    bm = math.log(5 / 3) / -math.log(2 / 5)
    bt = math.log(5 / 6) / -math.log(1 / 5)
    et = mt = math.log(5 / 4) / -math.log(1 / 5)
    topics = np.array([[BORDER, MIGRANTS, TRADE], [ENERGY, TRADE, BORDER]])
    coherence = tp.topic_coherence(topics, TOY)
    assert coherence.tolist() == pytest.approx([(bm + bt + mt) / 3, (et - 1 + bt) / 3], abs=1e-12)
    assert round(coherence[0], 4) == 0.1943 and round(coherence[1], 4) == -0.3249


def test_coherence_does_not_depend_on_counts_or_term_order():
    counts = TOY.multiply(7).tocsr()  # a term repeated within a paragraph still counts once
    forward = tp.topic_coherence(np.array([[BORDER, MIGRANTS, TRADE]]), TOY)
    backward = tp.topic_coherence(np.array([[TRADE, MIGRANTS, BORDER]]), counts)
    assert forward == pytest.approx(backward)


@pytest.mark.parametrize("matrix, expected", [
    (np.ones((3, 2)), 1.0),                         # both terms in every paragraph: always together
    (np.array([[1, 1], [1, 1], [0, 0]]), 1.0),      # only ever together
    (np.array([[1, 0], [0, 1], [0, 0]]), -1.0),     # never together
    (np.array([[1, 1], [1, 0], [0, 1], [0, 0]]), 0.0),  # independent: P(a,b) = 1/4 = 1/2 * 1/2
])
def test_npmi_bounds_and_conventions(matrix, expected):
    assert tp.topic_coherence(np.array([[0, 1]]), sparse.csr_matrix(matrix))[0] == pytest.approx(expected, abs=1e-12)


def test_coherence_ranks_a_real_topic_above_a_mixed_one():
    corpus = load_corpus(SEEDS)
    docs = tp.split_long_paragraphs(corpus.paragraphs_frame())
    counts, terms = tp.vectorize(docs["text"], corpus.tokens)
    index = {t: i for i, t in enumerate(terms)}
    energy = [index[t] for t in ("energy", "electricity", "renewable", "state-owned") if t in index]
    mixed = [index[t] for t in ("energy", "cartels", "asylum", "china") if t in index]
    assert len(energy) >= 3 and len(mixed) == 4
    scores = tp.topic_coherence(np.array([energy[:3], mixed[:3]]), counts)
    assert scores[0] > scores[1]


# ---------------------------------------------------------------------------
# Stability
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("runs, expected", [
    # Identical topics in another order: perfect match.
    ([[[0, 1, 2], [3, 4, 5]], [[3, 4, 5], [0, 1, 2]]], 1.0),
    # One topic keeps 2 of 3 terms: Jaccard 2/4 = 0.5; the other is identical: mean (0.5 + 1) / 2.
    ([[[0, 1, 2], [3, 4, 5]], [[0, 1, 9], [3, 4, 5]]], 0.75),
    # Nothing shared.
    ([[[0, 1], [2, 3]], [[4, 5], [6, 7]]], 0.0),
    # Three runs, three pairs: (1,2) = 1, (1,3) = (0.5 + 1) / 2, (2,3) = (0.5 + 1) / 2; mean over pairs.
    ([[[0, 1, 2], [3, 4, 5]], [[0, 1, 2], [3, 4, 5]], [[0, 1, 9], [3, 4, 5]]], (1 + 0.75 + 0.75) / 3),
])
def test_stability_matches_topics_one_to_one(runs, expected):
    assert tp.topic_stability([np.array(r) for r in runs]) == pytest.approx(expected)


def test_matching_is_one_to_one_not_greedy():
    # Both topics of a resemble b's first topic most; a greedy best match would use b0 twice.
    a = np.array([[0, 1, 2, 3], [0, 1, 2, 4]])
    b = np.array([[0, 1, 2, 3], [0, 1, 5, 6]])
    # Jaccard: a0-b0 = 4/4, a0-b1 = 2/6, a1-b0 = 3/5, a1-b1 = 2/6.
    # One-to-one: a0-b0 + a1-b1 = 1 + 1/3 beats a0-b1 + a1-b0 = 1/3 + 3/5.
    partner, score = tp.match_topics(a, b)
    assert partner.tolist() == [0, 1]
    assert score.tolist() == pytest.approx([1.0, 1 / 3])
    assert tp.topic_stability([a, b]) == pytest.approx((1 + 1 / 3) / 2)  # greedy would say (1 + 3/5) / 2


def test_stability_needs_two_runs():
    with pytest.raises(ValueError):
        tp.topic_stability([np.array([[0, 1]])])


# ---------------------------------------------------------------------------
# Choice rule, labels, tables
# ---------------------------------------------------------------------------

SWEEP = pd.DataFrame({
    "model": ["nmf", "nmf", "nmf", "lda", "lda"],
    "k": [4, 6, 8, 4, 6],
    "coherence": [0.20, 0.25, 0.30, 0.05, 0.26],
    "stability": [0.70, 0.62, 0.40, 0.30, 0.65],
})


@pytest.mark.parametrize("threshold, expected", [
    (0.6, ("lda", 6)),   # three rows pass; lda k=6 is the most coherent of them
    (0.63, ("lda", 6)),  # nmf k=6 drops out
    (0.66, ("nmf", 4)),  # only nmf k=4 passes
    (0.9, ("nmf", 4)),   # none pass: the most stable row
    (0.0, ("nmf", 8)),   # every row passes: the most coherent overall
])
def test_choice_rule(threshold, expected):
    row = tp.choose_model(SWEEP, threshold)
    assert (row["model"], int(row["k"])) == expected


def test_choice_ties_go_to_stability_then_small_k():
    tied = pd.DataFrame({"model": ["nmf", "nmf", "nmf"], "k": [8, 5, 6],
                         "coherence": [0.3, 0.3, 0.3], "stability": [0.7, 0.7, 0.8]})
    assert int(tp.choose_model(tied, 0.6)["k"]) == 6
    assert int(tp.choose_model(tied.iloc[:2], 0.6)["k"]) == 5


@pytest.mark.parametrize("top_terms, expected", [
    ([["border", "asylum", "migrants"], ["energy", "usmca", "trade"]],
     ["border · asylum · migrants", "energy · usmca · trade"]),
    ([["a", "b", "c", "d"], ["a", "b", "c", "e"]], ["a · b · c · d", "a · b · c · e"]),
    ([["a", "b"], ["a", "b"]], ["a · b", "a · b (2)"]),
])
def test_labels_are_short_and_unique(top_terms, expected):
    assert tp.topic_labels(top_terms, n=3) == expected


def test_feasible_k_is_bounded_by_documents():
    assert tp.feasible_k(range(4, 13), 71, 600) == list(range(4, 13))
    assert tp.feasible_k(range(4, 13), 9, 600) == [4]
    assert tp.feasible_k(range(4, 13), 6, 600) == [3]
    with pytest.raises(ValueError):
        tp.feasible_k(range(4, 13), 3, 600)


def test_long_paragraphs_are_cut_at_sentences():
    text = " ".join(f"Sentence number {i} has exactly seven words." for i in range(10))  # 70 words
    frame = pd.DataFrame({"essay": ["e"], "author": ["A"], "paragraph": [0], "position": [0.5], "text": [text]})
    pieces = tp.split_long_paragraphs(frame, max_words=30)
    assert len(pieces) == 3
    assert " ".join(pieces["text"]) == text
    assert all(t.endswith(".") for t in pieces["text"])
    assert pieces["words"].sum() == 70 and pieces["words"].max() <= 30
    assert pieces["position"].tolist() == pytest.approx([1 / 6, 3 / 6, 5 / 6])


def test_author_shares_sum_to_one_and_weight_by_words():
    docs = pd.DataFrame({"author": ["A", "A", "B"], "words": [90, 10, 50]})
    shares = np.array([[1.0, 0.0], [0.0, 1.0], [0.2, 0.8]])
    table = tp.topic_by_author(shares, docs, ["x", "y"])
    assert table.groupby("author")["share"].sum().tolist() == pytest.approx([1.0, 1.0])
    assert table.set_index(["author", "topic"]).loc[("A", "x"), "share"] == pytest.approx(0.9)


def test_evidence_prefers_long_distinct_paragraphs():
    docs = pd.DataFrame({"author": ["A", "B", "C", "D"], "essay": ["a", "b", "c", "d"], "paragraph": [0, 3, 1, 2],
                         "words": [10, 60, 60, 40], "text": ["short", "quoted", "quoted", "other"]})
    shares = np.array([[1.0], [0.9], [0.9], [0.5]])
    table = tp.representative_documents(shares, docs, ["x"], n=3)
    # "short" has the highest share but under 25 words: last; "quoted" appears once although two essays have it.
    assert table["text"].tolist() == ["quoted", "other", "short"]
    assert table["author"].tolist() == ["B", "D", "A"] and table["rank"].tolist() == [1, 2, 3]


def test_flow_shares_sum_to_one_per_part():
    rng = np.random.default_rng(0)
    docs = pd.DataFrame({"author": ["A"] * 10 + ["B"] * 10, "position": np.tile(np.linspace(0.05, 0.95, 10), 2),
                         "words": rng.integers(20, 100, 20)})
    shares = rng.dirichlet(np.ones(3), size=20)
    flow = tp.topic_flow(shares, docs, ["x", "y", "z"], bins=5)
    assert set(flow["part"]) == {1, 2, 3, 4, 5}
    assert flow.groupby(["author", "part"])["share"].sum().to_numpy() == pytest.approx(np.ones(10))


# ---------------------------------------------------------------------------
# The pipeline on the seeds: readable terms, deterministic, better than the default LDA
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds_pipeline():
    corpus = load_corpus(SEEDS)
    docs = tp.split_long_paragraphs(corpus.paragraphs_frame())
    counts, terms = tp.vectorize(docs["text"], corpus.tokens)
    return corpus, docs, counts, terms


def test_terms_are_readable_words(seeds_pipeline):
    corpus, _, _, terms = seeds_pipeline
    assert "united states" in terms  # multiword names kept whole
    assert {"security", "energy", "cooperation"} <= set(terms)  # whole words ...
    assert not {"secur", "energi", "cooper", "investig"} & set(terms)  # ... never stems (Porter would give these)


@pytest.mark.parametrize("kind", tp.MODELS)
def test_fits_are_deterministic(seeds_pipeline, kind):
    _, _, counts, _ = seeds_pipeline
    first = tp.fit_topic_model(kind, counts, 5, seed=3, max_iter=20)
    second = tp.fit_topic_model(kind, counts, 5, seed=3, max_iter=20)
    assert np.array_equal(first.term_weights(), second.term_weights())
    assert np.array_equal(first.doc_topics(counts), second.doc_topics(counts))
    assert first.doc_topics(counts).sum(axis=1) == pytest.approx(1.0)


def test_sweep_scores_are_in_range_and_reproducible(seeds_pipeline):
    _, _, counts, _ = seeds_pipeline
    reference = tp.presence(counts)
    first = tp.sweep(counts, reference, [4, 6], seeds=[0, 1, 2])
    second = tp.sweep(counts, reference, [4, 6], seeds=[0, 1, 2])
    pd.testing.assert_frame_equal(first, second)
    assert list(first.columns) == ["model", "k", "coherence", "stability"]
    assert first["coherence"].between(-1, 1).all() and first["stability"].between(0, 1).all()


def test_nmf_beats_default_lda_on_seeds(seeds_pipeline):
    from sklearn.decomposition import LatentDirichletAllocation
    from sklearn.feature_extraction.text import CountVectorizer

    _, docs, counts, _ = seeds_pipeline
    k = 6
    model = tp.fit_topic_model("nmf", counts, k, seed=0)
    ours = tp.topic_coherence(tp.top_term_ids(model.term_weights(), 10), counts).mean()
    plain = CountVectorizer(stop_words="english").fit_transform(docs["text"])
    default = LatentDirichletAllocation(n_components=k, random_state=0).fit(plain)
    theirs = tp.topic_coherence(tp.top_term_ids(default.components_, 10), plain).mean()
    assert ours > theirs


def test_weights_only_lda_gives_the_same_topics_as_scikit_learn(seeds_pipeline):
    """The sweep's LDA skips scikit-learn's final perplexity pass; its topic-word weights must not change."""
    from sklearn.decomposition import LatentDirichletAllocation
    from threadpoolctl import threadpool_limits

    counts = seeds_pipeline[2]
    with threadpool_limits(limits=1):
        fast = tp._fit("lda", counts, 5, 3, 10, weights_only=True).estimator
        full = LatentDirichletAllocation(n_components=5, learning_method="batch", max_iter=10,
                                         max_doc_update_iter=tp.LDA_DOC_UPDATE_ITER, random_state=3).fit(counts)
    assert np.array_equal(fast.components_, full.components_)
    assert np.isnan(fast.bound_) and np.isfinite(full.bound_)
    assert np.array_equal(fast.transform(counts[:5]), full.transform(counts[:5]))


def test_sweep_is_cached_by_its_inputs(seeds_pipeline, tmp_path, monkeypatch):
    monkeypatch.setenv("ESSAYLAB_CACHE", str(tmp_path))
    counts = seeds_pipeline[2][:40]
    first = tp.sweep(counts, counts, [3], seeds=[0, 1], models=["nmf"], n_top=5)
    stored = list(tmp_path.rglob("*.pkl"))
    assert len(stored) == 1
    again = tp.sweep(counts, counts, [3], seeds=[0, 1], models=["nmf"], n_top=5)
    pd.testing.assert_frame_equal(first, again)
    assert list(tmp_path.rglob("*.pkl")) == stored  # read back, not refitted
    tp.sweep(counts, counts, [3], seeds=[0, 2], models=["nmf"], n_top=5)  # another setting, another key
    assert len(list(tmp_path.rglob("*.pkl"))) == 2
