"""Distinctive terms: term extraction, weighted log-odds, bootstrap, similarity evidence, KWIC."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from conftest import SEEDS, write_corpus
from essaylab import fold_accents, load_corpus
from essaylab.text import multiword_names
from essaylab.keyness import (
    _kwic_split,
    author_similarity,
    bootstrap_similarity,
    bootstrap_top_share,
    closest_paragraphs,
    distinctive_terms,
    extract_terms,
    keyword_in_context,
    log_odds_dirichlet,
    pair_ranking,
    rank_order,
    similarity_long,
    term_counts,
)

# Front/back matter of the seeds (bios, handles, credits, disclaimers): none may be a term.
MATTER_TERMS = ["hxagon", "ryanbergphd", "@ryanbergphd", "twitter", "cnn", "español", "global americans",
                "bespoke", "war college", "army war", "strategic studies", "frontier markets",
                "future of venezuela", "endorsement", "image source", "research professor"]


@pytest.fixture(scope="module")
def seeds_counts():
    return term_counts(load_corpus(SEEDS))


@pytest.fixture(scope="module")
def seeds_table(seeds_counts):
    return distinctive_terms(seeds_counts, top=30, n_bootstrap=60, seed=7)


# ---------------------------------------------------------------------------
# Weighted log-odds with an informative Dirichlet prior (Monroe et al. 2008)
# ---------------------------------------------------------------------------
#
# For group i against the rest, term w:
#   delta = log((y_i + a_w) / (n_i + a_0 - y_i - a_w)) - log((y_j + a_w) / (n_j + a_0 - y_j - a_w))
#   var   = 1/(y_i + a_w) + 1/(y_j + a_w);   z = delta / sqrt(var)
#
# Case "two groups, flat prior": counts A = [2, 2], B = [0, 4]; a = [1, 1], a_0 = 2; n_A = n_B = 4.
#   A, term 0: log((2+1)/(4+2-2-1)) = log(3/3) = 0;  rest (B): log((0+1)/(4+2-0-1)) = log(1/5)
#              delta = 0 - log(1/5) = log 5 = 1.609438;  var = 1/3 + 1/1 = 4/3;  z = 1.609438/1.154701 = 1.393814
#   A, term 1: log((2+1)/(4+2-2-1)) = 0;  rest: log((4+1)/(4+2-4-1)) = log 5
#              delta = -log 5 = -1.609438;  var = 1/3 + 1/5 = 8/15;  z = -1.609438/0.730297 = -2.203814
#   B is A's mirror image (two groups: B's rest is A), so its delta and z change sign.
#
# Case "default prior = corpus counts": A = [3, 1], B = [1, 3]; totals [4, 4] so a = [4, 4], a_0 = 8; n = 4.
#   A, term 0: log((3+4)/(4+8-3-4)) = log(7/5);  rest: log((1+4)/(4+8-1-4)) = log(5/7)
#              delta = 2 log(7/5) = 0.672944;  var = 1/7 + 1/5 = 12/35;  z = 0.672944/0.585540 = 1.149271
#   A, term 1 is the mirror: -0.672944, -1.149271; B mirrors A.
#
# Case "three groups, one vs rest": A = [4, 0], B = [1, 1], C = [1, 3]; a = [1, 1], a_0 = 2.
#   A vs rest (B + C = [2, 4]; n_A = 4, n_rest = 6):
#   term 0: log((4+1)/(4+2-4-1)) = log 5;  rest: log((2+1)/(6+2-2-1)) = log(3/5)
#           delta = log(25/3) = 2.120264;  var = 1/5 + 1/3 = 8/15;  z = 2.120264/0.730297 = 2.903290
#   term 1: log((0+1)/(4+2-0-1)) = log(1/5);  rest: log((4+1)/(6+2-4-1)) = log(5/3)
#           delta = log(3/25) = -2.120264;  var = 1/1 + 1/5 = 6/5;  z = -2.120264/1.095445 = -1.935527
@pytest.mark.parametrize("counts, alpha, group, expected_delta, expected_z", [
    ([[2, 2], [0, 4]], [1, 1], 0, [1.609438, -1.609438], [1.393814, -2.203814]),
    ([[2, 2], [0, 4]], [1, 1], 1, [-1.609438, 1.609438], [-1.393814, 2.203814]),
    ([[3, 1], [1, 3]], None, 0, [0.672944, -0.672944], [1.149271, -1.149271]),
    ([[3, 1], [1, 3]], None, 1, [-0.672944, 0.672944], [-1.149271, 1.149271]),
    ([[4, 0], [1, 1], [1, 3]], [1, 1], 0, [2.120264, -2.120264], [2.903290, -1.935527]),
], ids=["flat-A", "flat-B", "corpus-prior-A", "corpus-prior-B", "three-groups-A"])
def test_log_odds_hand_computed(counts, alpha, group, expected_delta, expected_z):
    delta, z = log_odds_dirichlet(counts, None if alpha is None else np.array(alpha, dtype=float))
    assert delta[group] == pytest.approx(expected_delta, abs=1e-6)
    assert z[group] == pytest.approx(expected_z, abs=1e-6)


def test_log_odds_sparse_equals_dense():
    counts = np.array([[5, 0, 2, 1], [1, 3, 2, 0], [0, 1, 4, 6]])
    dense = log_odds_dirichlet(counts)
    sparse = log_odds_dirichlet(sp.csr_matrix(counts))
    for a, b in zip(dense, sparse):
        np.testing.assert_allclose(a, b)


def test_log_odds_equal_rates_give_zero():
    # Both groups use term 0 at the same rate (1/2), so nothing sets either apart on it.
    delta, z = log_odds_dirichlet([[2, 2], [4, 4]])
    np.testing.assert_allclose(delta, 0, atol=1e-12)
    np.testing.assert_allclose(z, 0, atol=1e-12)


def test_stronger_prior_shrinks_towards_zero():
    counts = [[6, 1, 1], [1, 4, 5]]
    weak = log_odds_dirichlet(counts, prior_weight=0.1)[0]
    strong = log_odds_dirichlet(counts, prior_weight=10.0)[0]
    assert np.all(np.abs(strong) < np.abs(weak))


def test_z_prefers_evidence_over_rate():
    # Term 0: 40 vs 10 uses; term 1: 2 vs 0 uses. Term 1 has the larger rate ratio, term 0 the larger z.
    counts = [[40, 2, 958], [10, 0, 990]]
    delta, z = log_odds_dirichlet(counts, prior_weight=0.01)
    assert delta[0, 1] > delta[0, 0]
    assert z[0, 0] > z[0, 1]


@pytest.mark.parametrize("counts, alpha", [
    ([[1, 0], [1, 0]], None),               # a term nobody uses: no prior mass
    ([[1, 2], [3, 4]], [1.0, 0.0]),          # a zero pseudo-count
    ([[1, 2]], None),                        # one group: nothing to compare with
])
def test_log_odds_rejects_bad_input(counts, alpha):
    with pytest.raises(ValueError):
        log_odds_dirichlet(counts, None if alpha is None else np.array(alpha))


# ---------------------------------------------------------------------------
# Terms
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("text_in, present, absent", [
    ("Security cooperation has weakened.", ["security cooperation", "security", "cooperation"], []),
    ("The rule of law matters.", ["rule", "law"], ["rule law"]),                      # stop word in between
    ("Energy, water and roads.", ["energy", "water", "roads"], ["energy water"]),    # comma in between
    ("In 2024 constitutional reform passed.", ["constitutional reform"], ["2024"]),
    ("Over $13 billion flowed.", ["billion"], ["13"]),
    ("Andrés Manuel López Obrador spoke.", ["lópez obrador", "andrés manuel"], ["manuel lópez obrador"]),
    ("The United States economy grew.", ["united states", "economy grew"], ["united states economy"]),
    ("Mexico’s “hugs, not bullets” strategy", ["hugs", "bullets", "mexico"], ["hugs bullets"]),
    ("They weren’t happy.", ["happy"], ["n't", "weren"]),
    ("Mexico’s security strategy and the countries’ trade", ["mexico", "security strategy", "countries"],
     ["mexico security", "countries trade"]),                                     # possessive in between
    ("U.S.-Mexico trade grew.", ["u.s.-mexico trade", "u.s.-mexico"], ["u.s", "mexico"]),
    ("They angered the U.S., its partner.", ["u.s.", "partner"], ["u.s"]),          # chunk-final abbreviation
])
def test_extract_terms(text_in, present, absent):
    terms = extract_terms(text_in, accents={"lopez": "lópez", "andres": "andrés"})
    assert all(t in terms for t in present), terms
    assert not any(t in terms for t in absent), terms


def test_unigrams_match_the_corpus_tokenizer(seeds_counts):
    """Every single-word term is counted exactly as corpus.tokens counts it, per author."""
    corpus = load_corpus(SEEDS)
    vocabulary = list(seeds_counts.vocabulary)
    author_counts = seeds_counts.author_counts.toarray()
    checked = 0
    for g, author in enumerate(seeds_counts.authors):
        tokens = Counter(t for e in corpus if e.author == author for t in corpus.tokens(e.text))
        for j, term in enumerate(vocabulary):
            if " " not in term:
                assert author_counts[g, j] == tokens[term], (author, term)
                checked += 1
    assert checked > 300


def test_no_front_or_back_matter_term(seeds_counts, seeds_table):
    vocabulary = set(seeds_counts.vocabulary)
    for term in MATTER_TERMS:
        assert term not in vocabulary
        assert not any(term in t for t in vocabulary), term
    assert not seeds_table["term"].str.contains("|".join(MATTER_TERMS), regex=True).any()


def test_min_count_and_nested_unigrams(seeds_counts):
    totals = np.asarray(seeds_counts.sentence_counts.sum(axis=0)).ravel()
    assert totals.min() >= 2
    index = {t: j for j, t in enumerate(seeds_counts.vocabulary)}
    names = set(multiword_names())
    # A kept single word always occurs outside each kept bigram containing it (names are not bigrams).
    for term, j in index.items():
        parts = term.split(" ")
        if len(parts) == 2 and tuple(fold_accents(term).split()) not in names and all(p in index for p in parts):
            assert all(totals[index[p]] > totals[j] for p in parts), term


def test_paragraph_and_sentence_counts_agree(seeds_counts):
    assert seeds_counts.paragraph_counts.sum() == seeds_counts.sentence_counts.sum()
    assert seeds_counts.author_counts.shape == (len(seeds_counts.authors), len(seeds_counts.vocabulary))


# ---------------------------------------------------------------------------
# Ranking and bootstrap
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("scores, tiebreak, expected", [
    ([[3.0, 1.0, 2.0]], None, [[1, 3, 2]]),
    ([[1.0, 1.0, 1.0]], None, [[1, 2, 3]]),
    ([[1.0, 1.0, 1.0]], [[0, 5, 2]], [[3, 1, 2]]),
    ([[0.0, 2.0], [2.0, 0.0]], None, [[2, 1], [1, 2]]),
])
def test_rank_order(scores, tiebreak, expected):
    assert rank_order(np.array(scores), None if tiebreak is None else np.array(tiebreak)).tolist() == expected


def _toy_bootstrap(seed):
    # Group 0: term 0 in every paragraph; term 1 only in paragraph 0 (an "accident of one paragraph").
    # Group 1: term 2 everywhere.
    X = sp.csr_matrix(np.array([[1, 5, 0], [1, 0, 0], [1, 0, 0], [1, 0, 0], [0, 0, 2], [0, 0, 2]]))
    groups = np.array([0, 0, 0, 0, 1, 1])
    return bootstrap_top_share(X, groups, 2, {"raw": lambda c: c.toarray()}, top=1, n_bootstrap=400, seed=seed)


def test_bootstrap_stability_separates_spread_from_accident():
    share = _toy_bootstrap(3)["raw"]
    # Term 1 is in group 0's top 1 exactly when paragraph 0 is drawn: P = 1 - (3/4)^4 = 0.684.
    assert share[0, 1] == pytest.approx(1 - 0.75 ** 4, abs=0.06)
    # Term 0 is top whenever paragraph 0 is not drawn, or drawn once with term 0 drawn >= 5 times: impossible
    # with 4 draws, so share[0, 0] = (3/4)^4 = 0.316.
    assert share[0, 0] == pytest.approx(0.75 ** 4, abs=0.06)
    assert share[1].tolist() == [0.0, 0.0, 1.0]


def test_bootstrap_is_deterministic_for_a_seed():
    a, b, c = _toy_bootstrap(11)["raw"], _toy_bootstrap(11)["raw"], _toy_bootstrap(12)["raw"]
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


# ---------------------------------------------------------------------------
# The table on the seeds
# ---------------------------------------------------------------------------


def test_table_shape_and_columns(seeds_table, seeds_counts):
    assert {"author", "rank", "term", "score", "method"} <= set(seeds_table.columns)
    assert set(seeds_table["method"]) == {"log_odds_z"}
    for author in seeds_counts.authors:
        rows = seeds_table[seeds_table["author"] == author]
        assert (rows["rank"] <= 25).sum() >= 25
        assert (rows["tfidf_rank"] <= 25).sum() >= 25
        top = rows.sort_values("rank").head(25)
        assert top["score"].is_monotonic_decreasing
        assert top["stability"].between(0, 1).all()
        assert (top["count"] >= 1).all() and (top["paragraphs"] <= top["author_paragraphs"]).all()


def test_top_term_is_overused_by_its_author(seeds_table, seeds_counts):
    """Each author's rank-1 term is used at a higher rate by that author than by all the others together."""
    counts = seeds_counts
    for author in counts.authors:
        rows = seeds_table[seeds_table["author"] == author].set_index("term")
        best = rows.sort_values("rank").index[0]
        # The top term is used more by this author than by all the others per 1,000 terms.
        g = counts.authors.index(author)
        own = counts.author_counts[g].toarray().ravel()
        j = counts.column(best)
        rest = np.asarray(counts.author_counts.sum(axis=0)).ravel() - own
        assert own[j] / own.sum() > rest[j] / rest.sum()


