"""Load the essays and their metadata, with strict checks and one clear error per problem.

A corpus folder holds one UTF-8 text file per essay and ``metadata.csv`` with
at least the columns ``file`` and ``author`` (the seeds also have ``title``,
``venue``, ``date``, ``url`` and ``notes``). Loading only reads: nothing in the
folder is ever written or changed.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from .errors import CorpusError
from .matter import Matter, separate_matter
from .paths import essays_dir
from . import cache
from .text import (accent_map, is_heading, is_short_heading, normalize_words, sentence_spans, split_paragraphs,
                   word_tokens)

__all__ = ["Essay", "Corpus", "load_corpus", "read_text_file", "METADATA_FILE", "REQUIRED_COLUMNS"]

METADATA_FILE = "metadata.csv"
REQUIRED_COLUMNS = ("file", "author")
OPTIONAL_COLUMNS = ("title", "venue", "date", "url", "notes")


@dataclass(frozen=True)
class Essay:
    """One essay: metadata, the body as paragraphs, and the matter that was separated from it."""

    id: str
    file: str
    author: str
    title: str
    venue: str
    date: str
    url: str
    notes: str
    paragraphs: tuple[str, ...]
    headings: tuple[tuple[int, str], ...] = ()
    front_matter: tuple[Matter, ...] = ()
    back_matter: tuple[Matter, ...] = ()
    raw: str = field(default="", repr=False)

    @property
    def text(self) -> str:
        """The body only: paragraphs joined by blank lines (no headings, no front/back matter)."""
        return "\n\n".join(self.paragraphs)

    @cached_property
    def _processed(self) -> dict:
        """Sentences and their word tokens, from the on-disk cache when this body was seen before."""
        key = cache.essay_key(self.text)
        value = cache.load(key)
        if value is None:
            records, words = [], []
            for p_index, paragraph in enumerate(self.paragraphs):
                for start, end in sentence_spans(paragraph):
                    sentence = paragraph[start:end]
                    records.append((p_index, len(records), sentence))
                    words.append(tuple(word_tokens(sentence)))
            value = {"sentence_records": tuple(records), "sentence_words": tuple(words)}
            cache.store(key, value)
        return value

    @property
    def sentences(self) -> tuple[str, ...]:
        """Body sentences in order (see :func:`essaylab.split_sentences`)."""
        return tuple(s for _, _, s in self.sentence_records)

    @property
    def sentence_records(self) -> tuple[tuple[int, int, str], ...]:
        """``(paragraph index, sentence index within the essay, sentence)`` for every body sentence."""
        return self._processed["sentence_records"]

    @property
    def sentence_words(self) -> tuple[tuple[str, ...], ...]:
        """:func:`essaylab.word_tokens` of every body sentence (stop words included)."""
        return self._processed["sentence_words"]

    @property
    def words(self) -> list[str]:
        """Word tokens of the whole body (stop words included)."""
        return [w for sentence in self.sentence_words for w in sentence]

    @property
    def n_words(self) -> int:
        """Word tokens in the body (no punctuation or numbers, stop words included)."""
        return sum(len(s) for s in self.sentence_words)


class Corpus:
    """An ordered collection of essays (metadata order), with shared token normalisation."""

    def __init__(self, essays: list[Essay], directory: Path | None = None):
        self.essays = list(essays)
        self.directory = directory

    def __iter__(self) -> Iterator[Essay]:
        return iter(self.essays)

    def __len__(self) -> int:
        return len(self.essays)

    def __getitem__(self, key: int | str) -> Essay:
        if isinstance(key, str):
            for essay in self.essays:
                if essay.id == key:
                    return essay
            raise KeyError(key)
        return self.essays[key]

    def __repr__(self) -> str:
        return f"Corpus({len(self)} essays from {self.directory})"

    @property
    def authors(self) -> list[str]:
        """Distinct authors, sorted."""
        return sorted({e.author for e in self.essays})

    @cached_property
    def accents(self) -> dict[str, str]:
        """Accent-folded word -> the corpus's most frequent accented spelling (``Lopez`` -> ``lópez``)."""
        counts: Counter[str] = Counter()
        for essay in self.essays:
            for sentence in essay.sentence_words:
                counts.update(sentence)
        return accent_map(counts)

    @cached_property
    def _words_by_text(self) -> dict[str, list[str]]:
        """Cached word tokens of every body sentence, paragraph and essay text, by text."""
        table: dict[str, list[str]] = {}
        for essay in self.essays:
            by_paragraph: dict[int, list[str]] = {}
            for (p_index, _, sentence), words in zip(essay.sentence_records, essay.sentence_words):
                table.setdefault(sentence, list(words))
                by_paragraph.setdefault(p_index, []).extend(words)
            for p_index, words in by_paragraph.items():
                table.setdefault(essay.paragraphs[p_index], words)
            table.setdefault(essay.text, essay.words)
        return table

    def tokens(self, text: str, **kwargs) -> list[str]:
        """:func:`essaylab.tokenize` with this corpus's accent spellings.

        For the corpus's own sentences, paragraphs and essay bodies the word
        tokens come from the cache, so only the cheap normalisation is redone.
        """
        words = self._words_by_text.get(text)
        if words is None:
            words = word_tokens(text)
        return normalize_words(words, accents=self.accents, **kwargs)

    def to_frame(self) -> pd.DataFrame:
        """One row per essay: metadata and body size."""
        rows = []
        for e in self.essays:
            rows.append({
                "id": e.id, "file": e.file, "author": e.author, "title": e.title, "venue": e.venue,
                "date": e.date, "url": e.url, "words": e.n_words, "sentences": len(e.sentences),
                "paragraphs": len(e.paragraphs), "front_matter": len(e.front_matter),
                "back_matter": len(e.back_matter),
            })
        return pd.DataFrame(rows, columns=["id", "file", "author", "title", "venue", "date", "url", "words",
                                           "sentences", "paragraphs", "front_matter", "back_matter"])

    def paragraphs_frame(self) -> pd.DataFrame:
        """One row per body paragraph: ``essay, author, paragraph, position, text`` (position in 0..1)."""
        rows = []
        for e in self.essays:
            n = len(e.paragraphs)
            for i, p in enumerate(e.paragraphs):
                rows.append({"essay": e.id, "author": e.author, "paragraph": i,
                             "position": (i + 0.5) / n, "text": p})
        return pd.DataFrame(rows, columns=["essay", "author", "paragraph", "position", "text"])

    def sentences_frame(self) -> pd.DataFrame:
        """One row per body sentence: ``essay, author, paragraph, sentence, text``."""
        rows = [
            {"essay": e.id, "author": e.author, "paragraph": p, "sentence": s, "text": t}
            for e in self.essays for p, s, t in e.sentence_records
        ]
        return pd.DataFrame(rows, columns=["essay", "author", "paragraph", "sentence", "text"])


