"""Descriptive statistics of texts: lexical diversity and lengths."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["type_token_ratio", "mtld"]


def type_token_ratio(tokens: Sequence[str]) -> float:
    """Distinct tokens / tokens (0.0 for no tokens). Falls as texts get longer.

    >>> type_token_ratio(["a", "b", "a", "c"])
    0.75
    """
    return len(set(tokens)) / len(tokens) if tokens else 0.0


def _mtld_pass(tokens: Sequence[str], threshold: float) -> float:
    factors = 0.0
    types: set[str] = set()
    count = 0
    for token in tokens:
        count += 1
        types.add(token)
        if len(types) / count <= threshold:
            factors += 1
            types = set()
            count = 0
    if count:  # partial factor for the remainder
        ttr = len(types) / count
        factors += (1 - ttr) / (1 - threshold) if ttr > threshold else 1
    return len(tokens) / factors if factors else float(len(tokens))


def mtld(tokens: Sequence[str], threshold: float = 0.72) -> float:
    """Measure of Textual Lexical Diversity (McCarthy & Jarvis 2010), forward and backward averaged.

    The mean length of stretches of text whose type-token ratio stays above
    ``threshold``. Unlike the type-token ratio it hardly depends on text
    length, so essays of 1,200 and 3,400 words can be compared. Values are
    in tokens; higher means more varied vocabulary.

    >>> mtld(["a", "b"] * 50) < 4        # two words repeated: low diversity
    True
    >>> round(mtld([f"w{i}" for i in range(100)]), 1)   # no repetition: the whole text
    100.0
    """
    if not tokens:
        return 0.0
    forward = _mtld_pass(tokens, threshold)
    backward = _mtld_pass(list(reversed(tokens)), threshold)
    return (forward + backward) / 2