def test_table_is_deterministic(seeds_counts, seeds_table):
    again = distinctive_terms(seeds_counts, top=30, n_bootstrap=60, seed=7)
    pd.testing.assert_frame_equal(seeds_table, again)


# ---------------------------------------------------------------------------
# Similarity and its evidence
# ---------------------------------------------------------------------------


def test_author_similarity(seeds_counts):
    sim = author_similarity(seeds_counts)
    values = sim.to_numpy()
    assert np.allclose(np.diag(values), 1) and np.allclose(values, values.T)
    assert ((values > 0) & (values <= 1 + 1e-12)).all()
    long = similarity_long(sim)
    n = len(seeds_counts.authors)
    assert list(long.columns) == ["author_a", "author_b", "cosine"] and len(long) == n * (n - 1)


def test_pair_ranking_with_and_without_noise():
    sq = pd.DataFrame([[1, .5, .2], [.5, 1, .4], [.2, .4, 1]], index=list("ABC"), columns=list("ABC"))
    steady = pair_ranking(sq, np.repeat(sq.to_numpy()[None], 10, axis=0))
    assert steady["rank"].tolist() == [1, 2, 3]
    assert (steady.rank_low == steady["rank"]).all() and (steady.rank_high == steady["rank"]).all()
    assert steady.first_share.tolist() == [1.0, 0.0, 0.0]
    swapped = sq.to_numpy().copy()
    swapped[0, 1] = swapped[1, 0] = 0.1  # A-B becomes the least similar pair in this resample
    noisy = pair_ranking(sq, np.stack([sq.to_numpy(), swapped]))
    assert noisy.loc[0, "rank_high"] == 3 and noisy.loc[0, "first_share"] == 0.5