# ---------------------------------------------------------------------------
# Reading and checking
# ---------------------------------------------------------------------------


def read_text_file(path: Path) -> str:
    """Read a UTF-8 text file strictly: BOM dropped, CRLF/CR made LF.

    Raises :class:`CorpusError` naming the file for a binary, non-UTF-8 or empty file.
    """
    data = path.read_bytes()
    name = path.name
    nul = data.find(b"\x00")
    if nul != -1:
        raise CorpusError(f"{name}: binary file, not text (NUL byte at offset {nul})")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{name}: not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8"
        ) from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise CorpusError(f"{name}: empty file")
    return text


def _read_metadata(directory: Path) -> list[dict[str, str]]:
    path = directory / METADATA_FILE
    if not path.is_file():
        raise CorpusError(f"{path}: no {METADATA_FILE} in the essays folder")
    text = read_text_file(path)
    try:
        rows = list(csv.reader(io.StringIO(text), strict=True))
    except csv.Error as exc:
        raise CorpusError(f"{METADATA_FILE}: malformed CSV ({exc})") from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise CorpusError(f"{METADATA_FILE}: no header row")
    header = [h.strip().lower() for h in rows[0]]
    for column in REQUIRED_COLUMNS:
        if column not in header:
            raise CorpusError(f"{METADATA_FILE}: missing required column '{column}' (header: {','.join(header)})")
    duplicated = sorted({h for h in header if header.count(h) > 1})
    if duplicated:
        raise CorpusError(f"{METADATA_FILE}: column '{duplicated[0]}' appears more than once")
    records = []
    for line_no, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise CorpusError(
                f"{METADATA_FILE}: malformed row {line_no}: {len(row)} fields, header has {len(header)}"
            )
        records.append({h: cell.strip() for h, cell in zip(header, row)})
    if not records:
        raise CorpusError(f"{METADATA_FILE}: no essays listed")
    return records


