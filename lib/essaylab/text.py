"""Paragraphs, sentences, tokens: the text layer every analysis builds on.

Nothing here needs NLTK's downloadable data. Sentences come from NLTK's Punkt
with parameters given explicitly (abbreviations and frequent sentence
starters), tokens from ``NLTKWordTokenizer`` plus a few normalisation steps
that matter for these essays: curly apostrophes, possessives, hyphenated
compounds such as ``U.S.-Mexico``, accented names and multiword names.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from importlib import resources

from nltk.tokenize import MWETokenizer, RegexpTokenizer
from nltk.tokenize.punkt import PunktLanguageVars, PunktParameters, PunktSentenceTokenizer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

__all__ = [
    "normalize_text",
    "fold_accents",
    "split_paragraphs",
    "is_heading",
    "is_short_heading",
    "split_sentences",
    "sentence_spans",
    "tokenize",
    "word_tokens",
    "stop_words",
    "multiword_names",
    "canonical_accents",
    "accent_map",
    "normalize_words",
]

# ---------------------------------------------------------------------------
# Character-level normalisation
# ---------------------------------------------------------------------------

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                          "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"',
                          "\u00a0": " ", "\u2009": " ", "\u202f": " "})


def normalize_text(text: str) -> str:
    """Unicode NFC, curly quotes made straight, non-breaking spaces made plain.

    The result has the same length as an NFC input, so offsets carry over.

    >>> normalize_text("Mexico\u2019s \u201ctake out\u201d")
    'Mexico\\'s "take out"'
    """
    return unicodedata.normalize("NFC", text).translate(_QUOTES)


def fold_accents(text: str) -> str:
    """Strip diacritics, for matching names with or without accents.

    >>> fold_accents("López Obrador, Gálvez, Mérida")
    'Lopez Obrador, Galvez, Merida'
    """
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# ---------------------------------------------------------------------------
# Paragraphs
# ---------------------------------------------------------------------------

_TERMINAL = re.compile(r"""[.!?:;]["')\]]*\s*$""")


def is_heading(line: str) -> bool:
    """A section heading: short, no sentence-final punctuation, mostly capitals or title case.

    >>> is_heading("THE CONSEQUENCES OF NEGLECT"), is_heading("A CLEAN ENERGY FUTURE?")
    (True, True)
    >>> is_heading("The United States should work to shore up the USMCA.")
    False
    """
    stripped = line.strip()
    words = stripped.split()
    if not stripped or len(words) > 12:
        return False
    letters = [c for c in stripped if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) / len(letters) > 0.8:
        # Capitalised headings may be questions ("A CLEAN ENERGY FUTURE?").
        return not _TERMINAL.search(stripped.rstrip("?"))
    if _TERMINAL.search(stripped):
        return False
    content = [w for w in words if w[0].isalpha() and w.lower() not in _SMALL_WORDS]
    return bool(content) and all(w[0].isupper() for w in content)


def is_short_heading(block: str) -> bool:
    """A paragraph that is a sentence-case section heading: a block on its own of at most 8 words that
    starts with a capital letter and has no sentence punctuation at its end ("Why Mexico works"). Only
    for whole paragraphs: inside hard-wrapped text a short line is the start of a sentence, which is why
    :func:`split_paragraphs` does not use it.

    >>> is_short_heading("Why Mexico works"), is_short_heading("What the buses taught me")
    (True, True)
    >>> is_short_heading("Mexico works."), is_short_heading("and then it stopped"), is_short_heading("Yes, but")
    (False, False, False)
    """
    stripped = block.strip()
    words = stripped.split()
    return (0 < len(words) <= 8 and stripped[0].isupper() and not _TERMINAL.search(stripped)
            and not stripped.endswith((",", "\u2014", "-", "\u2026")) and "," not in stripped)


_SMALL_WORDS = {"a", "an", "the", "and", "or", "of", "in", "on", "for", "to", "with", "at",
                "by", "from", "as", "but", "vs", "via", "is", "are", "be", "could", "can", "get"}


