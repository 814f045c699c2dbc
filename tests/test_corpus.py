"""Loading the essays: the seeds, and every kind of bad input."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from conftest import SAMPLE_BODY, SEEDS, write_corpus
from essaylab import CorpusError, load_corpus


def folder_fingerprint(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_seeds_load_with_their_authors():
    corpus = load_corpus(SEEDS)
    assert {e.author for e in corpus} == {"James Bosworth", "Shannon K. O'Neil", "R. Evan Ellis", "Ryan C. Berg"}
    assert all(len(e.paragraphs) >= 10 and len(e.sentences) >= 30 for e in corpus)


# Front and back matter of the seeds: none of it may be in a body, all of it is kept on the essay.
@pytest.mark.parametrize("essay_id, fragment, where", [
    ("ellis-2024", "Image Source: CNN Español.", "front"),
    ("ellis-2024", "R. Evan Ellis is research professor", "back"),
    ("ellis-2024", "Global Americans takes pride in serving", "back"),
    ("ellis-2024", "do not necessarily reflect the views", "back"),
    ("berg-2023", "Why the U.S.-Mexico Relationship Could Get Even Worse", "front"),
    ("berg-2023", "spell danger, but there is a way out", "front"),
    ("berg-2023", "Ryan C. Berg is the director of the Americas program", "back"),
    ("berg-2023", "@RyanBergPhD", "back"),
    ("bosworth-2024", "James Bosworth is the founder of Hxagon", "back"),
    ("bosworth-2024", "He has two decades of experience", "back"),
])
def test_matter_is_separated_and_kept(essay_id, fragment, where):
    essay = load_corpus(SEEDS)[essay_id]
    assert fragment not in essay.text
    assert all(fragment not in s for s in essay.sentences)
    kept = essay.front_matter if where == "front" else essay.back_matter
    assert any(fragment in m.text for m in kept)


@pytest.mark.parametrize("essay_id, first, last", [
    ("berg-2023", "The divergence between the Republican Party", "long after the campaign rallies"),
    ("bosworth-2024", "Foreign policy is not high on the list", "the political benefits will follow."),
    ("ellis-2024", "The U.S.-Mexico relationship is one of the most fundamental", "relocate to a different neighborhood."),
    ("oneil-2024", "On June 2, Mexican voters will head to the polls", "shared challenges they face."),
])
def test_body_starts_and_ends_where_the_argument_does(essay_id, first, last):
    essay = load_corpus(SEEDS)[essay_id]
    assert essay.paragraphs[0].startswith(first)
    assert essay.paragraphs[-1].rstrip().endswith(last) or last in essay.paragraphs[-1]


def test_headings_are_not_paragraphs():
    essay = load_corpus(SEEDS)["oneil-2024"]
    assert "THE CONSEQUENCES OF NEGLECT" in [h for _, h in essay.headings]
    assert all(not p.isupper() for p in essay.paragraphs)


def test_to_frame_has_one_row_per_essay():
    frame = load_corpus(SEEDS).to_frame()
    assert list(frame["id"]) == ["bosworth-2024", "oneil-2024", "ellis-2024", "berg-2023"]
    assert {"author", "title", "words", "sentences", "paragraphs"} <= set(frame.columns)
    assert (frame["words"] > 1000).all()


def test_default_folder_comes_from_environment(monkeypatch, corpus_dir):
    monkeypatch.setenv("ESSAYS_DIR", str(corpus_dir))
    assert [e.id for e in load_corpus()] == ["a", "b"]


def test_a_fifth_essay_is_included(seeds_copy):
    (seeds_copy / "new-2025.txt").write_text(SAMPLE_BODY, encoding="utf-8")
    with open(seeds_copy / "metadata.csv", "a", encoding="utf-8") as handle:
        handle.write("new-2025.txt,Jane Newcomer,A New View,Somewhere,2025-01,,\n")
    corpus = load_corpus(seeds_copy)
    assert len(corpus) == 5 and "Jane Newcomer" in corpus.authors


# --- bad input: one CorpusError, one line, naming the culprit --------------------------------

def _expect_error(folder: Path, *needles: str) -> str:
    before = folder_fingerprint(folder) if folder.is_dir() else None
    with pytest.raises(CorpusError) as info:
        load_corpus(folder)
    message = str(info.value)
    assert "\n" not in message
    for needle in needles:
        assert needle in message, message
    if before is not None:
        assert folder_fingerprint(folder) == before, "loading changed the folder"
    return message


def test_missing_folder(tmp_path):
    _expect_error(tmp_path / "nowhere", "nowhere", "does not exist")


def test_no_metadata(tmp_path):
    folder = write_corpus(tmp_path / "e", {"a.txt": SAMPLE_BODY})
    (folder / "metadata.csv").unlink()
    _expect_error(folder, "metadata.csv")


@pytest.mark.parametrize("metadata, needles", [
    ('file,author\n"a.txt,Someone\n', ["metadata.csv", "malformed"]),
    ("file,author\na.txt,Someone,extra\n", ["metadata.csv", "row 2"]),
    ("file,title\na.txt,T\n", ["metadata.csv", "'author'"]),
    ("author,title\nSomeone,T\n", ["metadata.csv", "'file'"]),
    ("file,author\na.txt,\n", ["a.txt", "author"]),
    ("file,author\na.txt,X\na.txt,Y\n", ["a.txt", "twice"]),
    ("file,author\n", ["metadata.csv", "no essays"]),
    ("", ["metadata.csv"]),
])
def test_broken_metadata(tmp_path, metadata, needles):
    folder = write_corpus(tmp_path / "e", {"a.txt": SAMPLE_BODY})
    (folder / "metadata.csv").write_text(metadata, encoding="utf-8")
    _expect_error(folder, *needles)


def test_listed_file_missing(tmp_path):
    folder = write_corpus(tmp_path / "e", {"a.txt": SAMPLE_BODY},
                          rows=[{"file": "a.txt", "author": "A"}, {"file": "gone.txt", "author": "B"}])
    _expect_error(folder, "gone.txt", "missing")


def test_unlisted_file(tmp_path):
    folder = write_corpus(tmp_path / "e", {"a.txt": SAMPLE_BODY}, rows=[{"file": "a.txt", "author": "A"}])
    (folder / "stray.txt").write_text(SAMPLE_BODY, encoding="utf-8")
    _expect_error(folder, "stray.txt", "not listed")


@pytest.mark.parametrize("content, needles", [
    (b"", ["a.txt", "empty"]),
    (b"  \n\n \t\n", ["a.txt", "empty"]),
    ("Caf\u00e9 policy.".encode("latin-1"), ["a.txt", "not UTF-8", "offset 3"]),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["a.txt", "binary"]),
])
def test_bad_files(tmp_path, content, needles):
    folder = write_corpus(tmp_path / "e", {"a.txt": content})
    _expect_error(folder, *needles)


def test_bom_and_crlf_load_the_same_text(tmp_path):
    clean = (SEEDS / "oneil-2024.txt").read_text(encoding="utf-8")
    variants = {
        "clean.txt": clean.encode("utf-8"),
        "bom.txt": b"\xef\xbb\xbf" + clean.encode("utf-8"),
        "crlf.txt": clean.replace("\n", "\r\n").encode("utf-8"),
        "both.txt": b"\xef\xbb\xbf" + clean.replace("\n", "\r\n").encode("utf-8"),
    }
    folder = write_corpus(tmp_path / "e", variants)
    before = folder_fingerprint(folder)
    corpus = load_corpus(folder)
    reference = corpus["clean"]
    for essay in corpus:
        assert essay.text == reference.text
        assert essay.sentences == reference.sentences
        assert essay.raw == reference.raw
    assert folder_fingerprint(folder) == before


def test_metadata_with_bom_and_crlf(tmp_path):
    folder = write_corpus(tmp_path / "e", {"a.txt": SAMPLE_BODY})
    (folder / "metadata.csv").write_bytes(b"\xef\xbb\xbffile,author\r\na.txt,Someone\r\n")
    assert load_corpus(folder)[0].author == "Someone"


def test_loading_seeds_changes_nothing():
    before = folder_fingerprint(SEEDS)
    load_corpus(SEEDS)
    assert folder_fingerprint(SEEDS) == before


def test_cache_gives_the_same_sentences_and_tokens(tmp_path, monkeypatch):
    monkeypatch.setenv("ESSAYLAB_CACHE", str(tmp_path / "cache"))
    cold = load_corpus(SEEDS)
    cold_records = [(e.sentence_records, e.sentence_words) for e in cold]
    assert len(list((tmp_path / "cache").rglob("*.pkl"))) == len(cold)
    warm = load_corpus(SEEDS)
    assert [(e.sentence_records, e.sentence_words) for e in warm] == cold_records
    monkeypatch.setenv("ESSAYLAB_CACHE", "off")
    assert [(e.sentence_records, e.sentence_words) for e in load_corpus(SEEDS)] == cold_records


def test_disclaimer_word_test_never_hides_a_disclaimer():
    """The cheap literal test in front of the disclaimer regex only skips paragraphs the regex would not match."""
    from essaylab import matter

    samples = [p for e in load_corpus(SEEDS) for p in e.paragraphs] + [m.text for e in load_corpus(SEEDS)
                                                                       for m in e.front_matter + e.back_matter] + [
        "The views expressed here are the author's own.", "This does NOT necessarily reflect the views of X.",
        "© 2024 Example Press. All Rights Reserved.", "This essay was originally published in Foo.",
        "Subscribe to our newsletter.", "Sign up for updates.", "Read more: the border.",
        "The Institute takes pride in serving the public.", "Copyright Example.",
        "This essay was translated from the Spanish."]
    for text in samples:
        assert matter._is_disclaimer(text) == bool(matter._DISCLAIMER.search(text)), text


@pytest.mark.parametrize("byline", ["By Jane Q. Doe", "by Jane Q. Doe", "BY Jane Doe and Luis Ortega"])
def test_byline_after_a_credit_is_front_matter(byline):
    """A byline is front matter however "by" is capitalised, also when a credit separates it from the title."""
    from essaylab.matter import separate_matter

    front, body, _ = separate_matter(["A Title Without a Period", "Photo: Reuters.", byline,
                                      "The body starts here. It goes on.", "And ends here."])
    assert [m.kind for m in front] == ["title", "credit", "byline"]
    assert body == ["The body starts here. It goes on.", "And ends here."]


def test_a_translation_note_at_the_end_is_back_matter(tmp_path):
    """"This essay was translated from the Spanish" closes an essay as a note about it, not a sentence of it
    (a test writer had to avoid it because it stayed in the body)."""
    body = ("Mexico and the United States share a border of three thousand kilometres and a great deal more.\n\n"
            "Trade across it has grown every year since the agreement was signed, and it will keep growing.\n\n"
            "This essay was translated from the Spanish.\n")
    essay = load_corpus(write_corpus(tmp_path / "essays", {"note.txt": body}))["note"]
    assert [m.text for m in essay.back_matter] == ["This essay was translated from the Spanish."]
    assert "translated" not in essay.text


def test_sentence_case_headings_are_headings_but_wrapped_lines_are_not(tmp_path):
    """A short capitalised line standing alone between paragraphs is a heading even in sentence case ("What
    the buses taught me": three test writers met it), while a short line inside hard-wrapped text stays part
    of its paragraph."""
    body = ("Mexico and the United States share a border of three thousand kilometres and much more.\n\n"
            "What the buses taught me\n\n"
            "Trade across the border has grown every year since the agreement was signed, and it\n"
            "Will keep growing\n"
            "as long as both governments keep the rules they wrote together in the agreement.\n")
    essay = load_corpus(write_corpus(tmp_path / "essays", {"headings.txt": body}))["headings"]
    assert [text for _, text in essay.headings] == ["What the buses taught me"]
    assert len(essay.paragraphs) == 2 and "Will keep growing as long as" in essay.paragraphs[1]
