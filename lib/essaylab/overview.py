"""Tables behind the corpus overview (notebook 01)."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from .corpus import Corpus
from .stats import mtld, type_token_ratio
from .text import normalize_words

__all__ = ["essay_overview", "sentence_lengths", "top_words"]


def essay_overview(corpus: Corpus) -> pd.DataFrame:
    """One row per essay: metadata, size, and lexical diversity.

    Columns: ``essay, author, title, venue, date, words, sentences, paragraphs,
    types, ttr, mtld, mean_sentence_words, median_sentence_words``. ``words``
    and the diversity measures count lowercased word tokens, stop words
    included (as MTLD is defined); ``ttr`` is the type-token ratio.
    """
    rows = []
    for essay in corpus:
        tokens = essay.words
        lengths = pd.Series([len(words) for words in essay.sentence_words], dtype=float)
        rows.append({
            "essay": essay.id, "author": essay.author, "title": essay.title, "venue": essay.venue,
            "date": essay.date, "words": len(tokens), "sentences": len(essay.sentences),
            "paragraphs": len(essay.paragraphs), "types": len(set(tokens)),
            "ttr": type_token_ratio(tokens), "mtld": mtld(tokens),
            "mean_sentence_words": float(lengths.mean()), "median_sentence_words": float(lengths.median()),
        })
    return pd.DataFrame(rows)


def sentence_lengths(corpus: Corpus) -> pd.DataFrame:
    """One row per body sentence: ``essay, author, sentence, words``."""
    rows = [
        {"essay": e.id, "author": e.author, "sentence": i, "words": len(words)}
        for e in corpus for i, words in enumerate(e.sentence_words)
    ]
    return pd.DataFrame(rows, columns=["essay", "author", "sentence", "words"])


def top_words(corpus: Corpus, n: int = 15) -> pd.DataFrame:
    """The ``n`` most frequent content words per author (stop words removed).

    Columns ``author, rank, term, count, per_1000`` (per 1,000 content words
    of that author). Ties are broken alphabetically, so the table is stable.
    """
    counts: dict[str, Counter] = {}
    accents = corpus.accents
    for essay in corpus:
        counts.setdefault(essay.author, Counter()).update(normalize_words(essay.words, accents=accents))
    rows = []
    for author in sorted(counts):
        total = sum(counts[author].values())
        ranked = sorted(counts[author].items(), key=lambda kv: (-kv[1], kv[0]))[:n]
        for rank, (term, count) in enumerate(ranked, start=1):
            rows.append({"author": author, "rank": rank, "term": term, "count": count,
                         "per_1000": 1000 * count / total})
    return pd.DataFrame(rows, columns=["author", "rank", "term", "count", "per_1000"])
