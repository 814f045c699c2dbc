"""Warm the on-disk cache before the notebooks run: ``python -m essaylab.prepare [--jobs N]``.

For a large corpus, splitting sentences, tokenizing and labelling stance are
the costly per-essay steps, and several notebooks need them. Doing them once,
essay by essay in parallel processes, before the notebooks start means every
notebook then reads them from :mod:`essaylab.cache`. The notebooks give the
same results with or without this step; it only saves time.
"""

from __future__ import annotations

import argparse
import time

from . import cache
from .corpus import Essay, load_corpus

__all__ = ["prepare"]


def _prepare_essay(args: tuple[Essay, str | None]) -> int:
    from .keyness import essay_terms
    from .stance import _essay_rows, _evidence_key

    essay, targets_path = args
    records = essay.sentence_records  # computes and caches sentences and word tokens
    essay_terms(essay)  # terms for notebook 02
    key = _evidence_key(essay, targets_path)
    if cache.load(key) is None:
        cache.store(key, _essay_rows(records, essay.date, targets_path))
    return len(records)


def prepare(directory: str | None = None, jobs: int = 2, targets_path: str | None = None) -> tuple[int, int]:
    """Cache every essay's sentences, word tokens, terms and stance evidence; return (essays, sentences)."""
    corpus = load_corpus(directory)
    work = [(essay, targets_path) for essay in corpus]
    if jobs > 1 and len(work) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            sentences = sum(pool.map(_prepare_essay, work, chunksize=max(1, len(work) // (8 * jobs))))
    else:
        sentences = sum(map(_prepare_essay, work))
    return len(corpus), sentences


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    if not cache.enabled():
        print("cache is off (ESSAYLAB_CACHE); nothing to prepare")
        return 0
    start = time.perf_counter()
    essays, sentences = prepare(jobs=args.jobs)
    print(f"prepared {essays} essays, {sentences} sentences in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
