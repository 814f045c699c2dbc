"""What sets each author apart: TF-IDF, weighted log-odds, bootstrap stability, similarity, KWIC.

Terms are unigrams and bigrams in readable form (``security cooperation``,
``lópez obrador``), built from :func:`essaylab.tokenize`. Everything is
computed per author (an author's essays are pooled) and nothing here knows
the authors or any term in advance.

Two measures of distinctiveness:

* **TF-IDF** (scikit-learn's ``TfidfTransformer``) on one document per
  author: frequent in this author, in few authors. With a handful of authors
  the IDF has only a few levels, so words every author uses often still score
  high.
* **Weighted log-odds ratio with an informative Dirichlet prior** (Monroe,
  Colaresi & Quinn 2008, "Fightin' Words", eqs. 16-18), one author against
  all the others, as a z-score: the difference in usage *rates*, shrunk
  towards the corpus rate and divided by its standard error, so a term used
  twice cannot outrank one used forty times by accident.

Paragraph bootstrap (:func:`bootstrap_top_share`) measures how often a term
stays in an author's top list when the author's paragraphs are resampled.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

from .text import fold_accents, multiword_names, normalize_text, stop_words, tokenize

if TYPE_CHECKING:
    from .corpus import Corpus

__all__ = [
    "extract_terms",
    "essay_terms",
    "term_kind",
    "TermCounts",
    "term_counts",
    "group_matrix",
    "log_odds_dirichlet",
    "tfidf_scores",
    "rank_order",
    "paragraph_resamples",
    "bootstrap_top_share",
    "bootstrap_similarity",
    "distinctive_terms",
    "author_similarity",
    "similarity_long",
    "pair_ranking",
    "closest_paragraphs",
    "keyword_in_context",
    "pick_authors",
    "plot_distinctive",
    "plot_two_views",
]

# ---------------------------------------------------------------------------
# Terms
# ---------------------------------------------------------------------------

# Punctuation and numbers end a phrase inside a sentence: no bigram is built across them.
# Hyphens inside words (U.S.-Mexico), apostrophes and abbreviation periods do not.
_PHRASE_BREAK = re.compile(
    r"""[,;:()\[\]{}"!?\u2026\u2013\u2014\u201c\u201d\u00ab\u00bb/]"""  # , ; : brackets quotes dashes
    r"""|\s-{1,2}\s"""                                                  # a spaced hyphen used as a dash
    r"""|(?<![\w.])[$\u20ac\u00a3]?\d[\d,.]*%?(?!\w)"""                 # numbers, money, percentages
    r"""|(?<=\w)'s?(?!\w)"""                                            # possessives: "Mexico's security"
)


# Pieces of contractions left by the word tokenizer ("weren't" -> "were", "n't"); not words.
_CLITICS = frozenset({"n't", "re", "ve", "ll"})


# A made-up word put where a phrase breaks, so that one tokenizer call per sentence suffices.
_BREAK = "xqphrasebreakqx"


def _phrases(words: list[str]) -> Iterator[list[str]]:
    current: list[str] = []
    for word in words:
        if word == _BREAK:
            yield current
            current = []
        else:
            current.append(word)
    yield current


def extract_terms(
    text: str,
    *,
    accents: Mapping[str, str] | None = None,
    bigrams: bool = True,
) -> list[str]:
    """Unigrams, then bigrams, of one sentence (or any short text), in readable form.

    Unigrams are the tokens of :func:`essaylab.tokenize` (stop words removed,
    multiword names joined, accents unified through ``accents``) minus the
    pieces of contractions (``n't``). A bigram joins two *adjacent* words of
    the text with a space: no stop word, number, punctuation or possessive
    between them (so "rule of law" gives no bigram, nor do "energy, water" and
    "Mexico's security"). A word that is already a multiword name
    (``lópez obrador``) takes part in no bigram: the name is the phrase, and a
    bigram around it would mostly repeat it ("manuel lópez obrador").

    >>> terms = extract_terms("U.S.-Mexico security cooperation, said López Obrador's team.")
    >>> terms[:5]
    ['u.s.-mexico', 'security', 'cooperation', 'lópez obrador', 'team']
    >>> terms[5:]
    ['u.s.-mexico security', 'security cooperation']
    >>> extract_terms("The rule of law; energy, water and 5G — over $13 billion", bigrams=True)
    ['rule', 'law', 'energy', 'water', '5g', 'billion']
    """
    stops = stop_words()
    unigrams: list[str] = []
    pairs: list[str] = []
    # Breaks become a marker word; the trailing one keeps a final "U.S." whole (NLTK splits a
    # period only at the very end of its input).
    marked = _PHRASE_BREAK.sub(f" {_BREAK} ", normalize_text(text)) + f" {_BREAK}"
    words = tokenize(marked, remove_stopwords=False, min_length=1, accents=accents)
    for phrase in _phrases(words):
        kept = [w if len(w) >= 2 and w not in stops and w not in _CLITICS else None for w in phrase]
        unigrams.extend(w for w in kept if w)
        if bigrams:
            pairs.extend(f"{a} {b}" for a, b in zip(kept, kept[1:])
                         if a and b and " " not in a and " " not in b)
    return unigrams + pairs