def split_paragraphs(text: str) -> list[str]:
    """Split raw text into paragraphs, whatever the line-break convention.

    Blank lines always separate paragraphs. A single line break separates two
    paragraphs when the line before it ends a sentence (or is a heading);
    otherwise it is a hard wrap inside a paragraph and becomes a space.

    >>> split_paragraphs("One line.\\nTwo lines that\\nwrap here.\\n\\nThree.")
    ['One line.', 'Two lines that wrap here.', 'Three.']
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        current: list[str] = []
        for line in block.split("\n"):
            line = line.strip()
            if not line:
                continue
            current.append(line)
            if _TERMINAL.search(line) or is_heading(line):
                paragraphs.append(" ".join(current))
                current = []
        if current:
            paragraphs.append(" ".join(current))
    return [" ".join(p.split()) for p in paragraphs]


# ---------------------------------------------------------------------------
# Sentences
# ---------------------------------------------------------------------------

# Abbreviations that end with a period but do not end a sentence (lowercase,
# without the final period, as Punkt stores them). Single letters cover
# initials ("R. Evan Ellis", "Ryan C. Berg").
_ABBREVIATIONS = {
    "u.s", "u.k", "u.n", "e.u", "d.c", "u.s.a", "dr", "mr", "mrs", "ms", "prof", "gen", "sen",
    "rep", "gov", "lt", "col", "sgt", "capt", "adm", "st", "jr", "sr", "inc", "corp", "co", "ltd",
    "vs", "etc", "e.g", "i.e", "no", "nos", "vol", "fig", "approx", "dept", "univ", "assn",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "a.m", "p.m", "ph.d", "b.a", "m.a",
} | set("abcdefghijklmnopqrstuvwxyz")

# Words that, capitalised after an abbreviation such as "U.S.", show that a new
# sentence has started ("... in the U.S. The next president ...").
_SENTENCE_STARTERS = {
    "the", "this", "that", "these", "those", "there", "it", "its", "he", "she", "they", "we",
    "i", "you", "his", "her", "their", "our", "a", "an", "and", "but", "or", "yet", "so", "if",
    "in", "on", "at", "as", "for", "with", "while", "when", "where", "after", "before",
    "although", "though", "however", "moreover", "meanwhile", "still", "finally", "indeed",
    "instead", "nonetheless", "regardless", "most", "many", "some", "such", "both", "neither",
    "no", "not", "each", "every", "all", "one", "what", "why", "how", "perhaps", "even",
}


class _LanguageVars(PunktLanguageVars):
    """Punkt's English settings, plus closing curly quotes as sentence-final punctuation."""

    _re_non_word_chars = r"(?:[)\";}\]\*:@\'\({\[!?\u201d\u2019])"


@lru_cache(maxsize=1)
def _sentence_tokenizer() -> PunktSentenceTokenizer:
    params = PunktParameters()
    params.abbrev_types = set(_ABBREVIATIONS)
    params.sent_starters = set(_SENTENCE_STARTERS)
    return PunktSentenceTokenizer(params, lang_vars=_LanguageVars())


def sentence_spans(paragraph: str) -> list[tuple[int, int]]:
    """Character spans of the sentences in one paragraph (see :func:`split_sentences`).

    >>> sentence_spans("Hi there. Bye.")
    [(0, 9), (10, 14)]
    """
    return list(_sentence_tokenizer().span_tokenize(normalize_text(paragraph)))


def split_sentences(text: str) -> list[str]:
    """Split text into sentences with NLTK's Punkt, configured explicitly (no downloads).

    Paragraph breaks always end a sentence; inside a paragraph Punkt decides,
    knowing that ``U.S.``, ``Dr.`` and initials are abbreviations.

    >>> split_sentences("The U.S.-Mexico border is long. R. Evan Ellis wrote in the U.S. The end.")
    ['The U.S.-Mexico border is long.', 'R. Evan Ellis wrote in the U.S.', 'The end.']
    >>> split_sentences("Dr. Smith met U.S. officials. They agreed.")
    ['Dr. Smith met U.S. officials.', 'They agreed.']
    """
    sentences: list[str] = []
    for paragraph in split_paragraphs(text):
        sentences.extend(paragraph[start:end] for start, end in sentence_spans(paragraph))
    return sentences