def _check_listing(directory: Path, records: list[dict[str, str]]) -> None:
    seen: dict[str, int] = {}
    for line_no, record in enumerate(records, start=2):
        name = record["file"]
        if not name:
            raise CorpusError(f"{METADATA_FILE}: row {line_no} has a blank 'file'")
        if Path(name).name != name:
            raise CorpusError(f"{METADATA_FILE}: row {line_no}: file '{name}' must be a plain file name")
        if not record["author"]:
            raise CorpusError(f"{METADATA_FILE}: blank 'author' for {name} (row {line_no})")
        if name in seen:
            raise CorpusError(f"{METADATA_FILE}: {name} is listed twice (rows {seen[name]} and {line_no})")
        seen[name] = line_no
        if not (directory / name).is_file():
            raise CorpusError(f"{name}: listed in {METADATA_FILE} but missing from {directory}")
    unlisted = sorted(
        p.name for p in directory.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.name != METADATA_FILE and p.name not in seen
    )
    if unlisted:
        raise CorpusError(f"{unlisted[0]}: in {directory} but not listed in {METADATA_FILE}")


def _build_essay(path: Path, record: dict[str, str]) -> Essay:
    raw = read_text_file(path)
    title = record.get("title", "")
    author = record["author"]
    blocks = split_paragraphs(raw)
    front, body_blocks, back = separate_matter(blocks, title=title, author=author)
    paragraphs: list[str] = []
    headings: list[tuple[int, str]] = []
    for block in body_blocks:
        if is_heading(block) or is_short_heading(block):
            headings.append((len(paragraphs), block))
        else:
            paragraphs.append(block)
    if not paragraphs:
        raise CorpusError(f"{path.name}: no body text left after removing front and back matter")
    if not title:
        title = next((m.text for m in front if m.kind == "title"), "")
    return Essay(
        id=Path(path.name).stem, file=path.name, author=author, title=title,
        venue=record.get("venue", ""), date=record.get("date", ""), url=record.get("url", ""),
        notes=record.get("notes", ""), paragraphs=tuple(paragraphs), headings=tuple(headings),
        front_matter=tuple(front), back_matter=tuple(back), raw=raw,
    )


def load_corpus(directory: str | os.PathLike[str] | None = None) -> Corpus:
    """Load every essay listed in ``metadata.csv`` (default folder: ``ESSAYS_DIR`` or ``seeds/``).

    Raises :class:`essaylab.CorpusError` with a one-line message naming the
    file or column for any problem with the folder, the metadata or a file.

    >>> corpus = load_corpus()
    >>> len(corpus) >= 1 and all(e.author for e in corpus)
    True
    """
    folder = essays_dir(directory)
    if not folder.is_dir():
        raise CorpusError(f"{folder}: essays folder does not exist")
    records = _read_metadata(folder)
    _check_listing(folder, records)
    return Corpus([_build_essay(folder / r["file"], r) for r in records], directory=folder)