def essay_terms(essay, bigrams: bool = True) -> list[list[str]]:
    """:func:`extract_terms` of every body sentence of ``essay``, without accent unification.

    Cached on disk per essay (see :mod:`essaylab.cache`); apply the corpus's
    accent spellings afterwards, term by term, as :func:`term_counts` does.
    """
    from . import cache

    key = cache.key("terms", str(bigrams), essay.text)
    value = cache.load(key)
    if value is None:
        value = [extract_terms(sentence, bigrams=bigrams) for sentence in essay.sentences]
        cache.store(key, value)
    return value


def _with_accents(term: str, accents: Mapping[str, str]) -> str:
    """Give every word of a term the corpus's accented spelling (``lopez obrador`` -> ``lópez obrador``)."""
    return " ".join(accents.get(fold_accents(part), part) for part in term.split(" "))


def _merge_columns(counts: sp.spmatrix, vocabulary: np.ndarray, accents: Mapping[str, str]):
    """Respell the vocabulary with ``accents`` and add up the columns that become the same term.

    Done on the distinct terms (the columns), not on every occurrence, so it costs little
    however long the corpus. Returns ``(counts, vocabulary)`` with the vocabulary sorted.
    """
    respelled = np.array([_with_accents(term, accents) for term in vocabulary], dtype=object)
    if not accents or (respelled == vocabulary).all():
        return counts, vocabulary
    merged, column = np.unique(respelled.astype(str), return_inverse=True)
    to_merged = sp.csr_matrix((np.ones(len(vocabulary), dtype=counts.dtype), (np.arange(len(vocabulary)), column)),
                              shape=(len(vocabulary), len(merged)))
    return counts @ to_merged, merged.astype(object)


def term_kind(term: str) -> str:
    """``"word"``, ``"name"`` (a multiword name, one token) or ``"bigram"`` (two adjacent words).

    >>> [term_kind(t) for t in ["cartels", "lópez obrador", "security cooperation"]]
    ['word', 'name', 'bigram']
    """
    if " " not in term:
        return "word"
    return "name" if tuple(fold_accents(term).split(" ")) in set(multiword_names()) else "bigram"


def _drop_nested_unigrams(totals: np.ndarray, vocabulary: np.ndarray) -> np.ndarray:
    """Boolean mask of terms to keep: a single word is dropped when it never occurs outside one bigram.

    ("homeland" used only in "homeland security" adds nothing the bigram does not say.)
    Multiword names (``united states``) are single tokens, not bigrams, and never parts of one.
    """
    index = {term: i for i, term in enumerate(vocabulary)}
    keep = np.ones(len(vocabulary), dtype=bool)
    for j, term in enumerate(vocabulary):
        if term_kind(term) != "bigram":
            continue
        for part in term.split(" "):
            i = index.get(part)
            if i is not None and totals[i] == totals[j]:
                keep[i] = False
    return keep


# ---------------------------------------------------------------------------
# Counts
# ---------------------------------------------------------------------------


def group_matrix(labels: Sequence[str], groups: Sequence[str]) -> sp.csr_matrix:
    """Sparse indicator matrix, groups x items: entry (g, i) is 1 when item ``i`` belongs to group ``g``.

    >>> group_matrix(["b", "a", "b"], ["a", "b"]).toarray()
    array([[0, 1, 0],
           [1, 0, 1]])
    """
    position = {g: k for k, g in enumerate(groups)}
    rows = np.array([position[label] for label in labels], dtype=np.int64)
    cols = np.arange(len(labels))
    return sp.csr_matrix((np.ones(len(labels), dtype=np.int64), (rows, cols)), shape=(len(groups), len(labels)))


@dataclass(frozen=True)
class TermCounts:
    """Term counts of a corpus at three levels: sentences, paragraphs and authors.

    ``vocabulary`` is sorted alphabetically (column order of every matrix);
    ``sentences`` and ``paragraphs`` are the corpus frames (one row per matrix
    row); ``paragraph_author`` gives each paragraph's author as an index into
    ``authors`` (sorted).
    """

    vocabulary: np.ndarray
    authors: tuple[str, ...]
    sentences: pd.DataFrame
    sentence_counts: sp.csr_matrix
    paragraphs: pd.DataFrame
    paragraph_counts: sp.csr_matrix
    paragraph_author: np.ndarray

    @cached_property
    def author_paragraphs(self) -> sp.csr_matrix:
        """Authors x paragraphs indicator."""
        return group_matrix(list(self.paragraphs["author"]), self.authors)

    @cached_property
    def author_counts(self) -> sp.csr_matrix:
        """Authors x terms counts (an author's essays pooled)."""
        return (self.author_paragraphs @ self.paragraph_counts).tocsr()

    def column(self, term: str) -> int:
        """Column index of ``term`` (KeyError if it is not in the vocabulary)."""
        j = int(np.searchsorted(self.vocabulary, term))
        if j >= len(self.vocabulary) or self.vocabulary[j] != term:
            raise KeyError(term)
        return j