def _brute_force_best(X, groups, a, b):
    from sklearn.feature_extraction.text import TfidfTransformer
    V = TfidfTransformer().fit_transform(X).toarray()
    ia, ib = np.flatnonzero(groups == a), np.flatnonzero(groups == b)
    sims = V[ia] @ V[ib].T
    return sims.max()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_closest_paragraphs_exact_when_shortlist_covers(seed):
    rng = np.random.default_rng(seed)
    X = sp.csr_matrix(rng.poisson(0.4, size=(30, 25)) + (rng.random((30, 25)) < 0.02))
    groups = rng.integers(0, 3, size=30)
    best = closest_paragraphs(X, groups, 3, k=3, shortlist=30)
    assert len(best) == 9
    for (a, b), rows in best.groupby(["group_a", "group_b"]):
        assert rows["cosine"].is_monotonic_decreasing
        assert rows["cosine"].iloc[0] == pytest.approx(_brute_force_best(X, groups, a, b))
        assert (groups[rows["item_a"]] == a).all() and (groups[rows["item_b"]] == b).all()


def test_closest_paragraphs_with_a_short_shortlist_stays_valid():
    rng = np.random.default_rng(5)
    X = sp.csr_matrix(rng.poisson(0.5, size=(60, 20)))
    groups = np.repeat([0, 1], 30)
    best = closest_paragraphs(X, groups, 2, k=2, shortlist=4)
    assert len(best) == 2
    assert best["cosine"].iloc[0] <= _brute_force_best(X, groups, 0, 1) + 1e-12


