"""Separate an essay's body from its front and back matter.

Publishers wrap essays in material the author did not write as part of the
argument: titles and subtitles, image credits, bylines, author bios, social
handles, disclaimers. None of it may reach an analysis, but it is kept on the
essay so a reader can see what was removed and why.

The rules are general (patterns of such material), not per file:

* front matter, scanned from the top: image/photo credits, a title line (it
  matches the metadata title, or is a short line without final punctuation),
  a one-sentence subtitle right after a title, bylines and datelines;
* back matter, looked for in the last few paragraphs: an author bio
  ("<Name> is the founder of…", "<Name> is research professor at…"), social
  handles, disclaimers and publisher boilerplate. From the first such
  paragraph to the end, everything is back matter, provided what follows it is
  matter too or a short third-person continuation of the bio ("He has two
  decades of experience…").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import fold_accents, split_sentences

__all__ = ["Matter", "separate_matter", "matter_kind"]


@dataclass(frozen=True)
class Matter:
    """One paragraph of front or back matter and the rule that recognised it."""

    kind: str
    text: str


_CREDIT = re.compile(
    r"^(?:(?:featured |header |cover |lead )?(?:image|photo|photograph|picture|illustration|graphic)s?"
    r"(?:\s+(?:source|credit|courtesy|by))?|source|credits?)\s*[:\-\u2013\u2014]",
    re.IGNORECASE,
)
_CREDIT_ANYWHERE = re.compile(r"\b(?:getty images|ap photo|reuters/|afp via|shutterstock)\b", re.IGNORECASE)
_BYLINE = re.compile(r"^(?:[Bb]y|BY)\s+[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){0,4}(?:\s*(?:,|and)\s*.*)?$")
_DATELINE = re.compile(
    r"^(?:(?:published|updated|posted)\s*:?\s*)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s*)?"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}\.?$",
    re.IGNORECASE,
)
_HANDLE = re.compile(
    r"(?:\b(?:twitter|x|instagram|linkedin|bluesky|threads|mastodon|follow(?: \w+)? on \w+)\s*:\s*@?\w+"
    r"|(?:^|\s)@[A-Za-z0-9_]{2,}\b)",
    re.IGNORECASE,
)
_DISCLAIMER = re.compile(
    r"\b(?:views|opinions)\b[^.]{0,60}\bexpressed\b|\bdo(?:es)? not (?:necessarily )?(?:reflect|represent)\b"
    r"|\bdoes not constitute an endorsement\b|\ball rights reserved\b|\u00a9|\bcopyright\b"
    r"|\btakes pride in serving\b|\bthis (?:article|essay|piece|commentary) (?:was|is|first) (?:originally )?"
    r"(?:published|appeared|adapted|translated)\b|\bsubscribe to\b|\bsign up for\b|\bread more\b",
    re.IGNORECASE,
)
# Literal words one of which every _DISCLAIMER match contains: a cheap test that spares most
# paragraphs the (slow, case-insensitive, many-branched) regex.
_DISCLAIMER_WORDS = ("expressed", "not reflect", "not represent", "not necessarily", "endorsement",
                     "rights reserved", "\u00a9", "copyright", "takes pride in serving", "this article",
                     "this essay", "this piece", "this commentary", "subscribe to", "sign up for", "read more")
# "<Name> is the founder of", "<Name> is research professor at", "<Name> serves as".
_NAME = r"(?:Dr\.\s+)?(?:[A-Z][\w'\u2019.-]*\.?\s+){1,4}[A-Z][\w'\u2019-]+"
_BIO_START = re.compile(rf"^{_NAME},?\s+(?:is|was|serves as|has served as|has been|previously served|teaches|directs|leads|heads)\b")
_ROLE = re.compile(
    r"\b(?:founder|co-founder|director|professor|fellow|analyst|editor|author|researcher|president|"
    r"chair|partner|head|lecturer|journalist|correspondent|scholar|adviser|advisor|consultant|ceo|"
    r"senior|associate|research|columnist|contributor|student|candidate|ambassador|officer|manager|"
    r"expert|specialist|economist|writer)\b",
    re.IGNORECASE,
)
_CONTINUATION = re.compile(r"^(?:He|She|They|His|Her|Their)\b")
_BACK_WINDOW = 4


def _same_title(line: str, title: str) -> bool:
    def key(s: str) -> str:
        return re.sub(r"[^a-z0-9]+", " ", fold_accents(s).lower()).strip()

    return bool(title) and len(line) <= 2 * len(title) + 20 and key(line) == key(title)


def matter_kind(paragraph: str, author: str = "") -> str | None:
    """The kind of matter a paragraph is (``credit``, ``bio``, ``handle``, ``disclaimer``, ``byline``, ``dateline``), or None.

    Titles and subtitles depend on position and are found by :func:`separate_matter`.

    >>> matter_kind("Image Source: CNN Español.")
    'credit'
    >>> matter_kind("James Bosworth is the founder of Hxagon, a firm that does political risk analysis.")
    'bio'
    >>> matter_kind("By Jane Q. Doe and Luis Ortega")
    'byline'
    >>> matter_kind("Twitter: @RyanBergPhD")
    'handle'
    >>> matter_kind("Mexico is both blessed and cursed by its proximity to its northern neighbor.") is None
    True
    """
    text = paragraph.strip()
    words = len(text.split())
    if words <= 25 and (_CREDIT.match(text) or _CREDIT_ANYWHERE.search(text)):
        return "credit"
    if words <= 12 and _BYLINE.match(text):
        return "byline"
    if words <= 8 and _DATELINE.match(text):
        return "dateline"
    is_bio = words <= 150 and bool(_BIO_START.match(text)) and bool(_ROLE.search(" ".join(text.split()[:25])))
    if not is_bio and author:
        name = fold_accents(author).lower() + " "
        is_bio = fold_accents(text[:len(name) + 8]).lower().startswith(name)
    if is_bio and words <= 150:
        return "bio"
    if words <= 20 and _HANDLE.search(text):
        return "handle"
    if words <= 150 and _is_disclaimer(text):
        return "disclaimer"
    return None


def _is_disclaimer(text: str) -> bool:
    lowered = " ".join(text.lower().split())
    return any(word in lowered for word in _DISCLAIMER_WORDS) and bool(_DISCLAIMER.search(text))


def separate_matter(
    paragraphs: list[str], *, title: str = "", author: str = ""
) -> tuple[list[Matter], list[str], list[Matter]]:
    """Split paragraphs into ``(front_matter, body, back_matter)``.

    >>> front, body, back = separate_matter(
    ...     ["Image Source: AP.", "A Title Without a Period", "A one-sentence subtitle.",
    ...      "The body starts here. It goes on.", "And ends here.",
    ...      "Jane Roe is a senior fellow at the Institute. Twitter: @janeroe"])
    >>> [m.kind for m in front], body, [m.kind for m in back]
    (['credit', 'title', 'subtitle'], ['The body starts here. It goes on.', 'And ends here.'], ['bio'])
    """
    paragraphs = [p for p in paragraphs if p.strip()]
    front: list[Matter] = []
    i = 0
    seen_title = False
    while i < len(paragraphs):
        p = paragraphs[i]
        kind = matter_kind(p, author)
        if kind in {"credit", "byline", "dateline", "handle"}:
            front.append(Matter(kind, p))
        elif not seen_title and (_same_title(p, title) or _title_like(p)):
            front.append(Matter("title", p))
            seen_title = True
        elif seen_title and front[-1].kind == "title" and _subtitle_like(p) and i + 2 < len(paragraphs):
            front.append(Matter("subtitle", p))
        else:
            break
        i += 1

    rest = paragraphs[i:]
    cut = len(rest)
    window = range(max(0, len(rest) - _BACK_WINDOW), len(rest))
    kinds = {j: matter_kind(rest[j], author) for j in window}
    for j in window:
        if kinds[j] is None:
            continue
        if all(kinds[t] is not None or (_CONTINUATION.match(rest[t]) and len(rest[t].split()) <= 80)
               for t in range(j + 1, len(rest))):
            cut = j
            break
    back = [Matter(kinds[j] or "bio", rest[j]) for j in range(cut, len(rest))]
    return front, rest[:cut], back


def _title_like(paragraph: str) -> bool:
    """A short line that does not end like a sentence ("A Reset for America and Mexico?" does)."""
    text = paragraph.strip()
    return len(text.split()) <= 20 and not re.search(r"""[.!:;,]["'\u201d\u2019)]*$""", text)


def _subtitle_like(paragraph: str) -> bool:
    return len(paragraph.split()) <= 40 and len(split_sentences(paragraph)) == 1