def term_counts(corpus: Corpus, *, min_count: int = 2, bigrams: bool = True) -> TermCounts:
    """Count unigrams and bigrams in every body sentence of ``corpus`` (an :class:`essaylab.Corpus`).

    Terms are those of :func:`extract_terms` (so bigrams never cross a
    sentence). Terms used fewer than ``min_count`` times in the whole corpus
    are dropped (a term used once can be no author's habit), and so is a single
    word that never occurs outside one bigram. Only body text is read:
    ``essay.paragraphs`` has no titles, bios, credits or handles.

    >>> import essaylab
    >>> counts = term_counts(essaylab.load_corpus())
    >>> counts.paragraph_counts.shape[0] == len(counts.paragraphs)
    True
    >>> "security cooperation" in set(counts.vocabulary)
    True
    """
    sentences = corpus.sentences_frame()
    paragraphs = corpus.paragraphs_frame()[["essay", "author", "paragraph", "text"]]
    accents = corpus.accents
    per_sentence = [terms for essay in corpus for terms in essay_terms(essay, bigrams)]
    vectorizer = CountVectorizer(analyzer=lambda terms: terms)
    counts, vocabulary = _merge_columns(vectorizer.fit_transform(per_sentence), vectorizer.get_feature_names_out(),
                                        accents)
    counts = counts.tocsc()
    totals = np.asarray(counts.sum(axis=0)).ravel()
    keep = totals >= min_count
    vocabulary, counts, totals = vocabulary[keep], counts[:, keep], totals[keep]
    keep = _drop_nested_unigrams(totals, vocabulary)
    vocabulary, counts = vocabulary[keep], counts[:, keep].tocsr()
    counts.sort_indices()

    # Paragraph counts are sums of their sentences' counts.
    row_of = {key: i for i, key in enumerate(zip(paragraphs["essay"], paragraphs["paragraph"]))}
    sentence_rows = np.array([row_of[key] for key in zip(sentences["essay"], sentences["paragraph"])], dtype=np.int64)
    to_paragraph = sp.csr_matrix(
        (np.ones(len(sentences), dtype=np.int64), (sentence_rows, np.arange(len(sentences)))),
        shape=(len(paragraphs), len(sentences)),
    )
    authors = tuple(sorted(paragraphs["author"].unique()))
    position = {a: k for k, a in enumerate(authors)}
    return TermCounts(
        vocabulary=vocabulary,
        authors=authors,
        sentences=sentences.reset_index(drop=True),
        sentence_counts=counts,
        paragraphs=paragraphs.reset_index(drop=True),
        paragraph_counts=(to_paragraph @ counts).tocsr(),
        paragraph_author=np.array([position[a] for a in paragraphs["author"]], dtype=np.int64),
    )


# ---------------------------------------------------------------------------
# Scores
# ---------------------------------------------------------------------------


