"""Score a sealed stance test set once, with the method of the library this script sits beside.

Usage (from the project root, after ``make install`` or any ``make`` target that builds ``.venv``)::

    .venv/bin/python validation/score_sealed.py FOLDER [LABELS]

``FOLDER`` holds ``essays/`` (with ``metadata.csv``), ``labels.csv`` and, for the author-level comparison,
``positions.csv``. ``LABELS`` names another labels file in ``FOLDER`` (a second coder's ``coder_b.csv``): only
the sentence-level scores are printed for it. The models are trained on the library's ``TRAINING_SETS`` in
``validation/stance``; a set that is not among them is labelled by the models trained on all of them, one that
is by the models trained without its fold, as notebook 04 does. Set ``ESSAYLAB_CACHE=off`` to read nothing
from an earlier run's cache. To score a frozen commit, run this script from a worktree of that commit
(``git worktree add /tmp/freeze <commit>``), so that the library, the training sets and the script match.
The tables this prints for each sealed set are quoted in ``validation/README.md``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lib"))

import pandas as pd  # noqa: E402

import essaylab  # noqa: E402
from essaylab.mention_model import join_with_mentions, mention_sentences  # noqa: E402
from essaylab.stance import evaluate, load_targets, macro_f1  # noqa: E402
from essaylab.stance_model import (TRAINING_SETS, add_learned, labelled_set_paths, load_labelled_sets,  # noqa: E402
                                   training_pairs)
from essaylab.validation import (ALL_SYSTEMS, LEAVE_OUT, CellRule, author_level_variants,  # noqa: E402
                                 positions_taken)


def main(argv: list[str]) -> int:
    if not 1 <= len(argv) <= 2:
        print(__doc__)
        return 2
    folder = Path(argv[0]).resolve()
    labels_name = argv[1] if len(argv) > 1 else "labels.csv"
    labels_path = folder / labels_name
    for needed in (folder / "essays", labels_path):
        if not needed.exists():
            print(f"score_sealed: {needed} does not exist", file=sys.stderr)
            return 2
    pd.set_option("display.width", 200)
    print("library:", Path(essaylab.__file__).parent)
    sets = load_labelled_sets(labelled_set_paths(TRAINING_SETS))
    training, mentions = training_pairs(sets), mention_sentences(sets)
    print(f"training: {len(training)} pairs from {training['set'].nunique()} sets"
          + ("" if folder.name not in TRAINING_SETS else f"; {folder.name} is one of them: scored without its fold"))
    target_ids = [t.id for t in load_targets()[0]]
    labelled_set = load_labelled_sets({folder.name: (folder / "essays", labels_path)})[folder.name]
    _, joined = join_with_mentions(labelled_set, labels_path, mentions, None, LEAVE_OUT)
    labelled = add_learned(joined, labelled_set.corpus, training, leave_out=LEAVE_OUT)
    found = labelled[labelled["labelled"]]

    print(f"\n== sentence level ({labels_name}): macro-F1 over FAVOR and AGAINST")
    overall = evaluate(labelled, list(ALL_SYSTEMS)).rename(columns=ALL_SYSTEMS)
    print(overall[overall["target"] == "ALL"].round(3).T.to_string(header=False))
    print(f"labelled pairs {len(found)}, mentions detected {int(found['detected'].sum())} "
          f"(by the rules {int((found['detected'] & (found['via'] != 'learned')).sum())})")
    print("\nper essay: method vs tone, end to end | target given")
    for essay, pairs in found.groupby("essay", sort=True):
        print(f"  {essay}: {macro_f1(pairs['gold'], pairs['learned']):.3f} vs {macro_f1(pairs['gold'], pairs['vader']):.3f}"
              f" | {macro_f1(pairs['gold'], pairs['learned_given']):.3f} vs "
              f"{macro_f1(pairs['gold'], pairs['vader_given']):.3f}")

    if labels_name != "labels.csv" or not (folder / "positions.csv").is_file():
        return 0
    rule = CellRule()
    print(f"\n== author level against positions.csv ({rule})")
    counts, cells = author_level_variants(labelled_set, pd.read_csv(folder / "positions.csv"), training, mentions,
                                          None, target_ids, rule)
    print(counts.to_string(index=False))
    print("\npositions the writers took")
    print(positions_taken(cells).to_string(index=False))
    print()
    print(cells[["essay", "target", "expected", "label", "score", "n_sentences", "agreement"]].round(3)
          .to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
