"""Topic models of the essays' paragraphs: fitting, scoring, choosing k, and the tables behind notebook 03.

Four essays are far too few documents for a topic model, so the documents are
**paragraphs** (a paragraph longer than ``max_words`` is cut at sentence
boundaries into pieces of about equal size), each keeping its essay, author and
position. Two scikit-learn models are compared: NMF on TF-IDF weights
(``init="nndsvd"``) and LDA on raw counts.

Choosing the number of topics ``k`` uses two scores, both computed here:

* **coherence** (:func:`topic_coherence`): NPMI of the top terms of a topic,
  with probabilities estimated as the fraction of documents (paragraphs) that
  contain the term or the pair;
* **stability** (:func:`topic_stability`): the model is refitted with several
  seeds, each on its own random subsample of documents; topics of two runs are
  paired one to one by the Hungarian algorithm on the Jaccard similarity of
  their top-term sets, and the mean Jaccard of the pairs is averaged over all
  pairs of runs.

:func:`choose_model` applies an explicit rule to the sweep, so the choice needs
no human on an unseen corpus. Every random step takes a seed.
"""

from __future__ import annotations

import hashlib
import math
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linear_sum_assignment
from sklearn.decomposition import NMF, LatentDirichletAllocation
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from threadpoolctl import threadpool_limits

from . import cache
from .text import sentence_spans

__all__ = [
    "MODELS",
    "LDA_DOC_UPDATE_ITER",
    "TopicModel",
    "split_long_paragraphs",
    "vectorize",
    "presence",
    "sample_rows",
    "feasible_k",
    "fit_topic_model",
    "top_term_ids",
    "npmi_matrix",
    "topic_coherence",
    "jaccard_matrix",
    "match_topics",
    "topic_stability",
    "sweep",
    "choose_model",
    "topic_labels",
    "prevalence_order",
    "topic_terms_table",
    "topic_by_author",
    "representative_documents",
    "topic_flow",
]

MODELS = ("nmf", "lda")
"""Model kinds: ``"nmf"`` (NMF on TF-IDF, ``init="nndsvd"``) and ``"lda"`` (LDA on counts)."""

LABEL_SEPARATOR = " · "

LDA_DOC_UPDATE_ITER = 10
"""Cap on LDA's per-document inner iterations (scikit-learn's ``max_doc_update_iter``, default 100).

Most of an LDA fit is spent there, mostly in the first passes, when the
topics are still random; 10 keeps a sweep of dozens of fits within seconds.
"""


# ---------------------------------------------------------------------------
# Documents and vectors
# ---------------------------------------------------------------------------


def _pieces(paragraph: str, max_words: int) -> list[str]:
    """Cut one paragraph at sentence boundaries into about equal pieces of at most ~``max_words`` words."""
    n_words = len(paragraph.split())
    if n_words <= max_words:
        return [paragraph]
    sentences = [paragraph[start:end] for start, end in sentence_spans(paragraph)] or [paragraph]
    n_pieces = math.ceil(n_words / max_words)
    target = n_words / n_pieces
    pieces: list[list[str]] = [[]]
    done = 0  # words in finished pieces plus the current one
    for sentence in sentences:
        size = len(sentence.split())
        # Close the current piece when this sentence would take it past its share of the words.
        if pieces[-1] and done + size / 2 > target * len(pieces) and len(pieces) < n_pieces:
            pieces.append([])
        pieces[-1].append(sentence)
        done += size
    return [" ".join(p) for p in pieces]