def test_shared_terms_occur_in_both_paragraphs(seeds_counts):
    X = seeds_counts.paragraph_counts
    best = closest_paragraphs(X, seeds_counts.paragraph_author, len(seeds_counts.authors), k=2,
                              vocabulary=seeds_counts.vocabulary)
    assert len(best) == 2 * math.comb(len(seeds_counts.authors), 2)
    for row in best.itertuples():
        terms = row.shared_terms.split(", ")
        assert terms and terms[0]
        for term in terms:
            j = seeds_counts.column(term)
            assert X[row.item_a, j] > 0 and X[row.item_b, j] > 0, term


def test_bootstrap_similarity(seeds_counts):
    n = len(seeds_counts.authors)
    sims = bootstrap_similarity(seeds_counts.paragraph_counts, seeds_counts.paragraph_author, n,
                                n_bootstrap=20, seed=4)
    assert sims.shape == (20, n, n)
    assert np.allclose(sims, sims.transpose(0, 2, 1)) and np.allclose(sims[:, range(n), range(n)], 1)
    off = ~np.eye(n, dtype=bool)
    assert sims[:, off].std(axis=0).min() > 0  # resampling paragraphs moves every pair's similarity
    again = bootstrap_similarity(seeds_counts.paragraph_counts, seeds_counts.paragraph_author, n,
                                 n_bootstrap=20, seed=4)
    assert np.array_equal(sims, again)