def log_odds_dirichlet(
    counts,
    alpha: np.ndarray | None = None,
    *,
    prior_weight: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted log-odds ratio of each group against all other groups, with an informative Dirichlet prior.

    Monroe, Colaresi & Quinn (2008), eqs. 16-18. For group ``i``, term ``w``
    with counts ``y_i`` (group) and ``y_j`` (all other groups), group sizes
    ``n_i``, ``n_j`` and prior pseudo-counts ``alpha_w`` (``alpha_0`` their sum)::

        delta_w = log((y_i + a_w) / (n_i + a_0 - y_i - a_w)) - log((y_j + a_w) / (n_j + a_0 - y_j - a_w))
        var_w   = 1 / (y_i + a_w) + 1 / (y_j + a_w)
        z_w     = delta_w / sqrt(var_w)

    ``counts`` is a groups x terms matrix (dense or sparse). When ``alpha`` is
    not given, the prior is informative: ``alpha_w = prior_weight * (corpus
    count of w)``, i.e. the corpus rates with a weight of ``prior_weight``
    times the corpus size. Returns ``(delta, z)``, each groups x terms.

    >>> delta, z = log_odds_dirichlet([[2, 2], [0, 4]], alpha=np.array([1.0, 1.0]))
    >>> np.round(delta, 4).tolist(), np.round(z, 4).tolist()
    ([[1.6094, -1.6094], [-1.6094, 1.6094]], [[1.3938, -2.2038], [-1.3938, 2.2038]])
    """
    y = counts.toarray() if sp.issparse(counts) else np.asarray(counts)
    y = y.astype(float)
    if y.ndim != 2 or y.shape[0] < 2:
        raise ValueError("counts must be a groups x terms matrix with at least two groups")
    totals = y.sum(axis=0)
    a = totals * float(prior_weight) if alpha is None else np.asarray(alpha, dtype=float)
    if a.shape != totals.shape or np.any(a <= 0):
        raise ValueError("the prior needs one positive pseudo-count per term (a term with no occurrences?)")
    a0 = a.sum()
    n = y.sum(axis=1, keepdims=True)
    y_rest = totals - y
    n_rest = n.sum() - n
    delta = (np.log(y + a) - np.log(n + a0 - y - a)) - (np.log(y_rest + a) - np.log(n_rest + a0 - y_rest - a))
    z = delta / np.sqrt(1.0 / (y + a) + 1.0 / (y_rest + a))
    return delta, z


def tfidf_scores(counts) -> np.ndarray:
    """scikit-learn TF-IDF of each row of a groups x terms count matrix (defaults: smooth IDF, l2 norm).

    >>> np.round(tfidf_scores([[2, 1, 0], [2, 0, 1]]), 3).tolist()
    [[0.818, 0.575, 0.0], [0.818, 0.0, 0.575]]
    """
    matrix = counts if sp.issparse(counts) else sp.csr_matrix(np.asarray(counts, dtype=float))
    return TfidfTransformer().fit_transform(matrix).toarray()


def rank_order(scores: np.ndarray, tiebreak: np.ndarray | None = None) -> np.ndarray:
    """Ranks (1 = highest) of every column of each row of ``scores``.

    Ties go to the higher ``tiebreak`` value (same shape), then to the lower
    column index (alphabetical, with a sorted vocabulary).

    >>> rank_order(np.array([[0.5, 2.0, 0.5]])).tolist()
    [[2, 1, 3]]
    >>> rank_order(np.array([[0.5, 2.0, 0.5]]), tiebreak=np.array([[1, 0, 4]])).tolist()
    [[3, 1, 2]]
    """
    scores = np.asarray(scores, dtype=float)
    second = np.zeros_like(scores) if tiebreak is None else np.asarray(tiebreak, dtype=float)
    columns = np.broadcast_to(np.arange(scores.shape[1]), scores.shape)
    ranks = np.empty(scores.shape, dtype=np.int64)
    for g in range(scores.shape[0]):
        order = np.lexsort((columns[g], -second[g], -scores[g]))
        ranks[g, order] = np.arange(1, scores.shape[1] + 1)
    return ranks


# ---------------------------------------------------------------------------
# Bootstrap over paragraphs
# ---------------------------------------------------------------------------


def paragraph_resamples(
    paragraph_group: np.ndarray,
    n_groups: int,
    *,
    n_bootstrap: int = 200,
    seed: int = 0,
) -> Iterator[sp.csr_matrix]:
    """Yield, per resample, a groups x paragraphs matrix of how often each paragraph was drawn.

    Every group draws as many paragraphs as it has, with replacement, from its
    own paragraphs (``numpy.random.default_rng(seed)``). Multiplying the matrix
    with paragraph x term counts gives the resampled group counts.

    >>> draws = list(paragraph_resamples(np.array([0, 0, 1]), 2, n_bootstrap=3, seed=0))
    >>> [m.sum(axis=1).A1.tolist() for m in draws]  # each group draws as many paragraphs as it has
    [[2.0, 1.0], [2.0, 1.0], [2.0, 1.0]]
    >>> [float(m.toarray()[0, 2] + m.toarray()[1, :2].sum()) for m in draws]  # only from its own
    [0.0, 0.0, 0.0]
    """
    groups = np.asarray(paragraph_group, dtype=np.int64)
    n_items = len(groups)
    members = np.argsort(groups, kind="stable")  # paragraph indices grouped by group
    sizes = np.bincount(groups, minlength=n_groups)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    slot_group = groups[members]
    rng = np.random.default_rng(seed)
    for _ in range(n_bootstrap):
        draw = offsets[slot_group] + np.floor(rng.random(n_items) * sizes[slot_group]).astype(np.int64)
        weights = np.bincount(members[draw], minlength=n_items).astype(float)
        yield sp.csr_matrix((weights, (groups, np.arange(n_items))), shape=(n_groups, n_items))


def bootstrap_top_share(
    paragraph_counts: sp.spmatrix,
    paragraph_group: np.ndarray,
    n_groups: int,
    scorers: Mapping[str, Callable[[sp.csr_matrix], np.ndarray]],
    *,
    top: int = 20,
    n_bootstrap: int = 200,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    """Share of paragraph resamples in which each term is in its group's top ``top``, per scorer.

    Resamples come from :func:`paragraph_resamples`; group counts are
    recomputed with one sparse product, and every scorer (groups x terms
    counts -> groups x terms scores) ranks the terms. A term is in the top
    when its score reaches the ``top``-th highest of its group (terms tied at
    that place all count); a term that does not occur in a resample is never
    counted as in the top. Returns ``{scorer name: groups x terms array of
    shares in [0, 1]}``.

    >>> X = sp.csr_matrix(np.array([[3, 0], [2, 0], [0, 1], [0, 4]]))
    >>> share = bootstrap_top_share(X, np.array([0, 0, 1, 1]), 2, {"raw": lambda c: c.toarray()},
    ...                             top=1, n_bootstrap=50, seed=1)
    >>> share["raw"].tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    n_terms = paragraph_counts.shape[1]
    top = min(top, n_terms)
    matrix = sp.csr_matrix(paragraph_counts, dtype=float)
    hits = {name: np.zeros((n_groups, n_terms)) for name in scorers}
    for weights in paragraph_resamples(paragraph_group, n_groups, n_bootstrap=n_bootstrap, seed=seed):
        counts = (weights @ matrix).tocsr()
        present = counts.toarray() > 0
        for name, scorer in scorers.items():
            scores = np.asarray(scorer(counts), dtype=float)
            # The top-th highest score of each group; every term scoring at least that is in (ties included).
            threshold = -np.partition(-scores, top - 1, axis=1)[:, top - 1:top]
            hits[name] += (scores >= threshold) & present
    return {name: h / max(n_bootstrap, 1) for name, h in hits.items()}


def bootstrap_similarity(
    paragraph_counts: sp.spmatrix,
    paragraph_group: np.ndarray,
    n_groups: int,
    *,
    n_bootstrap: int = 200,
    seed: int = 0,
) -> np.ndarray:
    """Group x group TF-IDF cosine similarity in each paragraph resample: an array resamples x groups x groups.

    Same resamples as :func:`bootstrap_top_share` for the same seed. The spread
    across resamples shows how much a similarity depends on which paragraphs
    the texts happen to contain.

    >>> X = sp.csr_matrix(np.array([[1, 0], [1, 1], [0, 1]]))
    >>> sims = bootstrap_similarity(X, np.array([0, 0, 1]), 2, n_bootstrap=3, seed=0)
    >>> sims.shape, bool(np.allclose(sims[:, 0, 0], 1))
    ((3, 2, 2), True)
    """
    matrix = sp.csr_matrix(paragraph_counts, dtype=float)
    out = []
    for weights in paragraph_resamples(paragraph_group, n_groups, n_bootstrap=n_bootstrap, seed=seed):
        vectors = TfidfTransformer().fit_transform(weights @ matrix)
        out.append((vectors @ vectors.T).toarray())
    return np.array(out).reshape(len(out), n_groups, n_groups)


# ---------------------------------------------------------------------------
# The distinctive-terms table
# ---------------------------------------------------------------------------


def distinctive_terms(
    counts: TermCounts,
    *,
    top: int = 30,
    stability_top: int = 20,
    n_bootstrap: int = 200,
    seed: int = 0,
    prior_weight: float = 1.0,
) -> pd.DataFrame:
    """Each author's most distinctive terms under both methods, with bootstrap stability.

    One row per (author, term) for the union of the author's top ``top`` terms
    by log-odds z and by TF-IDF. ``rank`` and ``score`` are the headline
    method (``method`` = ``"log_odds_z"``: rank among all terms by z, and z);
    ``tfidf`` / ``tfidf_rank`` the other view. Other columns: ``delta``
    (log-odds ratio), ``count`` (uses by the author), ``count_rest`` (by all
    other authors), ``per_1000`` (per 1,000 of the author's terms),
    ``paragraphs`` (author paragraphs containing the term) out of
    ``author_paragraphs``, and ``stability`` / ``tfidf_stability``: the share
    of paragraph resamples in which the term is in the author's top
    ``stability_top`` by that method. Sorted by author, rank.
    """
    authors = list(counts.authors)
    by_author = counts.author_counts
    dense = by_author.toarray().astype(float)
    totals = dense.sum(axis=0)
    alpha = prior_weight * totals  # the prior stays the full corpus's rates in every resample
    delta, z = log_odds_dirichlet(dense, alpha)
    tfidf = tfidf_scores(by_author)
    in_paragraphs = (counts.author_paragraphs @ (counts.paragraph_counts > 0).astype(np.int64)).toarray()
    # Equal scores (e.g. two terms each used 3 times by this author only): the term spread over more paragraphs first.
    z_rank, t_rank = rank_order(z, in_paragraphs), rank_order(tfidf, in_paragraphs)
    share = bootstrap_top_share(
        counts.paragraph_counts, counts.paragraph_author, len(authors),
        {"z": lambda c: log_odds_dirichlet(c, alpha)[1], "tfidf": tfidf_scores},
        top=stability_top, n_bootstrap=n_bootstrap, seed=seed,
    )
    n_paragraphs = np.asarray(counts.author_paragraphs.sum(axis=1)).ravel()
    frames = []
    for g, author in enumerate(authors):
        cols = np.flatnonzero((z_rank[g] <= top) | (t_rank[g] <= top))
        frames.append(pd.DataFrame({
            "author": author, "rank": z_rank[g, cols], "term": counts.vocabulary[cols], "score": z[g, cols],
            "method": "log_odds_z", "delta": delta[g, cols], "count": dense[g, cols].astype(np.int64),
            "count_rest": (totals[cols] - dense[g, cols]).astype(np.int64),
            "per_1000": 1000 * dense[g, cols] / max(dense[g].sum(), 1),
            "paragraphs": in_paragraphs[g, cols], "author_paragraphs": int(n_paragraphs[g]),
            "stability": share["z"][g, cols], "tfidf": tfidf[g, cols], "tfidf_rank": t_rank[g, cols],
            "tfidf_stability": share["tfidf"][g, cols],
        }))
    table = pd.concat(frames, ignore_index=True)
    return table.sort_values(["author", "rank"], kind="mergesort").reset_index(drop=True)


# ---------------------------------------------------------------------------
# Similarity and its evidence
# ---------------------------------------------------------------------------


def author_similarity(counts: TermCounts) -> pd.DataFrame:
    """Author x author cosine similarity of the authors' TF-IDF vectors (square frame, authors sorted).

    >>> import essaylab
    >>> sim = author_similarity(term_counts(essaylab.load_corpus()))
    >>> bool(np.allclose(np.diag(sim), 1.0)) and bool((sim.to_numpy() == sim.to_numpy().T).all())
    True
    """
    vectors = TfidfTransformer().fit_transform(counts.author_counts)  # rows have unit length
    sim = (vectors @ vectors.T).toarray()
    sim = (sim + sim.T) / 2  # exact symmetry
    np.fill_diagonal(sim, 1.0)
    return pd.DataFrame(sim, index=list(counts.authors), columns=list(counts.authors))


def similarity_long(similarity: pd.DataFrame) -> pd.DataFrame:
    """Square similarity frame -> rows ``author_a, author_b, cosine`` (every ordered pair of two different authors).

    >>> sq = pd.DataFrame([[1.0, 0.5], [0.5, 1.0]], index=["A", "B"], columns=["A", "B"])
    >>> similarity_long(sq).values.tolist()
    [['A', 'B', 0.5], ['B', 'A', 0.5]]
    """
    rows = [{"author_a": a, "author_b": b, "cosine": float(similarity.loc[a, b])}
            for a in similarity.index for b in similarity.columns if a != b]
    return pd.DataFrame(rows, columns=["author_a", "author_b", "cosine"])


def pair_ranking(similarity: pd.DataFrame, resampled: np.ndarray | None = None) -> pd.DataFrame:
    """Unordered author pairs ranked by similarity (1 = most similar), with the rank's spread under resampling.

    ``resampled`` (resamples x authors x authors, from :func:`bootstrap_similarity`)
    adds ``resampled_sd`` (standard deviation of the pair's cosine),
    ``rank_low`` / ``rank_high`` (5th and 95th percentile of the pair's rank
    among all pairs) and ``first_share`` (share of resamples in which it is
    the most similar pair). Ranks, not values, are compared: resampling with
    replacement repeats paragraphs, which lowers every cosine.

    >>> sq = pd.DataFrame([[1, .5, .2], [.5, 1, .4], [.2, .4, 1]], index=list("ABC"), columns=list("ABC"))
    >>> pair_ranking(sq)[["author_a", "author_b", "rank"]].values.tolist()
    [['A', 'B', 1], ['B', 'C', 2], ['A', 'C', 3]]
    """
    names = list(similarity.index)
    values = similarity.to_numpy()
    a_idx, b_idx = np.triu_indices(len(names), k=1)
    pairs = pd.DataFrame({"author_a": [names[i] for i in a_idx], "author_b": [names[j] for j in b_idx],
                          "cosine": values[a_idx, b_idx]})
    pairs["rank"] = rank_order(pairs["cosine"].to_numpy()[None, :])[0]
    if resampled is not None and len(pairs):
        sims = np.asarray(resampled)[:, a_idx, b_idx]
        ranks = rank_order(sims)
        pairs["resampled_sd"] = sims.std(axis=0)
        pairs["rank_low"] = np.quantile(ranks, 0.05, axis=0, method="lower")
        pairs["rank_high"] = np.quantile(ranks, 0.95, axis=0, method="higher")
        pairs["first_share"] = (ranks == 1).mean(axis=0)
    return pairs.sort_values("rank", kind="mergesort").reset_index(drop=True)


def closest_paragraphs(
    paragraph_counts: sp.spmatrix,
    paragraph_group: np.ndarray,
    n_groups: int,
    *,
    k: int = 2,
    shortlist: int = 30,
    pairs: Iterable[tuple[int, int]] | None = None,
    vocabulary: Sequence[str] | None = None,
    n_shared: int = 6,
) -> pd.DataFrame:
    """The ``k`` most similar paragraph pairs (TF-IDF cosine) for each pair of groups.

    Paragraphs are TF-IDF vectors (IDF over paragraphs, unit length). To stay
    linear in the number of paragraphs, each group's paragraphs are first
    shortlisted by their cosine with the *other* group's centroid (the
    ``shortlist`` best of each side), and only shortlisted pairs are compared.
    The answer is exact whenever no group has more than ``shortlist``
    paragraphs. ``pairs`` (group index pairs) defaults to every ``a < b``.
    Returns ``group_a, group_b, rank, item_a, item_b, cosine`` (items are row
    indices), ordered by pair then rank; with ``vocabulary`` (the column
    names), also ``shared_terms``: the ``n_shared`` terms that contribute most
    to the pair's cosine, as evidence of what the two paragraphs share.

    >>> X = sp.csr_matrix(np.array([[1, 0, 1], [0, 1, 0], [1, 0, 0], [0, 1, 1]]))
    >>> best = closest_paragraphs(X, np.array([0, 0, 1, 1]), 2, k=1)
    >>> best[["group_a", "group_b", "rank", "item_a", "item_b"]].values.tolist()
    [[0, 1, 1, 0, 2]]
    >>> round(float(best.at[0, "cosine"]), 3)
    0.707
    """
    groups = np.asarray(paragraph_group, dtype=np.int64)
    vectors = TfidfTransformer().fit_transform(sp.csr_matrix(paragraph_counts, dtype=float)).tocsr()
    indicator = sp.csr_matrix((np.ones(len(groups)), (groups, np.arange(len(groups)))), shape=(n_groups, len(groups)))
    sizes = np.maximum(np.asarray(indicator.sum(axis=1)).ravel(), 1)
    centroids = sp.diags(1.0 / sizes) @ indicator @ vectors
    norms = np.sqrt(np.asarray(centroids.multiply(centroids).sum(axis=1)).ravel())
    centroids = sp.diags(np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)) @ centroids
    affinity = (vectors @ centroids.T).toarray()  # paragraphs x groups
    members = [np.flatnonzero(groups == g) for g in range(n_groups)]
    if pairs is None:
        pairs = [(a, b) for a in range(n_groups) for b in range(a + 1, n_groups)]
    rows = []
    for a, b in pairs:
        ia, ib = members[a], members[b]
        if not len(ia) or not len(ib):
            continue
        # Shortlists, best first; ties by paragraph order.
        ia = ia[np.argsort(-affinity[ia, b], kind="stable")[:shortlist]]
        ib = ib[np.argsort(-affinity[ib, a], kind="stable")[:shortlist]]
        sims = (vectors[ia] @ vectors[ib].T).toarray()
        flat = np.argsort(-sims, axis=None, kind="stable")[:k]
        for rank, f in enumerate(flat, start=1):
            r, c = divmod(int(f), sims.shape[1])
            row = [a, b, rank, int(ia[r]), int(ib[c]), float(sims[r, c])]
            if vocabulary is not None:
                contribution = vectors[ia[r]].multiply(vectors[ib[c]]).toarray().ravel()
                best = [j for j in np.argsort(-contribution, kind="stable")[:n_shared] if contribution[j] > 0]
                row.append(", ".join(str(vocabulary[j]) for j in best))
            rows.append(tuple(row))
    columns = ["group_a", "group_b", "rank", "item_a", "item_b", "cosine"]
    return pd.DataFrame(rows, columns=columns + (["shared_terms"] if vocabulary is not None else []))


