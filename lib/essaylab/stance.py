"""Target-aware, explainable stance detection: FAVOR / AGAINST / NONE per sentence and target.

Sentiment is not stance. "López Obrador's policies have violated the USMCA" is
negative in tone, against AMLO and *for* the USMCA. So instead of scoring a
sentence's tone, each cue is tied to the targets it is about, by position in
the clause:

* **prescriptive**: a recommendation marker ("should", "must", "it is
  imperative … to") followed by a support verb ("shore up", "strengthen")
  favours the targets in the verb's object; followed by a harm verb
  ("dropping", "end", "avoid") it opposes them. Each further harm word between
  the verb and the target flips the sign ("avoid … a breakdown in cooperation"
  favours cooperation). The verb's object stops at a coordinated clause with
  its own subject ("should keep agents at arm's length, and an American
  missile … would be"). A modal marker followed by the target itself
  ("should be deported", "should not be deporting", "must never again send
  troops") favours it, or opposes it when negated; not in a question.
* **evaluative harm verbs** ("violated", "hamstrung", "undermined"): the agent
  (a target named before the verb) is opposed; the object (named after it) is
  presented as something damaged, a weaker favour.
* **words of judgement** ("misguided", "a mistake", "vital") evaluate the
  clause's topic: a target named before them in the same clause, or right
  after them ("the specter of U.S. action").
* **obstacles** ("in spite of López Obrador's policies") oppose the target after them.
* **negation** within three words flips a cue; **reporting verbs** ("Trump
  has pledged to …") stop cues after them from counting toward the reporter;
  cues in a subordinate clause ("although", "if", "while") count half.

The cue words are in ``data/stance_lexicon.toml`` and the targets in
``data/targets.toml``; both can be edited. Every label carries the list of
cues that produced it, so any result can be traced to words in the sentence.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from .corpus import Corpus
from .text import fold_accents, normalize_text

__all__ = [
    "LABELS",
    "Target",
    "Mention",
    "StanceCall",
    "load_targets",
    "find_mentions",
    "classify_sentence",
    "stance_evidence",
    "aggregate_stance",
    "cell_threshold",
    "vader_label",
    "macro_f1",
    "evaluate",
    "read_labels",
    "join_labels",
    "validate",
    "compare_positions",
    "coder_agreement",
    "pair_features",
    "SYSTEMS",
]

LABELS = ("favor", "against", "none")
THRESHOLD = 0.5  # |score| needed for favor/against
MIN_VALENCE = 1.5  # VADER words weaker than this are not used as judgements
TONE_FALLBACK: float | None = 0.3  # |VADER compound| of a target's clause that labels it when no cue applies


# ---------------------------------------------------------------------------
# Targets and mentions
# ---------------------------------------------------------------------------


def _prepare(text: str) -> str:
    """Lowercase, accent-fold, straight quotes; one char per input char (offsets carry over)."""
    folded = fold_accents(normalize_text(text)).lower()
    return folded if len(folded) == len(text) else fold_accents(normalize_text(text)).lower()


def _phrase_body(phrase: str) -> str:
    body = re.escape(fold_accents(normalize_text(phrase)).lower())
    if body.endswith(r"\*"):
        body = body[:-2] + r"[\w-]*"
    return body


def _literal_hints(regex: str) -> tuple[str, ...] | None:
    """Strings one of which every match of ``regex`` contains, or None if unsure.

    The leading literal after an optional ``\\b``, or each branch of a leading group
    of plain alternatives (``(?:deploy|send)``); None with a top-level ``|``.

    >>> _literal_hints(r"\\bdeport\\w*"), _literal_hints(r"\\bremovals?\\b")
    (('deport',), ('removal',))
    >>> _literal_hints(r"\\b(?:deploy|send)\\w* troops"), _literal_hints(r"\\b(?:a|b)?c"), _literal_hints("x|y")
    (('deploy', 'send'), None, None)
    """
    depth, in_class, escaped = 0, False, False
    for ch in regex:  # a top-level alternation means no single literal is required
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return None
    rest = regex[2:] if regex.startswith("\\b") else regex
    group = re.match(r"\(\?:((?:[a-z0-9 ']|\\[.'-])+(?:\|(?:[a-z0-9 ']|\\[.'-])+)*)\)(?![?*{])", rest)
    if group:
        branches = tuple(b.replace("\\", "") for b in group.group(1).split("|"))
        return branches if all(len(b) >= 3 for b in branches) else None
    literal, i = [], 0
    while i < len(rest):
        ch = rest[i]
        if ch.isalnum() or ch in " '":
            literal.append(ch)
            i += 1
        elif ch == "\\" and i + 1 < len(rest) and rest[i + 1] in ".-'":
            literal.append(rest[i + 1])
            i += 2
        else:
            break
    if i < len(rest) and rest[i] in "?*{" and literal:
        literal.pop()  # the last character is optional
    hint = "".join(literal)
    return (hint,) if len(hint) >= 3 else None


class _Phrases:
    """A compiled phrase regex that skips texts containing none of the literals its matches need.

    Behaves like the ``re.Pattern`` it wraps (``finditer``, ``search``, ``match``,
    ``pattern``); the literal pre-test only saves time: a text without any of the
    literals cannot match, so the results are the regex's own.
    """

    def __init__(self, regex: re.Pattern, hints: tuple[str, ...] | None):
        self._regex, self._hints = regex, hints
        self.pattern = regex.pattern

    def _possible(self, text: str) -> bool:
        return self._hints is None or any(map(text.__contains__, self._hints))

    def finditer(self, text: str) -> Iterator[re.Match]:
        return self._regex.finditer(text) if self._possible(text) else iter(())

    def search(self, text: str) -> re.Match | None:
        return self._regex.search(text) if self._possible(text) else None

    def match(self, text: str) -> re.Match | None:
        return self._regex.match(text) if self._possible(text) else None


def _compile_phrases(phrases: Iterable[str]) -> _Phrases:
    """One regex for many phrases: plain ones share a single word-boundary check (much faster)."""
    phrases = sorted(phrases, key=len, reverse=True)  # longest phrase wins at a position
    plain = [_phrase_body(p) for p in phrases if not p.startswith("re:")]
    parts = [f"(?:{p[3:]})" for p in phrases if p.startswith("re:")]
    if plain:
        parts.append(rf"(?<!\w)(?:{'|'.join(plain)})(?!\w)")
    hints = [(fold_accents(normalize_text(p)).lower().rstrip("*"),) if not p.startswith("re:")
             else _literal_hints(p[3:]) for p in phrases]
    usable = None if any(h is None or not all(h) for h in hints) else tuple(dict.fromkeys(x for h in hints for x in h))
    return _Phrases(re.compile("|".join(parts) if parts else r"(?!x)x"), usable)


@dataclass(frozen=True)
class Target:
    """A stance target from ``targets.toml``."""

    id: str
    name: str
    about: str
    pattern: _Phrases = field(repr=False, compare=False)
    opposite: _Phrases | None = field(default=None, repr=False, compare=False)
    pronouns: tuple[str, ...] = ()
    offices: tuple[tuple[str, str, str], ...] = ()  # (office name, start ISO date, end ISO date) per term
    references: _Phrases | None = field(default=None, repr=False, compare=False)

    def offices_held(self, when: date) -> tuple[str, ...]:
        """The names of the offices this person held on ``when`` (its terms that include the date), in term order."""
        return tuple(dict.fromkeys(name for name, start, end in self.offices
                                   if _parse_date(start) <= when <= _parse_date(end)))


@dataclass(frozen=True)
class _Office:
    """Patterns naming an office holder, and the words that rule a match out."""

    pattern: _Phrases
    not_after: tuple[str, ...] = ()
    not_before: tuple[str, ...] = ()

    def finditer(self, text: str) -> Iterator[re.Match]:
        for match in self.pattern.finditer(text):
            before = text[:match.start()].split()[-1:]
            if before and before[0] in self.not_after:
                continue
            if any(text.startswith(s, match.end()) for s in self.not_before):
                continue
            yield match


@dataclass(frozen=True)
class _Title(_Office):
    """A generic title ("the president") and the offices whose holders it may refer to."""

    offices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    """Where a sentence refers to a target, and how (``name``, ``office``, ``title``, ``reference``, ``pronoun``,
    ``anaphor`` or ``opposite``; ``implicit`` for a target given by the caller)."""

    target: str
    start: int
    end: int
    via: str


@lru_cache(maxsize=8)
def _load_toml(path: str | None, default: str) -> dict:
    if path is None:
        return tomllib.loads(resources.files("essaylab").joinpath("data", default).read_text(encoding="utf-8"))
    return tomllib.loads(Path(path).read_text(encoding="utf-8"))


def load_targets(path: str | Path | None = None) -> tuple[list[Target], dict[str, _Office]]:
    """Read targets and office patterns (default: the package's ``data/targets.toml``).

    >>> targets, offices = load_targets()
    >>> [t.id for t in targets][:3], "mexican_president" in offices
    (['amlo', 'trump', 'sheinbaum'], True)
    """
    targets, offices = _load_targets(str(path) if path else None)
    return list(targets), dict(offices)


def load_titles(path: str | Path | None = None) -> dict[str, _Title]:
    """The ``[titles]`` of the targets file: generic titles ("the president") and the offices they may name.

    >>> load_titles()["president"].offices
    ('mexican_president', 'us_president')
    """
    return dict(_load_titles(str(path) if path else None))


@lru_cache(maxsize=8)
def _load_titles(path: str | None) -> tuple[tuple[str, _Title], ...]:
    data = _load_toml(path, "targets.toml")
    return tuple(
        (name, _Title(_compile_phrases(spec["patterns"]), tuple(spec.get("not_after", ())),
                      tuple(spec.get("not_before", ())), tuple(spec.get("offices", ()))))
        for name, spec in sorted(data.get("titles", {}).items())
    )


@lru_cache(maxsize=8)
def _load_targets(path: str | None) -> tuple[tuple[Target, ...], dict[str, _Office]]:
    data = _load_toml(path, "targets.toml")
    offices = {
        name: _Office(_compile_phrases(spec["patterns"]), tuple(spec.get("not_after", ())),
                      tuple(spec.get("not_before", ())))
        for name, spec in sorted(data.get("offices", {}).items())
    }
    targets = []
    seen = set()
    for spec in data["targets"]:
        if spec["id"] in seen:
            raise ValueError(f"targets.toml: target id '{spec['id']}' appears twice")
        seen.add(spec["id"])
        office = spec.get("office", [])
        terms = [office] if isinstance(office, dict) else list(office)
        targets.append(Target(
            id=spec["id"], name=spec.get("name", spec["id"]), about=spec.get("about", ""),
            pattern=_compile_phrases(spec["aliases"]),
            opposite=(_compile_phrases(spec["opposites"])
                      if spec.get("opposites") else None),
            pronouns=tuple(p.lower() for p in spec.get("pronouns", ())),
            offices=tuple((t["name"], t["start"], t["end"]) for t in terms),
            references=_compile_phrases(spec["references"]) if spec.get("references") else None,
        ))
    return tuple(targets), offices


@lru_cache(maxsize=4096)
def _parse_date(value: str) -> date | None:
    match = re.match(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", value or "")
    if not match:
        return None
    year, month, day = (int(g) if g else 1 for g in match.groups())
    return date(year, month, day)


_PRONOUN = re.compile(r"\b(he|she|his|her|him)\b")
# A sentence that opens with a personal pronoun ("He also starved …", "But her government …").
_OPENING_PRONOUN = re.compile(
    r"^(?:(?:but|and|yet|still|so|now|then|today|instead|indeed|worse|again|meanwhile|in fact|of course|"
    r"to be fair),?\s+)?(he|she|his|her)\b"
)
LOOKBACK = 5  # sentences an opening pronoun may reach back for its person target
TITLE_LOOKBACK = 3  # sentences a title may reach back when two office holders fit it
# "It is cruel.", "But that would be a mistake.", "This was overdue.": a demonstrative or "it" as the subject.
_ANAPHOR = re.compile(
    r"^(?:(?:but|and|yet|still|so|indeed|in short|in fact|worse|instead|of course),?\s+)?(it|this|that)\s+"
    r"(?:is|was|would|will|has|had|could|can|may|might|must|should|does|did|means|meant|seems|seemed|remains|"
    r"remained|sounds|looks|proved|proves|makes|made|amounts|works|worked|helps|helped|hurts|hurt)\b"
)


def find_mentions(
    sentence: str,
    targets: Sequence[Target],
    offices: dict | None = None,
    essay_date: str = "",
    previous: Iterable[str] = (),
    prepared: str | None = None,
    named_before: Iterable[str] = (),
    titles: dict | None = None,
    earlier: Sequence[Iterable[str]] = (),
) -> list[Mention]:
    """Mentions of targets in a sentence: by name or alias, by office, by reference, or by a pronoun.

    * an office reference ("the Mexican president") resolves to the target that
      held the office on the essay's date;
    * in a sentence that names no person target, the first personal pronoun
      ("He has eroded …", "… under his watch") resolves to the one person target
      of the previous sentence (``previous``: its target ids) whose pronouns
      include it; with two candidates, or none, nothing is resolved;
    * ``earlier`` lists the person targets of each earlier sentence of the essay,
      oldest first. In a sentence that still names no person target, a generic
      title (``titles``: "the president") resolves to a person target who holds
      one of the title's offices on the essay's date and was named earlier: the
      holder named most recently, or, when two holders fit and the sentence has no
      pronoun to tell them apart, the one named in the last ``TITLE_LOOKBACK``
      sentences (none when both are). Then a sentence that opens with a personal
      pronoun ("He also starved …", "But her government …") resolves it to the
      person target with that pronoun in the most recent of the last ``LOOKBACK``
      sentences that has one, across paragraphs, when exactly one fits there;
    * a target's ``references`` ("the accord" for the USMCA) count once the
      essay has named the target in an earlier sentence (``named_before``);
    * a sentence that opens with "It", "This" or "That" as its subject ("It is
      cruel", "That was a mistake") refers back to the one target of the
      previous sentence (``previous``), when there is exactly one ("It" only
      to a target that is not a person) and the sentence does not name it.

    >>> targets, offices = load_targets()
    >>> [(m.target, m.via) for m in find_mentions("López Obrador's policies have violated the USMCA.", targets)]
    [('amlo', 'name'), ('usmca', 'name')]
    >>> [(m.target, m.via) for m in find_mentions("The Mexican president disagreed.", targets, offices, "2023-09")]
    [('amlo', 'office')]
    >>> [(m.target, m.via) for m in find_mentions("He ended it.", targets, offices, "2024-05", previous=["amlo", "usmca"])]
    [('amlo', 'pronoun')]
    >>> titles = load_titles()
    >>> [(m.target, m.via) for m in find_mentions("The president was right.", targets, offices, "2025-05",
    ...                                            titles=titles, earlier=[["trump"], ["sheinbaum"], []])]
    [('sheinbaum', 'title')]
    >>> [(m.target, m.via) for m in find_mentions("She also starved the regulators.", targets, offices, "2025-05",
    ...                                            earlier=[["sheinbaum"], [], []])]
    [('sheinbaum', 'pronoun')]
    >>> [(m.target, m.via) for m in find_mentions("Mexico should defend the accord.", targets, named_before=["usmca"])]
    [('usmca', 'reference')]
    >>> [(m.target, m.via) for m in find_mentions("It is cruel.", targets, previous=["deportation"])]
    [('deportation', 'anaphor')]
    """
    text = prepared if prepared is not None else _prepare(sentence)
    mentions: list[Mention] = []
    for target in targets:
        for match in target.pattern.finditer(text):
            mentions.append(Mention(target.id, match.start(), match.end(), "name"))
        if target.opposite is not None:
            for match in target.opposite.finditer(text):
                mentions.append(Mention(target.id, match.start(), match.end(), "opposite"))
    when = _parse_date(essay_date)
    if offices and when:
        for target in targets:
            for name in target.offices_held(when):
                if name not in offices:
                    continue
                for match in offices[name].finditer(text):
                    if not any(m.start <= match.start() < m.end or match.start() <= m.start < match.end()
                               for m in mentions):
                        mentions.append(Mention(target.id, match.start(), match.end(), "office"))
    named_before = set(named_before)
    for target in targets:
        if target.references is None or target.id not in named_before:
            continue
        for match in target.references.finditer(text):
            if not any(m.start < match.end() and match.start() < m.end for m in mentions):
                mentions.append(Mention(target.id, match.start(), match.end(), "reference"))
    people = {t.id for t in targets if t.pronouns}
    previous = list(dict.fromkeys(previous))
    opening = _ANAPHOR.match(text)
    if opening and len(previous) == 1 and previous[0] not in {m.target for m in mentions} \
            and not (opening.group(1) == "it" and previous[0] in people):
        mentions.append(Mention(previous[0], opening.start(1), opening.end(1), "anaphor"))
    if not people & {m.target for m in mentions}:
        previous = set(previous)
        for pronoun in _PRONOUN.finditer(text):
            candidates = [t for t in targets if t.id in previous and pronoun.group(1) in t.pronouns]
            if len(candidates) == 1:
                mentions.append(Mention(candidates[0].id, pronoun.start(1), pronoun.end(1), "pronoun"))
                break
    earlier = [set(ids) for ids in earlier]
    if titles and when and earlier and not people & {m.target for m in mentions}:
        mentions.extend(_title_mentions(text, targets, titles, when, earlier))
    opening = _OPENING_PRONOUN.match(text)
    if opening and earlier and not people & {m.target for m in mentions}:
        for ids in reversed(earlier[-LOOKBACK:]):
            candidates = [t for t in targets if t.id in ids and opening.group(1) in t.pronouns]
            if candidates:
                if len(candidates) == 1:
                    mentions.append(Mention(candidates[0].id, opening.start(1), opening.end(1), "pronoun"))
                break
    return sorted(mentions, key=lambda m: (m.start, m.target))


def _title_mentions(text: str, targets: Sequence[Target], titles: dict, when: date,
                    earlier: list[set[str]]) -> list[Mention]:
    """The first generic title of ``text`` that resolves (see :func:`find_mentions`), as a one-item list."""
    pronouns = set(_PRONOUN.findall(text))
    for title in titles.values():
        holders = [t for t in targets if set(t.offices_held(when)) & set(title.offices)]
        if pronouns:
            holders = [t for t in holders if pronouns & set(t.pronouns)]
        if not holders:
            continue
        window = earlier[-TITLE_LOOKBACK:] if len(holders) > 1 and not pronouns else earlier
        for match in title.finditer(text):
            for ids in reversed(window):
                found = [t for t in holders if t.id in ids]
                if found:
                    return [Mention(found[0].id, match.start(), match.end(), "title")] if len(found) == 1 else []
            return []
    return []


# ---------------------------------------------------------------------------
# Cues
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Lexicon:
    patterns: dict[str, _Phrases]


@lru_cache(maxsize=4)
def _lexicon(path: str | None = None) -> _Lexicon:
    data = _load_toml(path, "stance_lexicon.toml")
    patterns = {kind: _compile_phrases(phrases) for kind, phrases in data.items()}
    return _Lexicon(patterns)


_WORD = re.compile(r"[\w][\w.'-]*")
_CLAUSE_BREAK = re.compile(
    r"[;:\u2014\u2013]|\s--\s|,\s+(?:but|yet|while|whereas|although|though)\b"
    r"|\b(?:as long as|because|unless|so that|in order to)\b"
)
# ", and an American missile ... would be": a coordinated clause with its own subject (a determiner or pronoun,
# then a finite verb within a few words). A prescribed verb's object does not reach past it.
_NEW_SUBJECT = re.compile(
    r",\s+(?:and|or|and yet)\s+(?:a|an|the|this|that|these|those|its|their|his|her|our|my|your|every|each|"
    r"any|no|he|she|it|they|we|i|you)\s+(?:[\w'-]+\s+){0,5}?(?:would|will|is|are|was|were|could|can|has|have|had|"
    r"must|should|might|may|does|did)\b"
)
# Right after a prescriptive marker, the target itself as what is (not) to be done: "should not be deporting
# their victims", "should never again send troops". Adverbs may come between; a negator flips the sign.
_MODAL = re.compile(r"(?:should|must|\bto)$")  # the markers after which a verb follows
_PRESCRIBED = re.compile(
    r"^\s+(?:(?:also|simply|now|instead|then|finally|again|still|ever|all)\s+)*"
    r"(?P<neg>(?:not|never|no longer)\s+)?(?:(?:also|simply|now|ever|again|be)\s+)*$"
)
_COPULA = re.compile(
    r"\b(?:is|are|was|were|be|been|being|seems?|seemed|remains?|remained|proved|proves|appears?|looks?)"
    r"(?:\s+(?:a|an|the|not|also|equally|very|so|too|particularly|deeply|highly|truly|largely|simply|all|both))*\s*$"
)
_FUNCTION_NEXT = re.compile(
    r"^\s*(?:$|[,.;:!?)\u2014\u2013\"']|(?:of|to|for|on|in|with|by|as|than|and|or|but|that|which|at|from|about|"
    r"against|toward|towards|because|if|when|while|since)\b)"
)
_COMPLEMENT_NEXT = re.compile(r"^\s+(?:that|to)\b", re.IGNORECASE)  # a verb taking a clause
_PREPOSITION_NEXT = re.compile(r"^\s*(?:of|to|on|for|toward|towards|against|with|by|in|about|under)\b")
_DEMONSTRATIVE = re.compile(r"^\s*(?:this|that|these|those|such|it)\b")


@dataclass(frozen=True)
class StanceCall:
    """The label for one target in one sentence, its score and the cues behind it."""

    target: str
    label: str
    score: float
    cues: tuple[str, ...]
    basis: str = ""  # "cue" (a structural cue decided), "tone" (the tone fallback decided) or "" (none)


def _clauses(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _CLAUSE_BREAK.finditer(text):
        spans.append((start, match.start()))
        start = match.start() + (1 if match.group().startswith(",") else len(match.group()))
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if b > a]


def _words_between(text: str, start: int, end: int) -> int:
    return len(_WORD.findall(text[start:end])) if end > start else 0


def _direction(value: float) -> str:
    return "favor" if value > 0 else "against"


class _Found(dict):
    """Cue matches by kind, scanned lazily: most sentences never need most kinds."""

    def __init__(self, lexicon: dict[str, re.Pattern], text: str):
        super().__init__()
        self._lexicon, self._text = lexicon, text

    def __missing__(self, kind: str) -> list[tuple[int, int, str]]:
        pattern = self._lexicon.get(kind)
        value = [] if pattern is None else [(m.start(), m.end(), m.group()) for m in pattern.finditer(self._text)]
        self[kind] = value
        return value


def classify_sentence(
    sentence: str, mentions: Sequence[Mention], lexicon_path: str | None = None, prepared: str | None = None
) -> dict[str, StanceCall]:
    """Label every mentioned target in one sentence: FAVOR, AGAINST or NONE, with the cues used.

    >>> targets, _ = load_targets()
    >>> s = "López Obrador's policies have violated the USMCA."
    >>> calls = classify_sentence(s, find_mentions(s, targets))
    >>> calls["amlo"].label, calls["usmca"].label
    ('against', 'favor')
    >>> s = "Washington should work to shore up the USMCA."
    >>> classify_sentence(s, find_mentions(s, targets))["usmca"].cues
    ("prescriptive 'should' + support 'shore up' -> favor",)
    """
    if not mentions:
        return {}
    lex = _lexicon(lexicon_path).patterns
    text = prepared if prepared is not None else _prepare(sentence)
    found = _Found(lex, text)
    scores: dict[str, float] = {m.target: 0.0 for m in mentions}
    cues: dict[str, list[str]] = {m.target: [] for m in mentions}
    reported_targets: set[str] = set()
    mention_spans = [(m.start, m.end) for m in mentions if m.end > m.start]

    def add(mention: Mention, value: float, reason: str) -> None:
        if mention.via == "opposite":
            value, reason = -value, f"{reason} (said of its opposite) -> {_direction(-value)}"
        else:
            reason = f"{reason} -> {_direction(value)}"
        scores[mention.target] += value
        cues[mention.target].append(reason)

    def is_mention(start: int, end: int) -> bool:
        """A cue word that is part of a target's name ("support" in a name) is no cue."""
        return any(a <= start and end <= b for a, b in mention_spans)

    def negated(start: int, clause_start: int) -> bool:
        window_start = max(clause_start, start - 30)
        return any(_words_between(text, window_start + m.end(), start) <= 3
                   for m in lex["negators"].finditer(text[window_start:start]))

    previous_clause: list[Mention] = []
    for c_start, c_end in _clauses(text):
        clause = text[c_start:c_end]
        weight = 0.5 if lex["concessive"].match(clause.strip()) else 1.0
        in_clause = [m for m in mentions if c_start <= m.start < c_end and m.via != "implicit"]
        # A target the sentence is known to be about without naming it (given by the caller,
        # e.g. from hand labels) is treated as the topic of every clause.
        in_clause = [Mention(m.target, c_start, c_start, "implicit") for m in mentions if m.via == "implicit"] + in_clause

        def cues_in(kind: str) -> list[tuple[int, int, str]]:
            return [c for c in found[kind] if c_start <= c[0] < c_end and not is_mention(c[0], c[1])]

        reporting = cues_in("reporting")

        def reported_by(mention: Mention, position: int) -> bool:
            # A cue after "<target> pledged/said/wants ..." is the target's content, not the author's view.
            return any(mention.end <= r0 < position for r0, _, _ in reporting)

        def in_reported_speech(mention: Mention) -> bool:
            # "Critics warn that <target> would ...": someone else's view, unless the author's own ("I argue"),
            # or the reporting verb is in a relative clause that the author's prescription follows ("a president
            # who wants to fight terrorists should not be deporting their victims").
            return any(r1 <= mention.start and not re.search(r"\b(?:i|we)\s+(?:\w+\s+)?$", text[max(c_start, r0 - 12):r0])
                       and not (re.search(r"\bwho\s+$", text[max(c_start, r0 - 5):r0])
                                and any(r1 <= p0 < mention.start for p0, _, _ in cues_in("prescriptive")))
                       for r0, r1, _ in reporting)

        for m in in_clause:
            if any(m.end <= r0 for r0, _, _ in reporting) or in_reported_speech(m):
                reported_targets.add(m.target)
        in_clause = [m for m in in_clause if not in_reported_speech(m)]

        def subject(position: int) -> list[Mention]:
            """The clause's topic for a cue at ``position``: its first target named before the cue."""
            before = [m for m in in_clause if m.end <= position and not reported_by(m, position)]
            if before:
                return [before[0]]
            if _DEMONSTRATIVE.match(clause):
                return previous_clause[:1]
            return []

        def following(position: int, max_words: int, comma_stops: bool = True,
                      preposition_stops: bool = False) -> list[Mention]:
            out = []
            for m in in_clause:
                gap = text[position:m.start]
                if m.start >= position and _words_between(text, position, m.start) <= max_words \
                        and not (comma_stops and "," in gap) \
                        and not (preposition_stops and re.search(r"\b(?:of|with|to|for|on|in|by|from|at)\b", gap)):
                    out.append(m)
            return out

        used: set[int] = set()
        used_targets: set[int] = set()
        if in_clause or _DEMONSTRATIVE.match(clause):
            # 1. Prescriptive marker + support/harm verb -> targets in the object.
            for p0, p1, marker in cues_in("prescriptive"):  # support and harm are scanned only if needed
                verbs = sorted(
                    [(v0, v1, w, +1) for v0, v1, w in cues_in("support") if v0 >= p1]
                    + [(v0, v1, w, -1) for v0, v1, w in cues_in("harm") if v0 >= p1]
                )
                if not verbs or _words_between(text, p1, verbs[0][0]) > 8:
                    continue
                for m in in_clause:
                    # The verb governing a target: the closest support verb before it ("revive it, expand …
                    # and rebuild … the DEA"), else the first verb; harm words between it and the target
                    # flip the sign ("avoid … a breakdown in cooperation", "open the grid … and stop treating Pemex").
                    before = [v for v in verbs if v[0] <= m.start]
                    if not before:
                        continue
                    supports = [v for v in before if v[3] > 0]
                    v0, v1, verb, sign = supports[-1] if supports else before[0]
                    used.add(v0)
                    if _words_between(text, v1, m.start) > 15 or any(
                            n.start() < m.start for n in _NEW_SUBJECT.finditer(text, v1, c_end)):
                        continue
                    flips = sum(1 for h0, _, _ in cues_in("harm") if v1 <= h0 < m.start)
                    value = sign * (-1) ** flips * (-1 if negated(p0, c_start) or negated(v0, c_start) else 1)
                    kind = "support" if sign > 0 else "harm"
                    add(m, value * weight,
                        f"prescriptive '{marker}' + {kind} '{verb}'{' (flipped by harm word)' if flips % 2 else ''}")
            for p0, p1, marker in cues_in("prescriptive"):
                if not _MODAL.search(marker) or clause.rstrip().endswith("?"):
                    continue  # "requires X to …" makes X an agent; "Should we …?" asks
                for m in in_clause:
                    gap = _PRESCRIBED.match(text[p1:m.start]) if m.start > p1 and m.via != "implicit" else None
                    if gap and m.start not in used_targets:
                        sign = -1 if gap.group("neg") or negated(p0, c_start) else 1
                        used_targets.add(m.start)
                        add(m, sign * weight, f"prescriptive '{marker}'{' not' if sign < 0 else ''} + the target itself")

            # 2. Evaluative harm verbs: the agent is opposed, the object is presented as damaged.
            for h0, h1, verb in cues_in("evaluative_harm"):
                if h0 in used:
                    continue
                sign = -1 if negated(h0, c_start) else 1
                agents = subject(h0)
                for agent in agents:
                    add(agent, -sign * weight, f"agent of harm verb '{verb}'")
                for m in following(h1, 6):
                    if m not in agents:
                        add(m, 0.5 * sign * weight, f"object of harm verb '{verb}'")

            # 3. Judgements. Verb phrases and adverbs evaluate the subject; words evaluate
            #    the subject when predicative ("is misguided"), a target right after them
            #    when they take a complement ("the specter of ...") or modify it ("robust cooperation"),
            #    and a possessor ("Trump's tirades").
            for kind, polarity in (("positive_predicates", 1.0), ("negative_predicates", -1.0)):
                for e0, _, word in cues_in(kind):
                    sign = polarity * (-1 if negated(e0, c_start) else 1)
                    for m in subject(e0):
                        add(m, sign * weight, f"judgement '{word}' of the subject")
            judgements = [(e0, e1, w, 1.0) for e0, e1, w in cues_in("positive")] \
                + [(e0, e1, w, -1.0) for e0, e1, w in cues_in("negative")]
            for e0, e1, word, polarity in judgements:
                    sign = polarity * (-1 if negated(e0, c_start) else 1)
                    after = text[e1:c_end]
                    # A word that is also a reporting verb and takes a clause here ("promising that hugs
                    # would beat bullets", "promising to restore order") reports, it does not judge.
                    if _COMPLEMENT_NEXT.match(after) and any(r0 == e0 for r0, _, _ in reporting):
                        continue
                    possessor = [m for m in in_clause if m.end <= e0 and re.match(r"^'s?\s", text[m.end:m.end + 3])
                                 and _words_between(text, m.end, e0) <= 2]
                    if _COPULA.search(text[max(c_start, e0 - 40):e0]):
                        targets_of, how = subject(e0), "predicative"
                        # "Abandoning the USMCA would be a disaster": the subject is harm done to the target.
                        if targets_of and any(h1 <= targets_of[0].start and _words_between(text, h1, targets_of[0].start) <= 2
                                              for _, h1, _ in cues_in("harm")):
                            sign, how = -sign, "predicative, of harm done to it"
                    elif _PREPOSITION_NEXT.match(after):
                        targets_of, how = following(e1, 3, comma_stops=False), "with complement"
                    elif not _FUNCTION_NEXT.match(after):
                        targets_of, how = following(e1, 3, preposition_stops=True), "modifying"
                    else:
                        targets_of, how = subject(e0), "of the subject"
                    if possessor and _FUNCTION_NEXT.match(after):
                        targets_of, how = possessor[-1:] + targets_of, "of the possessor"
                    for m in {x.target: x for x in targets_of}.values():
                        add(m, sign * weight, f"judgement '{word}' {how}")

            # 4. Obstacles: "in spite of <target>".
            for _, o1, word in cues_in("obstacle"):
                for m in following(o1, 3):
                    add(m, -weight, f"obstacle '{word}'")
        if in_clause:
            previous_clause = in_clause

    by_tone: set[str] = set()
    if TONE_FALLBACK is not None:
        # No cue at all for a target: the tone of the clauses that mention it decides, if it is strong
        # and the target is not merely reporting (a reporter's clause tone is not the author's view).
        clauses = _clauses(text)
        for target in scores:
            if cues[target] or target in reported_targets:
                continue
            spans = sorted({(a, b) for a, b in clauses for m in mentions
                            if m.target == target and (m.via == "implicit" or a <= m.start < b)})
            if not spans:
                continue
            tone = _tone(" ".join(sentence[a:b] for a, b in spans))
            if abs(tone) >= TONE_FALLBACK:
                # Said only of the target's opposite ("private investment in energy"): the sign flips.
                sign = -1.0 if all(m.via == "opposite" for m in mentions if m.target == target) else 1.0
                scores[target] = THRESHOLD * sign * float(np.sign(tone))
                opposite = " (said of its opposite)" if sign < 0 else ""
                cues[target].append(f"no cue; tone of its clause {tone:+.2f}{opposite} -> {_direction(sign * tone)}")
                by_tone.add(target)

    calls = {}
    for target, value in scores.items():
        label = "favor" if value >= THRESHOLD else "against" if value <= -THRESHOLD else "none"
        basis = "" if label == "none" else "tone" if target in by_tone else "cue"
        calls[target] = StanceCall(target, label, float(np.clip(value / 2, -1, 1)), tuple(cues[target]), basis)
    return calls


# ---------------------------------------------------------------------------
# Corpus level
# ---------------------------------------------------------------------------


_EVIDENCE_COLUMNS = ["essay", "author", "paragraph", "sentence_index", "sentence", "target", "via", "label",
                     "score", "basis", "cues", "context", "tone"]


def _essay_rows(records: Sequence[tuple[int, int, str]], essay_date: str,
                targets_path: str | None) -> list[tuple]:
    """Evidence rows (without essay and author) for one essay's sentence records."""
    targets, offices = load_targets(targets_path)
    titles = load_titles(targets_path)
    people = {t.id for t in targets if t.pronouns}
    earlier: list[list[str]] = []  # the person targets of each earlier sentence
    rows = []
    previous: list[str] = []
    named: set[str] = set()  # targets the essay has named so far (their references count from then on)
    last_paragraph = -1
    for paragraph, index, sentence in records:
        if paragraph != last_paragraph:
            previous, last_paragraph = [], paragraph
        prepared = _prepare(sentence)
        mentions = find_mentions(sentence, targets, offices, essay_date, previous, prepared, named, titles, earlier)
        earlier.append([m.target for m in mentions if m.target in people and m.via != "opposite"])
        named.update(m.target for m in mentions if m.via == "name")
        calls = classify_sentence(sentence, mentions, prepared=prepared)
        via: dict[str, str] = {}
        for m in mentions:
            via.setdefault(m.target, m.via)
        for target_id in sorted(calls):
            call = calls[target_id]
            context, tone = pair_features(sentence, mentions, target_id, prepared)
            rows.append((paragraph, index, sentence, target_id, via[target_id], call.label, call.score, call.basis,
                         "; ".join(call.cues), context, tone))
        previous = [m.target for m in mentions if m.via != "opposite"]
    return rows


def _evidence_key(essay, targets_path: str | None) -> str:
    from . import cache

    targets = Path(targets_path).read_text(encoding="utf-8") if targets_path else ""
    return cache.key("stance", targets, essay.date, essay.text)


def _essay_rows_job(args: tuple) -> list[tuple]:
    return _essay_rows(*args)


def stance_evidence(corpus: Corpus, targets_path: str | Path | None = None, workers: int = 1) -> pd.DataFrame:
    """One row per (sentence, mentioned target) across the corpus, with label, score and cues.

    Columns: ``essay, author, paragraph, sentence_index, sentence, target, via,
    label, score, basis, cues, context, tone`` (``cues`` joined with ``; ``;
    ``context`` and ``tone`` from :func:`pair_features`). Each essay's rows
    are cached on disk (see :mod:`essaylab.cache`), keyed by its text, date, the
    targets and the library code; ``workers`` > 1 labels uncached essays in
    parallel processes.
    """
    from . import cache

    path = str(targets_path) if targets_path else None
    essays = list(corpus)
    keys = [_evidence_key(e, path) for e in essays]
    per_essay: list[list[tuple] | None] = [cache.load(k) for k in keys]
    missing = [i for i, rows in enumerate(per_essay) if rows is None]
    jobs = [(essays[i].sentence_records, essays[i].date, path) for i in missing]
    if workers > 1 and len(jobs) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers) as pool:
            computed = list(pool.map(_essay_rows_job, jobs, chunksize=max(1, len(jobs) // (8 * workers))))
    else:
        computed = [_essay_rows_job(job) for job in jobs]
    for i, rows in zip(missing, computed):
        per_essay[i] = rows
        cache.store(keys[i], rows)
    frame = pd.DataFrame(
        [(e.id, e.author, *row) for e, rows in zip(essays, per_essay) for row in rows], columns=_EVIDENCE_COLUMNS
    )
    return frame


_EXACT_BOOT_VALUES = 100  # cells with more distinct sentence values use the bootstrap's normal approximation


def cell_threshold(n_sentences, min_stance: float, min_total: float = 0.0):
    """The |score| a cell of ``n_sentences`` needs to be labelled favor or against (:func:`aggregate_stance`):
    ``min_stance``, or ``min_total / n_sentences`` when that is larger, so a small cell needs a clear mean and a
    large one a steady lean. ``n_sentences`` may be a number or an array (one threshold per cell).

    >>> float(cell_threshold(2, 0.08, 0.4)), float(cell_threshold(5, 0.08, 0.4)), float(cell_threshold(10, 0.08, 0.4))
    (0.2, 0.08, 0.08)
    """
    return np.maximum(min_stance, min_total / np.asarray(n_sentences, dtype=float))


def aggregate_stance(
    evidence: pd.DataFrame,
    targets: Sequence[str],
    authors: Sequence[str],
    min_sentences: int = 3,
    min_stance: float = 0.15,
    n_boot: int = 1000,
    seed: int = 0,
    tone_weight: float = 0.25,
    model_weight: float = 0.5,
    value: str = "label",
    min_total: float = 0.0,
) -> pd.DataFrame:
    """Author x target stance with a bootstrap confidence.

    With ``value="label"``, ``score`` = (favor - against) / sentences mentioning the target, in [-1, 1],
    where a sentence labelled by the tone fallback alone (``basis`` "tone")
    counts ``tone_weight`` instead of 1: tone is weak evidence of stance. With
    ``value="score"``, ``score`` is the mean of the sentences' own ``score``
    column instead (for the learned method, P(favor) - P(against) where the
    model labelled, the rules' score where a cue decided): a sentence counts by
    how sure its label is, and a sentence labelled NONE still counts its lean.
    ``label``: ``insufficient`` with fewer than ``min_sentences`` sentences,
    else ``favor`` / ``against`` when the score is at least ``min_stance`` away
    from zero and the cell's summed values (score x sentences) at least
    ``min_total``, else ``neutral``: with ``min_total`` a small cell needs a
    clear mean and a large one a steady lean (0.4 with ``min_stance`` 0.08: a
    mean of 0.2 over two sentences, 0.08 over five or more). Resampling the cell's sentences ``n_boot``
    times gives a 90% interval (``ci_low``, ``ci_high``) and ``agreement``, the
    share of resamples that give the same label (a cell of more than 100
    distinct sentence values, as sentence scores of a large corpus give, draws
    from the bootstrap's normal approximation instead, to keep the cost per cell
    fixed); ``n_tone`` and ``n_model``
    count the favor/against sentences labelled by the tone fallback alone and
    by the learned model (``basis`` "model", see :mod:`essaylab.stance_model`),
    whose labels count ``model_weight``: they are right less often than a cue's.
    """
    rng = np.random.default_rng(seed)
    rows = []
    values = {"favor": 1.0, "against": -1.0, "none": 0.0}

    if value not in ("label", "score"):
        raise ValueError(f"value must be 'label' or 'score', not {value!r}")
    # Each sentence's weighted value, computed once for the whole table; cells are index arrays into it.
    signs = evidence["label"].map(values).to_numpy(dtype=float) if len(evidence) else np.zeros(0)
    basis_all = evidence["basis"].to_numpy() if "basis" in evidence else None
    if value == "score":
        x_all = evidence["score"].fillna(0.0).to_numpy(dtype=float) if len(evidence) else np.zeros(0)
    elif basis_all is not None:
        x_all = signs * np.where(basis_all == "tone", tone_weight, np.where(basis_all == "model", model_weight, 1.0))
    else:
        x_all = signs
    groups = evidence.groupby(["author", "target"], sort=False).indices if len(evidence) else {}
    nothing = np.zeros(0, dtype=int)
    for author in authors:
        for target in targets:
            where = groups.get((author, target), nothing)
            n = len(where)
            x = x_all[where]
            favor, against = int((signs[where] > 0).sum()), int((signs[where] < 0).sum())
            n_tone = int((basis_all[where] == "tone").sum()) if basis_all is not None else 0
            n_model = int((basis_all[where] == "model").sum()) if basis_all is not None else 0
            if n == 0:
                rows.append({"author": author, "target": target, "score": np.nan, "label": "insufficient",
                             "n_sentences": 0, "n_favor": 0, "n_against": 0, "n_tone": 0, "n_model": 0, "ci_low": np.nan,
                             "ci_high": np.nan, "agreement": np.nan})
                continue
            score = float(x.mean())
            # Resampling n sentences with replacement only changes how often each value occurs:
            # a multinomial draw over the distinct values gives the same distribution, in O(n_boot) per value.
            values_, counts_ = np.unique(x, return_counts=True)
            if len(values_) <= _EXACT_BOOT_VALUES:
                boot = rng.multinomial(n, counts_ / n, size=n_boot) @ values_ / n
            else:
                # Many distinct values (sentence scores of a large cell): the bootstrap mean's normal
                # approximation, mean +- sd / sqrt(n), which the bootstrap converges to; O(n_boot) per cell.
                boot = score + float(x.std()) / np.sqrt(n) * rng.standard_normal(n_boot)
            cut = float(cell_threshold(n, min_stance, min_total))
            label = ("insufficient" if n < min_sentences else "favor" if score >= cut else "against" if score <= -cut
                     else "neutral")
            same = {"favor": boot >= cut, "against": boot <= -cut, "neutral": (boot > -cut) & (boot < cut)}.get(label)
            agreement = float(np.mean(same)) if same is not None else np.nan
            rows.append({
                "author": author, "target": target, "score": score, "label": label, "n_sentences": n,
                "n_favor": favor, "n_against": against, "n_tone": n_tone, "n_model": n_model, "ci_low": float(np.quantile(boot, 0.05)),
                "ci_high": float(np.quantile(boot, 0.95)), "agreement": agreement,
            })
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------
# Baseline and evaluation
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


_VADER_WORD = re.compile(r"[a-z][a-z'-]*")


@lru_cache(maxsize=4096)
def _tone(text: str) -> float:
    """VADER's compound score; 0 straight away when no word of ``text`` is in VADER's lexicon."""
    analyzer = _vader()
    if not any(word in analyzer.lexicon for word in _VADER_WORD.findall(text.lower())):
        return 0.0
    return analyzer.polarity_scores(text)["compound"]


_STRONG_VALENCE = 2.0  # a VADER lexicon word this strong also adds a VPOS / VNEG token to the context
_NEGATOR = re.compile(r"(?:not|no|never|nor|without|hardly|neither|cannot|n't)")
_CONTEXT_TOKEN = re.compile(r"n't|[a-z][a-z'-]*|[!?]")


def pair_features(sentence: str, mentions: Sequence[Mention], target: str,
                  prepared: str | None = None) -> tuple[str, float]:
    """What a learned classifier sees of one (sentence, target) pair: its context words and clause tone.

    ``context``: the words of the clauses that mention the target (all clauses
    when the target is not named in the sentence), lowercased and accent-folded,
    with the target's own words replaced by ``TGT`` (``OPP`` where the text names
    its opposite, such as private investment in energy for energy nationalism) and other targets' by
    ``OTHER``, and every word after a negator in its clause prefixed ``neg_``; a word of
    strong valence in VADER's lexicon (|valence| >= 2) is followed by ``VPOS`` or ``VNEG``
    (negation-marked too), so a judgement word never seen in training still counts.
    No target name survives, so what is learned carries over between targets.
    ``tone``: VADER's compound score of those clauses (the tone fallback's input),
    negated when only the target's opposite is named.

    >>> targets, _ = load_targets()
    >>> s = "Washington should not abandon the USMCA, but Trump disagrees."
    >>> pair_features(s, find_mentions(s, targets), "usmca")
    ('washington should not neg_abandon neg_the neg_TGT', 0.3412)
    """
    text = prepared if prepared is not None else _prepare(sentence)
    own = [(m.start, m.end) for m in mentions if m.target == target and m.end > m.start]
    opposite = {(m.start, m.end) for m in mentions if m.target == target and m.via == "opposite"}
    clauses = _clauses(text)
    if own:
        clauses = [(a, b) for a, b in clauses if any(a <= start < b for start, _ in own)]
    marks = sorted([(a, b, " OPP " if (a, b) in opposite else " TGT ") for a, b in own]
                   + [(m.start, m.end, " OTHER ") for m in mentions if m.target != target and m.end > m.start])
    words = []
    for c_start, c_end in clauses:
        pieces, position = [], c_start
        for a, b, placeholder in marks:
            if a < position or a >= c_end:
                continue
            pieces += [text[position:a], placeholder]
            position = b
        pieces.append(text[position:c_end])
        negated = False
        for piece in pieces:
            if piece in (" TGT ", " OPP ", " OTHER "):
                words.append(("neg_" if negated else "") + piece.strip())
                continue
            for word in _CONTEXT_TOKEN.findall(piece.replace("n't", " n't")):
                words.append(("neg_" if negated else "") + word)
                valence = _vader().lexicon.get(word, 0.0)
                if abs(valence) >= _STRONG_VALENCE:
                    words.append(("neg_" if negated else "") + ("VPOS" if valence > 0 else "VNEG"))
                negated = negated or bool(_NEGATOR.fullmatch(word))
    tone = _tone(" ".join(sentence[a:b] for a, b in clauses))
    if own and all(span in opposite for span in own):
        tone = -tone  # only the target's opposite is named: its tone speaks the other way
    return " ".join(words), tone


def vader_label(sentence: str, threshold: float = 0.05) -> str:
    """The tone-only baseline: VADER's compound score of the whole sentence, whatever the target.

    >>> vader_label("López Obrador's policies have violated the USMCA.")
    'against'
    """
    compound = _tone(sentence)
    return "favor" if compound >= threshold else "against" if compound <= -threshold else "none"


def macro_f1(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = ("favor", "against")) -> float:
    """Mean F1 over ``labels`` (SemEval-2016 Task 6 averages FAVOR and AGAINST; NONE is not scored).

    Labels that occur neither in ``gold`` nor in ``predicted`` are left out of
    the mean; if none occur, the result is NaN.

    >>> macro_f1(["favor", "against", "none"], ["favor", "none", "none"])
    0.5
    """
    gold_, predicted_ = np.asarray(gold, dtype=object), np.asarray(predicted, dtype=object)
    if gold_.shape != predicted_.shape:
        raise ValueError(f"{len(gold_)} gold labels but {len(predicted_)} predicted")
    scores = []
    for label in labels:
        is_gold, is_predicted = gold_ == label, predicted_ == label
        tp = int((is_gold & is_predicted).sum())
        fp = int((~is_gold & is_predicted).sum())
        fn = int((is_gold & ~is_predicted).sum())
        if tp + fp + fn == 0:
            continue
        scores.append(2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores)) if scores else float("nan")


def evaluate(joined: pd.DataFrame, systems: Sequence[str]) -> pd.DataFrame:
    """Macro-F1 (favor, against) per target and overall for each system column against ``gold``.

    ``joined`` has columns ``target``, ``gold`` and one label column per system, and
    optionally ``labelled`` (see :func:`join_labels`): systems whose name ends in
    ``_given`` are scored on the labelled rows only, the others on every row.
    Returns ``target, n, n_favor, n_against`` (labelled pairs), ``n_unlabelled``
    (mentions found that the coders did not label) plus one column per system.
    """
    rows = []
    if "labelled" not in joined:
        joined = joined.assign(labelled=True)
    for target, group in [("ALL", joined)] + sorted(joined.groupby("target")):
        labelled = group[group["labelled"]]
        row = {"target": target, "n": len(labelled), "n_favor": int((labelled["gold"] == "favor").sum()),
               "n_against": int((labelled["gold"] == "against").sum()), "n_unlabelled": len(group) - len(labelled)}
        for system in systems:
            # The target-given reading scores the hand-labelled pairs only (SemEval-2016 Task 6).
            scored = labelled if system.endswith("_given") else group
            row[system] = macro_f1(scored["gold"].to_numpy(), scored[system].to_numpy())
        rows.append(row)
    return pd.DataFrame(rows)


def _sentence_key(text: str) -> str:
    return re.sub(r"\s+", " ", normalize_text(text)).strip()


def read_labels(path: str | Path) -> pd.DataFrame:
    """Read a hand-label file (``essay, text, target, label``, extra columns kept); labels lowercased.

    Sentences are matched by their text, so the labels survive changes in sentence numbering.
    """
    labels = pd.read_csv(path)
    missing = [c for c in ("essay", "text", "target", "label") if c not in labels.columns]
    if missing:
        raise ValueError(f"{Path(path).name}: missing column(s) {', '.join(missing)}")
    labels["label"] = labels["label"].astype(str).str.strip().str.lower()
    wrong = sorted(set(labels["label"]) - set(LABELS))
    if wrong:
        raise ValueError(f"{Path(path).name}: column 'label' has {', '.join(map(repr, wrong))}; "
                         f"expected one of {', '.join(LABELS)}")
    return labels


def coder_agreement(first: pd.DataFrame, second: pd.DataFrame) -> tuple[pd.DataFrame, float, float]:
    """Two codings of the same sentences (:func:`read_labels` tables) side by side, and Cohen's kappa.

    Pairs are matched by essay, sentence text and target; a pair only one coder
    labelled is "not mentioned" for the other. Returns ``(pairs, kappa on mention
    + stance over all pairs, kappa on stance where both saw a mention)``;
    ``pairs`` has ``label_a`` and ``label_b``.

    >>> a = pd.DataFrame({"essay": ["e"] * 3, "text": ["X.", "Y.", "Z."], "target": ["t"] * 3,
    ...                   "label": ["favor", "none", "against"]})
    >>> pairs, kappa_all, kappa_shared = coder_agreement(a, a.drop(index=1))
    >>> pairs[["label_a", "label_b"]].values.tolist(), kappa_shared
    ([['favor', 'favor'], ['none', 'not mentioned'], ['against', 'against']], 1.0)
    """
    from sklearn.metrics import cohen_kappa_score

    keyed = [frame.assign(key=frame["text"].map(_sentence_key))[["essay", "key", "target", "label"]]
             for frame in (first, second)]
    pairs = keyed[0].merge(keyed[1], on=["essay", "key", "target"], how="outer", suffixes=("_a", "_b"))
    pairs[["label_a", "label_b"]] = pairs[["label_a", "label_b"]].astype(object).fillna("not mentioned")
    shared = pairs[(pairs["label_a"] != "not mentioned") & (pairs["label_b"] != "not mentioned")]
    return pairs, float(cohen_kappa_score(pairs["label_a"], pairs["label_b"])), \
        float(cohen_kappa_score(shared["label_a"], shared["label_b"]))


def join_labels(evidence: pd.DataFrame, labels: pd.DataFrame, targets_path: str | Path | None = None) -> pd.DataFrame:
    """Put the method's label and the tone baseline next to each hand label.

    Returns one row per hand-labelled (sentence, target) of the essays present in
    ``evidence``, plus one per mention the method found that the coders did not
    label (``labelled`` False, ``gold`` "none": the coders saw no mention, so no
    stance). Columns ``essay, sentence, target, gold, labelled, rules, vader,
    detected, rules_given, vader_given, via, cues``, and the target-given reading's
    rules output and inputs for a learned model (``score_given, basis_given,
    cues_given, context, tone``; see :mod:`essaylab.stance_model`); ``targets_path``
    as in :func:`stance_evidence`. Two readings:

    * end to end (``rules``, ``vader``): both systems see only the mentions the
      method detects; an undetected target is ``none`` for both, as in the corpus
      results, and a stance on a mention the coders did not see counts against them;
    * target given (``rules_given``, ``vader_given``), as in SemEval-2016 Task 6:
      only the hand-labelled pairs, each labelled by both systems; for an
      undetected target the method treats it as the topic of each clause.
    """
    lab = labels[labels["essay"].isin(set(evidence["essay"]))].assign(key=lambda d: d["text"].map(_sentence_key))
    ev = evidence[evidence["essay"].isin(set(lab["essay"]))]
    ev = ev.assign(key=ev["sentence"].map(_sentence_key))
    joined = lab.merge(ev[["essay", "key", "sentence", "target", "label", "score", "basis", "via", "cues", "context",
                           "tone"]],
                       on=["essay", "key", "target"], how="outer", suffixes=("_gold", ""), indicator=True)
    labelled = joined["_merge"] != "right_only"
    text = joined["text"].where(labelled, joined["sentence"])
    detected = joined["label"].notna()
    vader = text.map(vader_label)
    path = str(targets_path) if targets_path else None
    given = [(label, score, basis, cues, context, tone) if found
             else _implicit_pair(sentence, target, path) if is_labelled else ("none", 0.0, "", "", "", 0.0)
             for label, score, basis, cues, context, tone, found, sentence, target, is_labelled
             in zip(joined["label"], joined["score"], joined["basis"], joined["cues"], joined["context"],
                    joined["tone"], detected, text, joined["target"], labelled)]
    given = pd.DataFrame(given, columns=["rules_given", "score_given", "basis_given", "cues_given", "context", "tone"],
                         index=joined.index)
    out = pd.DataFrame({
        "essay": joined["essay"], "sentence": text, "target": joined["target"],
        "gold": joined["label_gold"].fillna("none"), "labelled": labelled, "rules": joined["label"].fillna("none"),
        "vader": vader.where(detected, "none"), "detected": detected, "rules_given": given["rules_given"],
        "vader_given": vader, "via": joined["via"].fillna(""), "cues": joined["cues"].fillna(""),
        "score_given": given["score_given"].astype(float), "basis_given": given["basis_given"],
        "cues_given": given["cues_given"],
        "context": given["context"], "tone": given["tone"].astype(float),
    })
    order = out.assign(_l=~out["labelled"]).sort_values(["_l", "essay", "sentence", "target"], kind="mergesort")
    return order.drop(columns="_l").reset_index(drop=True)


def _implicit_pair(sentence: str, target: str, targets_path: str | None = None) -> tuple[str, float, str, str, str, float]:
    """The rules' label, score, basis and cues, and the model's features, for a target the sentence is
    about but does not name (see ``join_labels``). The sentence is read alone: office titles are not
    resolved (no essay date) and pronouns not linked to the previous sentence."""
    targets, offices = load_targets(targets_path)
    mentions = [m for m in find_mentions(sentence, targets, offices) if m.target != target]
    mentions.append(Mention(target, 0, 0, "implicit"))
    call = classify_sentence(sentence, mentions)[target]
    return (call.label, call.score, call.basis, "; ".join(call.cues), *pair_features(sentence, mentions, target))


SYSTEMS = {
    "rules": "rules alone, end to end",
    "vader": "tone baseline, end to end",
    "rules_given": "rules alone, target given",
    "vader_given": "tone baseline, target given",
}


def validate(essays_dir: str | Path, labels_path: str | Path, targets_path: str | Path | None = None,
             training: pd.DataFrame | None = None,
             mentions: pd.DataFrame | None = None, leave_out: str = "essay") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run the method on a labelled corpus folder; return ``(joined, scores)``.

    ``joined`` is :func:`join_labels`' table; ``scores`` the macro-F1 per target
    and overall for the rules and the tone baseline, in both readings, and, given
    ``training`` pairs (:func:`essaylab.stance_model.training_pairs`), for the
    hybrid of rules and learned model (``learned``, ``learned_given``; essays in
    the training data are labelled by a model fitted without them, or without their whole labelled set
    with ``leave_out="set"``, or without their set's fold with ``"fold"``). Given
    ``mentions`` (:func:`essaylab.mention_model.mention_sentences`), the learned
    mention model's pairs are added to the rules' (end to end), read by mention models fitted without the
    essay's set (or fold, with ``"fold"``; :func:`essaylab.mention_model.learned_mentions`).
    """
    import sklearn

    from . import cache
    from .stance_model import _settings

    # Kept on disk, keyed by the inputs: the essays and labels, the targets, the training data, the model's
    # settings, the code.
    key = cache.key("validate", cache.files_digest(Path(essays_dir), Path(labels_path)),
                    cache.files_digest(Path(targets_path)) if targets_path else "",
                    "" if training is None else cache.frame_digest(training),
                    "" if mentions is None else cache.frame_digest(mentions), _settings(), leave_out,
                    sklearn.__version__)
    return cache.cached(key, lambda: _validate(essays_dir, labels_path, targets_path, training, mentions, leave_out))


def _validate(essays_dir, labels_path, targets_path, training, mentions,
              leave_out: str = "essay") -> tuple[pd.DataFrame, pd.DataFrame]:
    from .stance_model import load_labelled_sets

    # The cached reading of a labelled set (its joined tables are kept on disk, keyed by their inputs).
    labelled = load_labelled_sets({"set": (essays_dir, labels_path)}, targets_path)["set"]
    corpus, joined = labelled.corpus, labelled.joined
    if mentions is not None:
        from .mention_model import join_with_mentions

        _, joined = join_with_mentions(labelled, labels_path, mentions, str(targets_path) if targets_path else None,
                                       leave_out=leave_out)
    systems = dict(SYSTEMS)
    if training is not None:
        from .stance_model import SYSTEMS as LEARNED, add_learned

        joined, systems = add_learned(joined, corpus, training, leave_out=leave_out), {**LEARNED, **SYSTEMS}
    scores = evaluate(joined, list(systems)).rename(columns=systems)
    return joined, scores


def compare_positions(cells: pd.DataFrame, positions: pd.DataFrame, author_of: dict[str, str]) -> pd.DataFrame:
    """Author-level labels against an essay's recorded overall positions (``essay, target, expected``).

    Adds ``agreement``: ``same``, ``opposite`` (favor vs against), ``different`` (e.g.
    neutral where the essay takes a side), ``method: insufficient``, or ``essay: mixed or
    not discussed`` (expected ``mixed``, ``not discussed`` or ``absent``: no single label to compare with).

    >>> cells = pd.DataFrame({"author": ["A", "A", "A"], "target": ["t", "u", "v"],
    ...                       "label": ["favor", "neutral", "against"]})
    >>> positions = pd.DataFrame({"essay": ["a"] * 3, "target": ["t", "u", "v"],
    ...                           "expected": ["favor", "against", "favor"]})
    >>> compare_positions(cells, positions, {"a": "A"})["agreement"].tolist()
    ['same', 'different', 'opposite']
    """
    expected = positions.assign(author=positions["essay"].map(author_of),
                                expected=positions["expected"].str.strip().str.lower().str.replace("_", " "))
    both = expected.merge(cells[["author", "target", "label"]], on=["author", "target"])
    sided = ["favor", "against"]
    both["agreement"] = np.select(
        [both["label"] == "insufficient", both["expected"].isin(["mixed", "not discussed", "absent"]),
         both["label"].eq(both["expected"]), both["label"].isin(sided) & both["expected"].isin(sided)],
        ["method: insufficient", "essay: mixed or not discussed", "same", "opposite"], "different")
    return both