# ---------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------

# NLTK's RegexpTokenizer with one pattern: abbreviations and their compounds
# ("u.s.", "u.s.-mexico"), then words with inner hyphens, periods or apostrophes
# ("near-shoring", "mexico's"). It agrees with NLTKWordTokenizer on over 99% of
# the essays' tokens (see `make bench`) at about three times the speed.
_WORD_TOKENIZER = RegexpTokenizer(r"(?:[A-Za-z]\.){2,}(?:-[\w.]*\w\.?)*|\w+(?:[-.'](?=\w)\w*)*")
_HAS_LETTER = re.compile(r"[^\W\d_]")


def _data_lines(name: str) -> list[str]:
    text = resources.files("essaylab").joinpath("data", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """scikit-learn's English stop words plus the project's list (``data/stopwords.txt``).

    >>> {"the", "would", "also"} <= stop_words()
    True
    """
    return frozenset(ENGLISH_STOP_WORDS) | frozenset(_data_lines("stopwords.txt"))


@lru_cache(maxsize=1)
def multiword_names() -> tuple[tuple[str, ...], ...]:
    """Multiword names kept as one token (``data/multiwords.txt``), lowercased and accent-folded.

    >>> ("united", "states") in multiword_names()
    True
    """
    return tuple(tuple(fold_accents(line).lower().split()) for line in _data_lines("multiwords.txt"))


@lru_cache(maxsize=1)
def _mwe_tokenizer() -> MWETokenizer:
    """NLTK's multiword tokenizer over :func:`multiword_names` (the reference :func:`join_multiwords` matches)."""
    return MWETokenizer(list(multiword_names()), separator=" ")


@lru_cache(maxsize=1)
def _multiword_table() -> dict[str, tuple[tuple[str, ...], ...]]:
    """First word of each multiword name -> the remaining words of the names it starts, longest first."""
    table: dict[str, list[tuple[str, ...]]] = {}
    for name in multiword_names():
        table.setdefault(name[0], []).append(name[1:])
    return {first: tuple(sorted(set(tails), key=lambda t: (-len(t), t))) for first, tails in table.items()}


def join_multiwords(words: Sequence[str]) -> list[str]:
    """Join the words of multiword names (:func:`multiword_names`) with a space, keeping their spelling.

    Matching ignores accents and takes the longest name that starts at a word,
    as NLTK's ``MWETokenizer`` does (a test checks they agree); only the words
    that can start a name are looked at, so long texts cost one set lookup per word.

    >>> join_multiwords(["the", "united", "states", "and", "lópez", "obrador"])
    ['the', 'united states', 'and', 'lópez obrador']
    """
    table = _multiword_table()
    words = list(words)
    starts = [i for i, w in enumerate(words) if w in table or fold_accents(w) in table]
    if not starts:
        return words
    out: list[str] = []
    done = 0  # words[:done] are in `out`
    for i in starts:
        if i < done:
            continue
        for tail in table[fold_accents(words[i])]:
            end = i + 1 + len(tail)
            if end <= len(words) and all(fold_accents(w) == t for w, t in zip(words[i + 1:end], tail)):
                out.extend(words[done:i])
                out.append(" ".join(words[i:end]))
                done = end
                break
    out.extend(words[done:])
    return out


def word_tokens(text: str) -> list[str]:
    """Lowercased word tokens with punctuation, numbers and possessive ``'s`` removed.

    Hyphenated compounds and abbreviations stay whole; curly apostrophes are
    handled like straight ones; contractions split as NLTK's Treebank
    tokenizer does ("doesn't" -> "does", "n't"). No stop-word removal, no
    multiword joining.

    >>> word_tokens("Mexico’s U.S.-Mexico ties, 5G and $13 billion.")
    ['mexico', 'u.s.-mexico', 'ties', '5g', 'and', 'billion']
    >>> word_tokens("It cannot wait; they don't.")
    ['it', 'can', 'not', 'wait', 'they', 'do', "n't"]
    """
    tokens = []
    append = tokens.append
    for token in _WORD_TOKENIZER.tokenize(normalize_text(text).lower()):
        if token.isalpha() and token != "cannot":  # the common case, checked first for speed
            append(token)
            continue
        if token.endswith("'s"):
            token = token[:-2]
        elif token.endswith("'"):
            token = token[:-1]
        if token.endswith(".") and token.count(".") == 1:
            token = token[:-1]  # "lock-in." at a sentence end; "u.s." keeps its periods
        if not _HAS_LETTER.search(token):
            continue
        if token.endswith("n't") and len(token) > 3:
            tokens.extend((token[:-3], "n't"))
        elif token == "cannot":
            tokens.extend(("can", "not"))
        else:
            tokens.append(token)
    return tokens


def canonical_accents(texts: Iterable[str]) -> dict[str, str]:
    """Map accent-folded word forms to their most frequent spelling in ``texts``, where that has accents.

    Used so that ``Lopez`` and ``López`` count as one word, shown with its accent.

    >>> canonical_accents(["López Obrador", "Lopez Obrador", "López", "Mexico, Mexico, México"])
    {'lopez': 'lópez'}
    """
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(word_tokens(text))
    return accent_map(counts)


def accent_map(counts: Mapping[str, int]) -> dict[str, str]:
    """:func:`canonical_accents` from word counts (e.g. summed over cached tokens).

    >>> accent_map({"lopez": 1, "lópez": 2, "mexico": 5, "méxico": 1})
    {'lopez': 'lópez'}
    """
    forms: dict[str, dict[str, int]] = {}
    for token, count in counts.items():
        folded = token if token.isascii() else fold_accents(token)
        forms.setdefault(folded, {})[token] = count
    mapping = {}
    for folded, spellings in sorted(forms.items()):
        if len(spellings) == 1 and folded in spellings:
            continue
        # Most frequent spelling; on a tie the accented one (sorted() puts it last).
        best = max(sorted(spellings), key=lambda form: (spellings[form], form != folded))
        if best != folded:
            mapping[folded] = best
    return mapping


def tokenize(
    text: str,
    *,
    remove_stopwords: bool = True,
    multiwords: bool = True,
    accents: Mapping[str, str] | None = None,
    min_length: int = 2,
) -> list[str]:
    """Readable, normalised word tokens for counting and vectorising.

    Steps: word tokenization (:func:`word_tokens`: lowercase, straight and
    curly apostrophes, possessives, hyphenated compounds kept whole such as
    ``u.s.-mexico``), then :func:`normalize_words`: multiword names joined with
    a space (``united states``, ``lópez obrador``); accents matched with or
    without diacritics (forms are folded for matching and shown with the
    spelling ``accents`` gives, e.g. from :func:`canonical_accents` over the
    corpus); stop words removed. Tokens are words, never stems.

    >>> tokenize("The United States and López Obrador’s Mexico disagree.")
    ['united states', 'lópez obrador', 'mexico', 'disagree']
    >>> tokenize("Lopez Obrador", accents={"lopez": "lópez"})
    ['lópez obrador']
    """
    return normalize_words(word_tokens(text), remove_stopwords=remove_stopwords, multiwords=multiwords,
                           accents=accents, min_length=min_length)


def normalize_words(
    words: Sequence[str],
    *,
    remove_stopwords: bool = True,
    multiwords: bool = True,
    accents: Mapping[str, str] | None = None,
    min_length: int = 2,
) -> list[str]:
    """The second half of :func:`tokenize`, for word tokens already at hand (e.g. cached).

    >>> normalize_words(["the", "united", "states", "and", "lopez", "obrador"], accents={"lopez": "lópez"})
    ['united states', 'lópez obrador']
    """
    words = join_multiwords(words) if multiwords else list(words)
    stops = stop_words() if remove_stopwords else frozenset()
    # Each distinct word is normalised once (accent spelling, stop word, length), then mapped.
    forms = {}
    for word in set(words):
        if accents:
            word_out = (accents.get(fold_accents(word), word) if " " not in word else
                        " ".join(accents.get(fold_accents(part), part) for part in word.split(" ")))
        else:
            word_out = word
        forms[word] = word_out if len(word_out) >= min_length and word_out not in stops else None
    return [form for form in map(forms.__getitem__, words) if form is not None]