# ---------------------------------------------------------------------------
# Keyword in context
# ---------------------------------------------------------------------------


def _term_pattern(term: str) -> re.Pattern[str]:
    """Regex for a term's surface form in accent-folded lowercase text (possessive 's allowed between words)."""
    words = [re.escape(fold_accents(w)) for w in term.split(" ")]
    return re.compile(r"(?<![\w.\-])" + r"(?:['\u2019]s)?\s+".join(words) + r"(?:['\u2019]s?)?(?![\w\-]|\.\w)")


def _kwic_split(sentence: str, term: str) -> tuple[str, str, str]:
    """(left, keyword, right) of the first surface occurrence of ``term`` in ``sentence``.

    >>> _kwic_split("Mexico’s López Obrador spoke.", "lópez obrador")
    ('Mexico’s', 'López Obrador', 'spoke.')
    """
    folded = fold_accents(sentence).lower()
    source = sentence if len(folded) == len(sentence) else folded
    match = _term_pattern(term).search(folded)
    if not match:
        return "", "", sentence
    return source[:match.start()].rstrip(), source[match.start():match.end()], source[match.end():].lstrip()


def keyword_in_context(
    counts: TermCounts,
    terms_by_author: Mapping[str, Sequence[str]],
    *,
    per_term: int = 2,
    width: int = 70,
) -> pd.DataFrame:
    """Sentences in which each author uses each of their terms, as a KWIC table.

    Sentences are found through the term counts (the same tokenization as
    the scores), the first ``per_term`` in text order per (author, term).
    Columns ``author, term, essay, sentence, left, keyword, right`` with the
    left and right contexts cut to ``width`` characters.

    >>> import essaylab
    >>> tc = term_counts(essaylab.load_corpus())
    >>> author = tc.authors[0]
    >>> kwic = keyword_in_context(tc, {author: ["mexico"]}, per_term=1)
    >>> kwic["keyword"].str.lower().tolist()
    ['mexico']
    """
    frame = counts.sentences
    matrix = counts.sentence_counts.tocsc()
    rows = []
    for author, terms in terms_by_author.items():
        mine = (frame["author"] == author).to_numpy()
        for term in terms:
            column = matrix[:, counts.column(term)]
            hits = [i for i in column.indices if mine[i]]
            hits.sort(key=lambda i: (frame.at[i, "essay"], frame.at[i, "sentence"]))
            for i in hits[:per_term]:
                left, keyword, right = _kwic_split(frame.at[i, "text"], term)
                if len(left) > width:
                    left = "…" + left[-(width - 1):]
                if len(right) > width:
                    right = right[:width - 1] + "…"
                rows.append({"author": author, "term": term, "essay": frame.at[i, "essay"],
                             "sentence": int(frame.at[i, "sentence"]), "left": left, "keyword": keyword,
                             "right": right})
    return pd.DataFrame(rows, columns=["author", "term", "essay", "sentence", "left", "keyword", "right"])


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------