def split_long_paragraphs(paragraphs: pd.DataFrame, max_words: int = 250) -> pd.DataFrame:
    """The documents for topic modelling: one per paragraph, long paragraphs cut into pieces.

    ``paragraphs`` is :meth:`essaylab.Corpus.paragraphs_frame` (``essay, author,
    paragraph, position, text``). A paragraph of more than ``max_words``
    whitespace-separated words is cut at sentence boundaries into
    ``ceil(words / max_words)`` pieces of about equal length (a single sentence
    is never cut), so a text without paragraph breaks still yields many
    documents. Returns ``essay, author, paragraph, piece, position, words,
    text``; ``position`` (0..1) is the middle of the piece within its essay.

    >>> frame = pd.DataFrame({"essay": ["e", "e"], "author": ["A", "A"], "paragraph": [0, 1],
    ...                       "position": [0.25, 0.75], "text": ["One two. Three four.", "Five."]})
    >>> split_long_paragraphs(frame, max_words=2)[["paragraph", "piece", "position", "text"]]
       paragraph  piece  position         text
    0          0      0     0.125     One two.
    1          0      1     0.375  Three four.
    2          1      0     0.750        Five.
    """
    rows = []
    counts = paragraphs.groupby("essay", sort=False)["paragraph"].transform("size")
    for record, n_paragraphs in zip(paragraphs.itertuples(index=False), counts):
        pieces = _pieces(record.text, max_words)
        for j, piece in enumerate(pieces):
            rows.append({
                "essay": record.essay, "author": record.author, "paragraph": record.paragraph, "piece": j,
                "position": (record.paragraph + (j + 0.5) / len(pieces)) / n_paragraphs,
                "words": len(piece.split()), "text": piece,
            })
    return pd.DataFrame(rows, columns=["essay", "author", "paragraph", "piece", "position", "words", "text"])


