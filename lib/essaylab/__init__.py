"""essaylab: load, clean and analyse a small corpus of policy essays.

Notebooks import everything from here::

    from essaylab import load_corpus, split_sentences, tokenize
"""

from .corpus import Corpus, Essay, load_corpus, read_text_file
from .errors import CorpusError
from .io import write_table
from .keyness import (author_similarity, closest_paragraphs, distinctive_terms, keyword_in_context,
                      log_odds_dirichlet, term_counts)
from .matter import Matter, matter_kind, separate_matter
from .topics import choose_model, sweep, topic_coherence, topic_stability
from .paths import cache_dir, essays_dir, project_root, reports_dir, results_dir
from .text import (
    canonical_accents,
    fold_accents,
    normalize_text,
    split_paragraphs,
    split_sentences,
    stop_words,
    tokenize,
    word_tokens,
)

__all__ = [
    "Corpus", "CorpusError", "Essay", "Matter", "canonical_accents", "cache_dir", "essays_dir",
    "fold_accents", "load_corpus", "matter_kind", "normalize_text", "project_root", "read_text_file",
    "reports_dir", "results_dir", "separate_matter", "split_paragraphs", "split_sentences",
    "stop_words", "tokenize", "word_tokens", "write_table",
    "author_similarity", "closest_paragraphs", "distinctive_terms", "keyword_in_context", "log_odds_dirichlet",
    "term_counts", "choose_model", "sweep", "topic_coherence", "topic_stability",
]