def pick_authors(counts: TermCounts, n: int) -> list[str]:
    """The ``n`` authors with the most terms (ties alphabetical), in alphabetical order; all if there are fewer.

    >>> import essaylab
    >>> tc = term_counts(essaylab.load_corpus())
    >>> pick_authors(tc, 100) == list(tc.authors)
    True
    """
    sizes = np.asarray(counts.author_counts.sum(axis=1)).ravel()
    order = sorted(range(len(counts.authors)), key=lambda g: (-sizes[g], counts.authors[g]))[:n]
    return sorted(counts.authors[g] for g in order)


def _grid(n_panels: int, col_wrap: int, width: float, height: float, **kwargs):
    import matplotlib.pyplot as plt

    ncols = max(1, min(col_wrap, n_panels))
    nrows = -(-n_panels // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(width * ncols, height * nrows), squeeze=False, **kwargs)
    for ax in axes.ravel()[n_panels:]:
        ax.set_visible(False)
    return fig, axes.ravel()[:n_panels]


def plot_distinctive(
    table: pd.DataFrame,
    authors: Sequence[str],
    *,
    n_terms: int = 15,
    col_wrap: int = 4,
    stability_top: int = 20,
    title: str = "",
):
    """Small multiples, one panel per author: bars = log-odds z of the top ``n_terms``, colour and label = stability.

    ``table`` is :func:`distinctive_terms`'s output. Returns the figure.
    """
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    cmap = mpl.colormaps["viridis_r"]
    norm = mpl.colors.Normalize(0, 1)
    fig, axes = _grid(len(authors), col_wrap, 4.3, 0.28 * n_terms + 1.4, sharex=True)
    for ax, author in zip(axes, authors):
        rows = table[(table["author"] == author) & (table["rank"] <= n_terms)].sort_values("rank")
        y = np.arange(len(rows))
        ax.barh(y, rows["score"], color=cmap(norm(rows["stability"].to_numpy())), edgecolor="none")
        for yi, (score, share) in enumerate(zip(rows["score"], rows["stability"])):
            ax.text(score, yi, f" {share:.0%}", va="center", ha="left", fontsize=7.5, color="0.25")
        ax.set_yticks(y, rows["term"], fontsize=9)
        ax.invert_yaxis()
        ax.set_title(author, fontsize=11)
        ax.set_xlabel("Log-odds z-score vs all other authors")
        ax.margins(x=0.18)
    for ax in axes:
        ax.xaxis.set_tick_params(labelbottom=True)
    fig.suptitle(title or f"Top {n_terms} distinctive terms per author (weighted log-odds, informative prior)")
    fig.tight_layout(rect=(0, 0, 0.9, 0.97))
    cax = fig.add_axes((0.925, 0.15, 0.012, 0.7))
    fig.colorbar(mpl.cm.ScalarMappable(norm=norm, cmap=cmap), cax=cax,
                 label=f"Bootstrap stability: share of resamples in the top {stability_top}")
    cax.yaxis.set_major_formatter(mpl.ticker.PercentFormatter(1.0))
    plt.close(fig)
    return fig


def plot_two_views(table: pd.DataFrame, authors: Sequence[str], *, n_terms: int = 10):
    """One row per author: top ``n_terms`` by log-odds z (left) and by TF-IDF (right); shared terms highlighted.

    ``table`` is :func:`distinctive_terms`'s output (it must hold each
    author's top ``n_terms`` under both methods). Returns the figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    both, only = "#1f77b4", "#bbbbbb"
    fig, axes = plt.subplots(len(authors), 2, figsize=(11, (0.26 * n_terms + 1.1) * len(authors)), squeeze=False)
    for (left, right), author in zip(axes, authors):
        rows = table[table["author"] == author]
        by_z = rows[rows["rank"] <= n_terms].sort_values("rank")
        by_t = rows[rows["tfidf_rank"] <= n_terms].sort_values("tfidf_rank")
        shared = set(by_z["term"]) & set(by_t["term"])
        for ax, part, column, label in ((left, by_z, "score", "Log-odds z-score vs all other authors"),
                                        (right, by_t, "tfidf", "TF-IDF weight (unit-length author vector)")):
            y = np.arange(len(part))
            ax.barh(y, part[column], color=[both if t in shared else only for t in part["term"]])
            ax.set_yticks(y, part["term"], fontsize=9)
            ax.invert_yaxis()
            ax.set_xlabel(label, fontsize=9)
        left.set_title(f"{author}: log-odds z", fontsize=10)
        right.set_title(f"{author}: TF-IDF", fontsize=10)
    fig.legend(handles=[Patch(color=both, label=f"in both top-{n_terms} lists"),
                        Patch(color=only, label="in this method's list only")],
               loc="upper right", fontsize=9, frameon=False)
    fig.suptitle(f"Two views of what is distinctive: top {n_terms} terms per author", x=0.4)
    fig.tight_layout(rect=(0, 0, 1, 0.985))
    plt.close(fig)
    return fig