def vectorize(
    texts: Iterable[str],
    analyzer: Callable[[str], list[str]],
    min_df: int | float = 2,
    max_df: int | float = 0.5,
) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Term counts per document and the vocabulary (readable words, sorted), via ``CountVectorizer``.

    ``analyzer`` turns a text into tokens (use ``corpus.tokens``, so terms are
    words and names such as ``"united states"``, never stems). Terms in fewer
    than ``min_df`` documents (hapaxes with the default) or in more than
    ``max_df`` of them (words every paragraph uses) are dropped. When that
    leaves nothing, as in a corpus of a handful of paragraphs, the limits are
    relaxed to keep every term, with a warning.

    >>> counts, terms = vectorize(["a b c", "a b", "b d"], str.split, min_df=2, max_df=0.9)
    >>> list(terms), counts.toarray().tolist()
    (['a'], [[1], [1], [0]])
    """
    texts = list(texts)
    try:
        vectorizer = CountVectorizer(analyzer=analyzer, min_df=min_df, max_df=max_df)
        counts = vectorizer.fit_transform(texts)
    except ValueError:
        warnings.warn(f"min_df={min_df}, max_df={max_df} leave no terms in {len(texts)} documents; "
                      "keeping every term", stacklevel=2)
        vectorizer = CountVectorizer(analyzer=analyzer)
        counts = vectorizer.fit_transform(texts)
    return counts.tocsr(), vectorizer.get_feature_names_out()


def presence(counts: sparse.spmatrix) -> sparse.csc_matrix:
    """Binary document-term matrix (1 where the document contains the term), as float CSC.

    >>> presence(sparse.csr_matrix([[0, 3], [1, 1]])).toarray().tolist()
    [[0.0, 1.0], [1.0, 1.0]]
    """
    binary = sparse.csc_matrix(counts, dtype=float, copy=True)
    binary.data[:] = 1.0
    binary.eliminate_zeros()
    return binary


def sample_rows(n_rows: int, max_rows: int | None, seed: int) -> np.ndarray:
    """Sorted row indices: all ``n_rows`` when ``max_rows`` is None or not smaller, else a seeded sample.

    >>> sample_rows(5, None, 0).tolist()
    [0, 1, 2, 3, 4]
    >>> rows = sample_rows(1000, 10, 0); len(rows), bool((np.diff(rows) > 0).all())
    (10, True)
    """
    if max_rows is None or n_rows <= max_rows:
        return np.arange(n_rows)
    return np.sort(np.random.default_rng(seed).choice(n_rows, size=max_rows, replace=False))


def feasible_k(k_range: Iterable[int], n_docs: int, n_terms: int) -> list[int]:
    """The values of ``k`` a corpus can support: at most half the documents and at most the terms.

    A topic needs a few documents of its own; with fewer than two documents per
    topic the fit only memorises paragraphs. Raises ``ValueError`` when no
    ``k`` >= 2 is possible.

    >>> feasible_k(range(4, 13), n_docs=71, n_terms=600)
    [4, 5, 6, 7, 8, 9, 10, 11, 12]
    >>> feasible_k(range(4, 13), n_docs=12, n_terms=600)
    [4, 5, 6]
    """
    limit = min(n_docs // 2, n_terms)
    ks = sorted({int(k) for k in k_range if 2 <= k <= limit})
    if not ks:
        if limit < 2:
            raise ValueError(f"{n_docs} documents and {n_terms} terms are too few for a topic model")
        ks = [min(limit, max(2, min(k_range)))]
    return ks


# ---------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicModel:
    """A fitted topic model: ``kind`` (``"nmf"``/``"lda"``), ``k``, ``seed`` and the scikit-learn parts."""

    kind: str
    k: int
    seed: int
    estimator: NMF | LatentDirichletAllocation
    tfidf: TfidfTransformer | None = None

    def term_weights(self) -> np.ndarray:
        """``k x terms`` topic-term weights, each row summing to 1 (the topic's distribution over terms)."""
        weights = np.asarray(self.estimator.components_, dtype=float)
        return _normalise_rows(weights)

    def doc_topics(self, counts: sparse.spmatrix) -> np.ndarray:
        """``documents x k`` topic shares of each document (rows sum to 1; all 0 for a document with no terms)."""
        features = self.tfidf.transform(counts) if self.tfidf is not None else counts
        with threadpool_limits(limits=1), warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            mixture = self.estimator.transform(features)
        return _normalise_rows(np.asarray(mixture, dtype=float))


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    totals = matrix.sum(axis=1, keepdims=True)
    return np.divide(matrix, totals, out=np.zeros_like(matrix), where=totals > 0)


def fit_topic_model(kind: str, counts: sparse.spmatrix, k: int, seed: int, max_iter: int = 200) -> TopicModel:
    """Fit one topic model on a document-term count matrix.

    ``"nmf"``: TF-IDF (scikit-learn defaults: smooth idf, l2-normalised rows),
    then ``NMF(k, init="nndsvd", random_state=seed)``. ``"lda"``:
    ``LatentDirichletAllocation(k, learning_method="batch",
    max_doc_update_iter=LDA_DOC_UPDATE_ITER, random_state=seed)`` on the
    counts. Both run single-threaded (``n_jobs=None`` and one BLAS thread:
    faster on these small matrices, and the same sums in the same order on
    every machine) with at most ``max_iter`` iterations (sensible values: a
    few hundred for NMF, 10 to 20 for LDA); not converging within them is
    accepted silently (topics are judged on coherence and stability, not on
    the objective). Deterministic for a given seed.

    >>> counts = sparse.csr_matrix([[3, 1, 0, 0], [2, 2, 0, 0], [0, 0, 2, 3], [0, 1, 3, 2]])
    >>> model = fit_topic_model("nmf", counts, k=2, seed=0)
    >>> model.doc_topics(counts).argmax(axis=1).tolist() in ([0, 0, 1, 1], [1, 1, 0, 0])
    True
    """
    with threadpool_limits(limits=1):
        return _fit(kind, counts, k, seed, max_iter)


class _WeightsOnlyLDA(LatentDirichletAllocation):
    """scikit-learn's LDA, minus the perplexity pass its ``fit`` makes after the last iteration.

    That pass (one more E-step over every document, then the bound) only sets
    ``bound_``; the topic-word weights are the same to the last bit (a test
    checks). The sweep needs only the weights, and skipping it saves about a
    fifth of each fit. ``bound_`` is NaN; ``transform`` works as usual.
    """

    _skip_bound = False

    def fit(self, X, y=None):
        self._skip_bound = True
        try:
            return super().fit(X, y)
        finally:
            self._skip_bound = False

    def _e_step(self, X, cal_sstats, random_init, parallel=None):
        if self._skip_bound and not cal_sstats:
            return None, None
        return super()._e_step(X, cal_sstats, random_init, parallel=parallel)

    def _perplexity_precomp_distr(self, X, doc_topic_distr=None, sub_sampling=False):
        if self._skip_bound:
            return float("nan")
        return super()._perplexity_precomp_distr(X, doc_topic_distr, sub_sampling)


def _fit(kind: str, counts: sparse.spmatrix, k: int, seed: int, max_iter: int,
         weights_only: bool = False) -> TopicModel:
    """:func:`fit_topic_model` without the thread limit (the caller sets it once for many fits).

    ``weights_only``: the caller needs only the topic-word weights (the sweep), see :class:`_WeightsOnlyLDA`.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        if kind == "nmf":
            tfidf = TfidfTransformer().fit(counts)
            estimator = NMF(n_components=k, init="nndsvd", random_state=seed, max_iter=max_iter)
            estimator.fit(tfidf.transform(counts))
            return TopicModel(kind, k, seed, estimator, tfidf)
        if kind == "lda":
            lda = _WeightsOnlyLDA if weights_only else LatentDirichletAllocation
            estimator = lda(n_components=k, learning_method="batch", max_iter=max_iter,
                            max_doc_update_iter=LDA_DOC_UPDATE_ITER, random_state=seed, n_jobs=None)
            estimator.fit(counts)
            return TopicModel(kind, k, seed, estimator)
    raise ValueError(f"unknown model kind {kind!r}; expected one of {MODELS}")


def top_term_ids(weights: np.ndarray, n: int = 10) -> np.ndarray:
    """``k x n`` indices of each topic's ``n`` heaviest terms, heaviest first (ties: lower index first).

    Weights are rounded to 12 significant digits before ranking, so last-bit
    differences between machines cannot reorder terms.

    >>> top_term_ids(np.array([[0.1, 0.5, 0.5, 0.0], [0.4, 0.3, 0.2, 0.1]]), n=2).tolist()
    [[1, 2], [0, 1]]
    """
    n = min(n, weights.shape[1])
    rounded = np.round(np.asarray(weights, dtype=float), 12)
    order = np.argsort(-rounded, axis=1, kind="stable")
    return order[:, :n]


# ---------------------------------------------------------------------------
# Coherence: NPMI over document co-occurrence
# ---------------------------------------------------------------------------


def npmi_matrix(doc_freq: np.ndarray, co_freq: np.ndarray, n_docs: int) -> np.ndarray:
    """Normalised PMI for every pair of terms, from document counts.

    With ``P(w) = doc_freq[w] / n_docs`` (fraction of documents containing
    ``w``) and ``P(wi, wj) = co_freq[i, j] / n_docs``::

        NPMI(wi, wj) = log(P(wi, wj) / (P(wi) P(wj))) / -log P(wi, wj)

    It runs from -1 to 1: 0 when the terms occur independently, 1 when they
    only ever occur together. Two conventions make it total: a pair that never
    co-occurs gets **-1** (the limit as ``P(wi, wj) -> 0``), and a pair found
    in every document gets **1** (they always occur together).

    >>> m = npmi_matrix(np.array([2, 2, 1]), np.array([[2, 1, 0], [1, 2, 1], [0, 1, 1]]), n_docs=4)
    >>> np.round(m, 3).tolist()
    [[1.0, 0.0, -1.0], [0.0, 1.0, 0.5], [-1.0, 0.5, 1.0]]
    """
    doc_freq = np.asarray(doc_freq, dtype=float)
    co_freq = np.asarray(co_freq, dtype=float)
    log_n = math.log(n_docs)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_co = np.log(co_freq)
        log_df = np.log(doc_freq)
        pmi = log_co + log_n - log_df[:, None] - log_df[None, :]
        result = pmi / (log_n - log_co)
    result = np.where(co_freq <= 0, -1.0, result)
    result = np.where(co_freq >= n_docs, 1.0, result)
    return np.clip(result, -1.0, 1.0)


def topic_coherence(top_ids: np.ndarray, presence_matrix: sparse.spmatrix) -> np.ndarray:
    """NPMI coherence of each topic: the mean :func:`npmi_matrix` value over all pairs of its top terms.

    ``top_ids`` is ``k x n`` term indices (:func:`top_term_ids`);
    ``presence_matrix`` is documents x terms, non-zero where a document
    contains a term (:func:`presence`). Co-occurrence counts come from one
    sparse product over the distinct top terms only, so the cost grows with
    the number of documents, not with the vocabulary. Model coherence is the
    mean over topics.

    >>> docs = presence(sparse.csr_matrix([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1]]))
    >>> np.round(topic_coherence(np.array([[0, 1], [0, 2]]), docs), 3).tolist()  # log(4/3) / log 2; never together
    [0.415, -1.0]
    """
    top_ids = np.atleast_2d(np.asarray(top_ids))
    if top_ids.shape[1] < 2:
        raise ValueError("coherence needs at least two top terms per topic")
    binary = presence(presence_matrix)
    unique, position = np.unique(top_ids, return_inverse=True)
    position = position.reshape(top_ids.shape)
    columns = binary[:, unique]
    co_freq = (columns.T @ columns).toarray()
    scores = npmi_matrix(np.diag(co_freq), co_freq, binary.shape[0])
    first, second = np.triu_indices(top_ids.shape[1], k=1)
    return scores[position[:, first], position[:, second]].mean(axis=1)


# ---------------------------------------------------------------------------
# Stability: match topics across seeds
# ---------------------------------------------------------------------------


def jaccard_matrix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Jaccard similarity of every topic of ``a`` with every topic of ``b`` (rows of term indices).

    >>> jaccard_matrix(np.array([[0, 1], [2, 3]]), np.array([[1, 2], [0, 1]])).tolist()
    [[0.3333333333333333, 1.0], [0.3333333333333333, 0.0]]
    """
    a, b = np.atleast_2d(a), np.atleast_2d(b)
    size = int(max(a.max(), b.max())) + 1
    indicator_a = np.zeros((a.shape[0], size))
    indicator_b = np.zeros((b.shape[0], size))
    np.put_along_axis(indicator_a, a, 1.0, axis=1)
    np.put_along_axis(indicator_b, b, 1.0, axis=1)
    overlap = indicator_a @ indicator_b.T
    union = indicator_a.sum(1)[:, None] + indicator_b.sum(1)[None, :] - overlap
    return overlap / union


