"""Paragraphs, sentences and tokens."""

from __future__ import annotations

import re

import pytest

from conftest import SEEDS
from essaylab import fold_accents, load_corpus, split_paragraphs, split_sentences, tokenize, word_tokens


@pytest.mark.parametrize("text_in, expected", [
    ("The U.S.-Mexico border is long. It is busy.", ["The U.S.-Mexico border is long.", "It is busy."]),
    ("Officials in the U.S. disagree with Mexico. They say so.",
     ["Officials in the U.S. disagree with Mexico.", "They say so."]),
    ("R. Evan Ellis wrote it. Ryan C. Berg did too.", ["R. Evan Ellis wrote it.", "Ryan C. Berg did too."]),
    ("Dr. Smith met U.S. President Joe Biden. Then he left.",
     ["Dr. Smith met U.S. President Joe Biden.", "Then he left."]),
    ("The next step is in the U.S. The rest is in Mexico.", ["The next step is in the U.S.", "The rest is in Mexico."]),
    ("He said \u201cstop the war.\u201d Then he left.", ["He said \u201cstop the war.\u201d", "Then he left."]),
    ("Is it over? No! It goes on.", ["Is it over?", "No!", "It goes on."]),
    ("A paragraph.\n\nAnother one without a final stop\n\nA third.",
     ["A paragraph.", "Another one without a final stop", "A third."]),
])
def test_split_sentences(text_in, expected):
    assert split_sentences(text_in) == expected


@pytest.mark.parametrize("text_in, expected", [
    ("One.\nTwo.", ["One.", "Two."]),
    ("A hard-wrapped\nline.\n\nNext.", ["A hard-wrapped line.", "Next."]),
    ("HEADING\nBody text.", ["HEADING", "Body text."]),
    ("One.\r\n\r\nTwo.", ["One.", "Two."]),
])
def test_split_paragraphs(text_in, expected):
    assert split_paragraphs(text_in) == expected


def _boundaries(paragraphs, segment) -> set[int]:
    """Sentence ends as offsets in the paragraphs' text with all white space removed."""
    ends, offset = set(), 0
    for paragraph in paragraphs:
        position = offset
        for sentence in segment(paragraph):
            position += len(re.sub(r"\s", "", sentence))
            ends.add(position)
        offset += len(re.sub(r"\s", "", paragraph))
    return ends


def test_agrees_with_pysbd_on_the_essays():
    """Boundary F1 against pySBD, a well-known rule-based segmenter (Golden Rules), must be >= 0.97."""
    pysbd = pytest.importorskip("pysbd")
    segmenter = pysbd.Segmenter(language="en", clean=False)
    tp = fp = fn = 0
    for essay in load_corpus(SEEDS):
        ours = _boundaries(essay.paragraphs, split_sentences)
        theirs = _boundaries(essay.paragraphs, segmenter.segment)
        tp, fp, fn = tp + len(ours & theirs), fp + len(ours - theirs), fn + len(theirs - ours)
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert f1 >= 0.97, f"boundary F1 {f1:.3f} (tp={tp}, fp={fp}, fn={fn})"


def test_us_is_not_a_sentence_end_in_the_seeds():
    # The seeds use "U.S." about a hundred times and never end a sentence with it;
    # an untrained Punkt splits after nearly every one.
    corpus = load_corpus(SEEDS)
    assert sum(len(re.findall(r"\bU\.S\.", e.text)) for e in corpus) > 90
    assert [s for e in corpus for s in e.sentences if s.endswith("U.S.")] == []


@pytest.mark.parametrize("text_in, expected", [
    ("The United States and Mexico", ["united states", "mexico"]),
    ("Mexico\u2019s economy and Mexico's voters", ["mexico", "economy", "mexico", "voters"]),
    ("U.S.-Mexico security cooperation", ["u.s.-mexico", "security", "cooperation"]),
    ("López Obrador and Lopez Obrador", ["lópez obrador", "lopez obrador"]),
    ("Xóchitl Gálvez, Gálvez and Galvez", ["xóchitl gálvez", "gálvez", "galvez"]),
    ("the 2024 election cost $13 billion", ["election", "cost", "billion"]),
    ("near-shoring, lock-in.", ["near-shoring", "lock-in"]),
])
def test_tokenize(text_in, expected):
    assert tokenize(text_in) == expected


def test_tokenize_unifies_accents_with_a_corpus_map():
    accents = {"lopez": "lópez", "galvez": "gálvez"}
    assert tokenize("Lopez Obrador met Galvez", accents=accents) == ["lópez obrador", "met", "gálvez"]


def test_corpus_tokens_unify_accents_across_essays():
    corpus = load_corpus(SEEDS)
    # Bosworth writes "Lopez Obrador" and "Galvez"; O'Neil and Berg use the accents.
    bosworth = corpus.tokens(corpus["bosworth-2024"].text)
    assert "lópez obrador" in bosworth and "lopez obrador" not in bosworth
    assert "gálvez" in bosworth or "xochitl gálvez" in bosworth or "xóchitl gálvez" in bosworth
    assert "mexico" in bosworth and "méxico" not in bosworth


def test_tokens_are_words_not_stems():
    tokens = tokenize("Deportations, investments and policies")
    assert tokens == ["deportations", "investments", "policies"]


@pytest.mark.parametrize("text_in, expected", [
    ("López", "Lopez"), ("Gálvez", "Galvez"), ("Peña Nieto", "Pena Nieto"), ("plain", "plain"),
])
def test_fold_accents(text_in, expected):
    assert fold_accents(text_in) == expected


def test_word_tokens_keep_stop_words():
    assert word_tokens("The cartels and the border") == ["the", "cartels", "and", "the", "border"]


@pytest.mark.parametrize("words", [
    ["the", "united", "states", "of", "america"],
    ["lópez", "obrador", "united"],
    ["mexico", "city", "mexico", "city"],
    ["united"],
    [],
])
def test_join_multiwords_matches_nltk_mwetokenizer(words):
    from essaylab.text import _mwe_tokenizer, join_multiwords

    folded = [fold_accents(w) for w in words]
    assert [fold_accents(w) for w in join_multiwords(words)] == _mwe_tokenizer().tokenize(folded)


def test_join_multiwords_matches_nltk_mwetokenizer_on_the_essays():
    from essaylab.text import _mwe_tokenizer, join_multiwords

    for essay in load_corpus(SEEDS):
        words = essay.words
        assert [fold_accents(w) for w in join_multiwords(words)] == _mwe_tokenizer().tokenize(
            [fold_accents(w) for w in words])