# ---------------------------------------------------------------------------
# Keyword in context
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("sentence, term, expected", [
    ("The U.S.-Mexico border is long.", "border", ("The U.S.-Mexico", "border", "is long.")),
    ("Mexico’s security cooperation faded.", "security cooperation",
     ("Mexico’s", "security cooperation", "faded.")),
    ("Andres Manuel Lopez Obrador left.", "lópez obrador", ("Andres Manuel", "Lopez Obrador", "left.")),
    ("Trade with the U.S.-Mexico corridor and Mexico grew.", "mexico",
     ("Trade with the U.S.-Mexico corridor and", "Mexico", "grew.")),
    ("Mexico’s security strategy", "mexico security", ("", "Mexico’s security", "strategy")),
])
def test_kwic_split(sentence, term, expected):
    assert _kwic_split(sentence, term) == expected


def test_keyword_in_context_on_seeds(seeds_counts, seeds_table):
    top = {a: list(rows.sort_values("rank")["term"].head(5)) for a, rows in seeds_table.groupby("author")}
    kwic = keyword_in_context(seeds_counts, top, per_term=2)
    assert set(kwic["author"]) == set(seeds_counts.authors)
    sentences = seeds_counts.sentences.set_index(["essay", "sentence"])
    for row in kwic.itertuples():
        assert row.keyword, row  # the surface form was found
        words = [w.strip("’'s") for w in fold_accents(row.keyword).lower().split()]
        assert words[0] in fold_accents(row.term) and words[-1] in fold_accents(row.term)
        assert sentences.loc[(row.essay, row.sentence), "author"] == row.author


# ---------------------------------------------------------------------------
# Nothing is tied to the four seed authors
# ---------------------------------------------------------------------------


def test_works_on_another_corpus(tmp_path):
    corpus = load_corpus(SEEDS)
    paragraphs = [p for e in corpus for p in e.paragraphs]
    essays, rows = {}, []
    for i in range(12):  # 6 authors, 2 essays each, paragraphs dealt out round-robin
        essays[f"e{i}.txt"] = "\n\n".join(paragraphs[i::12])
        rows.append({"file": f"e{i}.txt", "author": f"Writer {i % 6}"})
    folder = write_corpus(tmp_path / "other", essays, rows)
    counts = term_counts(load_corpus(folder))
    assert counts.authors == tuple(f"Writer {k}" for k in range(6))
    table = distinctive_terms(counts, top=10, n_bootstrap=10, seed=0)
    assert set(table["author"]) == set(counts.authors)
    assert all((table[table["author"] == a]["rank"] <= 10).sum() == 10 for a in counts.authors)
    best = closest_paragraphs(counts.paragraph_counts, counts.paragraph_author, 6, k=1)
    assert len(best) == math.comb(6, 2)