def match_topics(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pair the topics of two runs one to one, maximising total Jaccard (Hungarian algorithm).

    Returns, for each topic of ``a``, the index of its partner in ``b`` and their Jaccard similarity.

    >>> partner, score = match_topics(np.array([[0, 1], [2, 3]]), np.array([[2, 3], [0, 4]]))
    >>> partner.tolist(), np.round(score, 3).tolist()
    ([1, 0], [0.333, 1.0])
    """
    similarity = jaccard_matrix(a, b)
    rows, cols = linear_sum_assignment(similarity, maximize=True)
    partner = np.empty(similarity.shape[0], dtype=int)
    partner[rows] = cols
    return partner, similarity[rows, cols][np.argsort(rows)]


def topic_stability(runs: Sequence[np.ndarray]) -> float:
    """How well topics reproduce across runs: mean matched Jaccard of top terms, over all pairs of runs.

    Each run is a ``k x n`` array of top-term indices. For every pair of runs
    the topics are matched one to one (:func:`match_topics`) and the matched
    Jaccard similarities averaged; the result is the mean over pairs, from 0
    (no top term ever shared) to 1 (identical top-term sets in every run).

    >>> same = np.array([[0, 1], [2, 3]])
    >>> topic_stability([same, same[::-1], same])
    1.0
    >>> round(topic_stability([same, np.array([[0, 5], [2, 3]])]), 3)   # (1/3 + 1) / 2
    0.667
    """
    if len(runs) < 2:
        raise ValueError("stability needs at least two runs")
    return float(np.mean([match_topics(a, b)[1].mean() for a, b in combinations(runs, 2)]))


# ---------------------------------------------------------------------------
# Sweep and choice
# ---------------------------------------------------------------------------


def sweep(
    counts: sparse.spmatrix,
    reference: sparse.spmatrix,
    k_values: Iterable[int],
    seeds: Sequence[int],
    models: Sequence[str] = MODELS,
    n_top: int = 10,
    subsample: float = 0.9,
    max_iter: dict[str, int] | None = None,
) -> pd.DataFrame:
    """Score every model kind and ``k`` by refitting it once per seed: ``model, k, coherence, stability``.

    Each refit uses ``random_state=seed`` and its own seeded random
    ``subsample`` of the rows of ``counts``: NMF with nndsvd starts from a
    near-exact SVD, so changing its seed alone would change almost nothing,
    while dropping documents tests whether topics depend on a few paragraphs.
    ``coherence`` is the mean over refits of the model coherence (mean
    :func:`topic_coherence` of the topics, measured on the documents of
    ``reference``); averaging over refits keeps one lucky fit from deciding
    ``k``. ``stability`` is :func:`topic_stability` over the refits.
    ``max_iter`` maps model kind to its iteration cap.

    The table is kept in the on-disk cache (:mod:`essaylab.cache`) under a key
    made of the two matrices, every setting, this module's code and the
    scikit-learn and NumPy versions, so a rerun on unchanged input does not refit
    dozens of models; any change gives a new key.

    >>> counts = sparse.csr_matrix(np.kron(np.eye(2, dtype=int), np.ones((6, 3), dtype=int)))
    >>> sweep(counts, counts, [2], seeds=[0, 1], models=["nmf"], n_top=3)
      model  k  coherence  stability
    0   nmf  2        1.0        1.0
    """
    max_iter = {"nmf": 200, "lda": 10, **(max_iter or {})}
    key = _sweep_key(counts, reference, list(k_values), seeds, models, n_top, subsample, max_iter)
    stored = cache.load(key)
    if stored is not None:
        return stored
    table = _sweep(counts, reference, k_values, seeds, models, n_top, subsample, max_iter)
    cache.store(key, table)
    return table


def _digest(matrix: sparse.spmatrix) -> str:
    matrix = sparse.csr_matrix(matrix)
    matrix.sort_indices()
    digest = hashlib.sha256(repr((matrix.shape, str(matrix.dtype))).encode())
    for part in (matrix.data, matrix.indices, matrix.indptr):
        digest.update(np.ascontiguousarray(part).tobytes())
    return digest.hexdigest()


def _sweep_key(counts, reference, *settings) -> str:
    """The sweep's inputs, settings, this module's code and the library versions: one cache key."""
    import sklearn

    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    return cache.key("sweep", code, sklearn.__version__, np.__version__, _digest(counts), _digest(reference),
                     repr(settings))


def _sweep(counts, reference, k_values, seeds, models, n_top, subsample, max_iter) -> pd.DataFrame:
    n_rows = counts.shape[0]
    size = min(n_rows, max(2, round(subsample * n_rows)))
    subsets = [np.sort(np.random.default_rng(s).choice(n_rows, size=size, replace=False)) for s in seeds]
    rows = []
    for kind in models:
        for k in k_values:
            with threadpool_limits(limits=1):
                runs = [top_term_ids(_fit(kind, counts[subset], k, s, max_iter[kind], weights_only=True).term_weights(), n_top)
                        for s, subset in zip(seeds, subsets)]
            coherence = np.mean([topic_coherence(run, reference).mean() for run in runs])
            rows.append({"model": kind, "k": int(k), "coherence": float(coherence),
                         "stability": topic_stability(runs)})
    return pd.DataFrame(rows, columns=["model", "k", "coherence", "stability"])


def choose_model(selection: pd.DataFrame, min_stability: float = 0.6) -> pd.Series:
    """The sweep row to use: the most coherent among those with ``stability >= min_stability``.

    Ties go to the more stable, then the smaller ``k``, then the model name.
    When no row is stable enough the most stable row is taken (ties: more
    coherent, smaller ``k``), since an unstable topic set is not a finding.

    >>> table = pd.DataFrame({"model": ["nmf", "nmf", "lda"], "k": [4, 8, 4],
    ...                       "coherence": [0.2, 0.3, 0.1], "stability": [0.8, 0.5, 0.9]})
    >>> [(row.model, int(row.k)) for row in (choose_model(table, 0.6), choose_model(table, 0.95))]
    [('nmf', 4), ('lda', 4)]
    """
    stable = selection[selection["stability"] >= min_stability]
    if len(stable):
        ranked = stable.sort_values(["coherence", "stability", "k", "model"], ascending=[False, False, True, True],
                                    kind="mergesort")
    else:
        ranked = selection.sort_values(["stability", "coherence", "k", "model"], ascending=[False, False, True, True],
                                       kind="mergesort")
    return ranked.iloc[0]


# ---------------------------------------------------------------------------
# What a reader gets: labels, tables, evidence
# ---------------------------------------------------------------------------


def topic_labels(top_terms: Sequence[Sequence[str]], n: int = 3) -> list[str]:
    """A short label per topic from its top terms (``"border · migration · asylum"``), unique.

    When two topics share their first ``n`` terms, more terms are added until
    the labels differ (a number is appended as a last resort).

    >>> topic_labels([["border", "asylum", "migrants", "trade"], ["border", "asylum", "migrants", "cartels"]])
    ['border · asylum · migrants · trade', 'border · asylum · migrants · cartels']
    """
    labels = []
    for i, terms in enumerate(top_terms):
        label = ""
        for width in range(min(n, len(terms)), len(terms) + 1):
            label = LABEL_SEPARATOR.join(terms[:width])
            others = [LABEL_SEPARATOR.join(t[:width]) for j, t in enumerate(top_terms) if j != i]
            if label not in others:
                break
        labels.append(label if label not in labels else f"{label} ({i + 1})")
    return labels


def prevalence_order(doc_topics: np.ndarray, words: np.ndarray) -> np.ndarray:
    """Topic indices from the largest share of all text (documents weighted by words) to the smallest.

    >>> prevalence_order(np.array([[0.9, 0.1], [0.0, 1.0]]), np.array([10, 30])).tolist()
    [1, 0]
    """
    totals = np.round(np.asarray(words, dtype=float) @ doc_topics, 9)
    return np.argsort(-totals, kind="stable")


def topic_terms_table(weights: np.ndarray, terms: Sequence[str], labels: Sequence[str], n: int = 10) -> pd.DataFrame:
    """``topic, rank, term, weight``: each topic's ``n`` heaviest terms (weight = share of the topic, rows of ``weights``).

    >>> topic_terms_table(np.array([[0.7, 0.2, 0.1]]), ["a", "b", "c"], ["a+b"], n=2)
      topic  rank term  weight
    0   a+b     1    a     0.7
    1   a+b     2    b     0.2
    """
    ids = top_term_ids(weights, n)
    rows = [{"topic": labels[t], "rank": r + 1, "term": terms[i], "weight": float(weights[t, i])}
            for t in range(len(labels)) for r, i in enumerate(ids[t])]
    return pd.DataFrame(rows, columns=["topic", "rank", "term", "weight"])


def topic_by_author(doc_topics: np.ndarray, documents: pd.DataFrame, labels: Sequence[str]) -> pd.DataFrame:
    """``topic, author, share``: the share of each author's text given to each topic.

    Each document's topic shares are weighted by its length in words
    (``documents["words"]``), so a long paragraph counts more than a short
    one; an author's shares sum to 1 (documents with no modelled terms are
    left out).

    >>> docs = pd.DataFrame({"author": ["A", "A", "B"], "words": [30, 10, 5]})
    >>> topic_by_author(np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]), docs, ["x", "y"])
      topic author  share
    0     x      A   0.75
    1     y      A   0.25
    2     x      B   0.50
    3     y      B   0.50
    """
    weighted = doc_topics * documents["words"].to_numpy(dtype=float)[:, None]
    frame = pd.DataFrame(weighted, columns=list(labels))
    frame["author"] = documents["author"].to_numpy()
    totals = frame.groupby("author", sort=True).sum()
    shares = totals.div(totals.sum(axis=1).where(lambda s: s > 0), axis=0).fillna(0.0)
    long = shares.reset_index().melt(id_vars="author", var_name="topic", value_name="share")
    long["topic"] = pd.Categorical(long["topic"], categories=list(labels), ordered=True)
    long = long.sort_values(["author", "topic"], kind="mergesort")
    long["topic"] = long["topic"].astype(str)
    return long[["topic", "author", "share"]].reset_index(drop=True)


def representative_documents(
    doc_topics: np.ndarray, documents: pd.DataFrame, labels: Sequence[str], n: int = 2, min_words: int = 25
) -> pd.DataFrame:
    """The ``n`` documents most devoted to each topic, as evidence: ``topic, rank, author, essay, paragraph, share, text``.

    Documents are ranked by their share of the topic (ties: longer first, then
    document order); documents shorter than ``min_words`` are skipped unless
    nothing else is left, so a one-line paragraph cannot stand for a theme, and
    a text already shown for the topic (a passage quoted in two essays) is not
    shown again.

    >>> docs = pd.DataFrame({"author": ["A", "B"], "essay": ["a", "b"], "paragraph": [0, 0],
    ...                      "words": [40, 40], "text": ["first", "second"]})
    >>> representative_documents(np.array([[0.9, 0.1], [0.2, 0.8]]), docs, ["x", "y"], n=1)[["topic", "author", "share"]]
      topic author  share
    0     x      A    0.9
    1     y      B    0.8
    """
    words = documents["words"].to_numpy()
    texts = documents["text"].to_numpy()
    rows = []
    for t, label in enumerate(labels):
        share = np.round(doc_topics[:, t], 9)
        order = np.lexsort((np.arange(len(share)), -words, -share))
        candidates = [i for i in order if words[i] >= min_words] + [i for i in order if words[i] < min_words]
        chosen, seen = [], set()
        for i in candidates:
            if len(chosen) == n:
                break
            if texts[i] not in seen:
                chosen.append(i)
                seen.add(texts[i])
        for rank, i in enumerate(chosen, start=1):
            doc = documents.iloc[i]
            rows.append({"topic": label, "rank": rank, "author": doc["author"], "essay": doc["essay"],
                         "paragraph": int(doc["paragraph"]), "share": float(doc_topics[i, t]), "text": doc["text"]})
    return pd.DataFrame(rows, columns=["topic", "rank", "author", "essay", "paragraph", "share", "text"])


def topic_flow(
    doc_topics: np.ndarray, documents: pd.DataFrame, labels: Sequence[str], bins: int = 5, by: str = "author"
) -> pd.DataFrame:
    """Topic share by position in the essay: ``<by>, part, topic, share``.

    Positions (0..1, ``documents["position"]``) are cut into ``bins`` equal
    parts (``part`` 1 = the opening fifth with 5 bins); within each group and
    part, topic shares are averaged weighted by words, so they sum to 1. With
    one essay per author, ``by="author"`` follows each essay; with several,
    it pools an author's essays at the same relative position.

    >>> docs = pd.DataFrame({"author": ["A", "A"], "position": [0.2, 0.8], "words": [10, 10]})
    >>> topic_flow(np.array([[1.0, 0.0], [0.0, 1.0]]), docs, ["x", "y"], bins=2)
      author  part topic  share
    0      A     1     x    1.0
    1      A     1     y    0.0
    2      A     2     x    0.0
    3      A     2     y    1.0
    """
    weighted = doc_topics * documents["words"].to_numpy(dtype=float)[:, None]
    frame = pd.DataFrame(weighted, columns=list(labels))
    frame[by] = documents[by].to_numpy()
    frame["part"] = np.minimum((documents["position"].to_numpy(dtype=float) * bins).astype(int), bins - 1) + 1
    totals = frame.groupby([by, "part"], sort=True).sum()
    shares = totals.div(totals.sum(axis=1).where(lambda s: s > 0), axis=0).fillna(0.0)
    long = shares.reset_index().melt(id_vars=[by, "part"], var_name="topic", value_name="share")
    long["order"] = long["topic"].map({label: i for i, label in enumerate(labels)})
    long = long.sort_values([by, "part", "order"], kind="mergesort")
    return long[[by, "part", "topic", "share"]].reset_index(drop=True)
