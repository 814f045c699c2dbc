"""Scoring hand-labelled sets as notebook 04 reports them: one summary row per set, the author-level
comparison with the writer's reading, and the pairs the method labelled.

Each set's report depends only on its files (essays, ``labels.csv``, ``positions.csv``), the
training data of the stance and mention models, the targets and the author-level parameters, so it
is kept in the on-disk cache (:mod:`essaylab.cache`) under a key made of all of them and of the
library code. A rerun with nothing changed reads it back instead of labelling every set again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import stance_model
from .mention_model import _mention_exclusions, prefit as prefit_mentions
from .stance import SYSTEMS, aggregate_stance, compare_positions, evaluate
from .stance_model import SYSTEMS as LEARNED_SYSTEMS, LabelledSet, add_learned, apply_model, load_labelled_sets, prefit

__all__ = ["ALL_SYSTEMS", "BY_SET", "ERROR_KINDS", "LEAVE_OUT", "VARIANTS", "CellRule", "SetReport",
           "author_level_variants", "compare_rules", "positions_taken",
           "coder_summary", "decided_by", "describe_set", "error_kind", "errors", "label_scores", "labelled_folders", "margins", "right_by_decider",
           "set_summary", "score_set", "score_sets"]

ALL_SYSTEMS = {**LEARNED_SYSTEMS, **SYSTEMS}
# The method with the writer's whole set left out of its model (with the rest of its fold, as LEAVE_OUT "fold" does).
BY_SET = {"learned": "method, writer's set left out, end to end",
          "learned_given": "method, writer's set left out, target given"}
# What an essay of a labelled set is scored without: its set's fold ("fold": the set and the others dealt into
# its group, essaylab.stance_model.FOLDS), its whole set ("set": each synthetic set has one writer, and leaving
# only the essay out keeps the writer's other essays, and habits, in training), or the essay alone ("essay").
# "set" and "fold" are the stricter tests of "an essay it has never seen"; "fold" is stricter still (each model
# trains on about 7/8 of the sets) and fits 8 stance and 8 mention models instead of one of each per set (32
# and 31 with thirty-two training sets: about 40 s of CPU in notebook 04's cold run, growing with every set).
LEAVE_OUT = "fold"
# Columns of the labelled pairs a report keeps (enough to say which part of the method decided).
_DECIDED_COLUMNS = ["essay", "target", "gold", "learned", "learned_given", "basis_given"]


@dataclass(frozen=True)
class CellRule:
    """How author x target cells are formed: :func:`essaylab.stance.aggregate_stance`'s parameters."""

    # Chosen with compare_rules over the twenty training sets with positions.csv (validation/README.md,
    # "After test10"): with 2 sentences the cells matched the writers in 360 of 730 (55 reversed), with 3, the
    # rule before, in 292 (46 reversed); the cells two sentences decide are about as often right as the rest.
    # min_stance 0.12 since the labels are balanced within each target (stance_model.BALANCE; "After test11"):
    # over 810 cells, each essay left out, 426 the same and 55 reversed; 0.15 gave 395 and 42, 0.10 439 and 63
    # (with each set left out and test12 in, "After test12": 438 and 50; 415 and 38; 463 and 59).
    # min_total 0.4 with min_stance 0.08 since the neutral cells of test20 (validation/README.md, "After test20"):
    # with each set's fold left out, over the 1,170 cells of the thirty-one synthetic training sets, 678 the same
    # and 56 reversed; min_stance 0.12 alone gave 640 and 54, 0.10 alone 673 and 60; min_total 0.5 653 and 49.
    min_sentences: int = 2
    min_stance: float = 0.08
    n_boot: int = 1000
    seed: int = 0
    tone_weight: float = 0.25
    model_weight: float = 0.5
    value: str = "score"  # the method's cells average its sentence scores (see aggregate_stance)
    min_total: float = 0.4  # the cell's summed sentence scores must reach it too (a large cell's steady lean)

    def cells(self, evidence: pd.DataFrame, target_ids: Sequence[str], authors: Sequence[str]) -> pd.DataFrame:
        """:func:`essaylab.stance.aggregate_stance` of ``evidence`` with this rule's parameters."""
        return aggregate_stance(evidence, list(target_ids), authors, self.min_sentences, self.min_stance, self.n_boot,
                                self.seed, self.tone_weight, self.model_weight, self.value, self.min_total)


@dataclass(frozen=True)
class SetReport:
    """One labelled set scored: its ``summary`` row, the author-level ``comparison`` with the writer's
    ``positions.csv`` (None without one) and the ``decided`` pairs (labelled and detected)."""

    summary: dict
    comparison: pd.DataFrame | None
    decided: pd.DataFrame = field(repr=False)


def labelled_folders(validation_dir: str | Path, training_sets: Sequence[str] = stance_model.TRAINING_SETS
                     ) -> dict[str, tuple[Path, bool]]:
    """The labelled sets to score: set name -> (folder, whether it is training data), for every folder of
    ``validation_dir`` with a ``labels.csv``. The training sets come first, in ``training_sets``' order
    (their "gold" entry, the seed essays' ``gold.csv``, is not a folder and is left out), then the other
    sets (sealed tests not yet in training) by name. So a set added to the folder, or to the training
    sets, is scored without another list to keep."""
    validation_dir = Path(validation_dir)
    found = {p.parent.name: p.parent for p in validation_dir.glob("*/labels.csv")}
    order = [name for name in training_sets if name in found] + sorted(set(found) - set(training_sets))
    return {name: (found[name], name in training_sets) for name in order}


def describe_set(name: str, training: bool, history: Mapping[str, str] | None = None) -> str:
    """A set's row label: its name, its history (``history[name]``; else a ``test…`` set is "formerly sealed"
    if it is training data and "sealed test of this version" if not) and whether it is training data.

    >>> describe_set("test3", True), describe_set("test19", False), describe_set("dev4", True)
    ('test3 (formerly sealed; training)', 'test19 (sealed test of this version; not training)', 'dev4 (training)')
    >>> describe_set("heldout", True, {"heldout": "rules tuned on it"})
    'heldout (rules tuned on it; training)'
    """
    told = (history or {}).get(name)
    if told is None and name.startswith("test"):
        told = "formerly sealed" if training else "sealed test of this version"
    return f"{name} ({'; '.join(x for x in (told, 'training' if training else 'not training') if x)})"


def set_summary(name: str, labelled: pd.DataFrame, scores: pd.DataFrame, by_set: pd.DataFrame) -> dict:
    """One row: the set's size, how its mentions were found and decided, and overall macro-F1 per system.

    ``labelled`` is :func:`essaylab.stance_model.add_learned`'s table, ``scores`` its
    :func:`essaylab.stance.evaluate` with :data:`ALL_SYSTEMS` as column names, ``by_set`` the same
    table cross-fitted with ``leave_out="fold"`` (the set left out with the rest of its fold).
    """
    row = scores[scores["target"] == "ALL"].iloc[0]
    row_set = evaluate(by_set, list(BY_SET)).rename(columns=BY_SET).iloc[0]
    found = labelled[labelled["labelled"]]
    decided = found[found["learned_given"] != "none"]
    return {"set": name, "essays": found["essay"].nunique(), "pairs": len(found),
            "mentions detected": int(found["detected"].sum()),
            "of these learned": int((found["detected"] & (found["via"] == "learned")).sum()),
            "learned, not labelled": int(((labelled["via"] == "learned") & ~labelled["labelled"]).sum()),
            "stance labels (target given)": len(decided),
            "of these from a rule cue": int((decided["basis_given"] == "cue").sum()),
            **{system: row[system] for system in ALL_SYSTEMS.values()},
            **{system: row_set[system] for system in BY_SET.values()}}


def _compute(name: str, folder: Path, training: pd.DataFrame, mention_training: pd.DataFrame,
             targets_path: str | None, target_ids: Sequence[str], rule: CellRule,
             labelled_set: LabelledSet | None) -> SetReport:
    from .mention_model import join_with_mentions

    labels_path = folder / "labels.csv"
    read = labelled_set or load_labelled_sets({folder.name: (folder / "essays", labels_path)}, targets_path)[folder.name]
    essays = read.corpus
    rule_evidence, joined = join_with_mentions(read, labels_path, mention_training, targets_path, LEAVE_OUT)
    labelled = add_learned(joined, essays, training, leave_out=LEAVE_OUT)
    scores = evaluate(labelled, list(ALL_SYSTEMS)).rename(columns=ALL_SYSTEMS)
    by_set = labelled if LEAVE_OUT != "essay" else add_learned(joined, essays, training, leave_out="fold")
    summary = set_summary(name, labelled, scores, by_set)
    comparison = None
    if (folder / "positions.csv").is_file():  # the writer's reading of each essay as a whole
        cells = rule.cells(apply_model(rule_evidence, essays, training, leave_out=LEAVE_OUT), target_ids,
                           essays.authors)
        comparison = compare_positions(cells, pd.read_csv(folder / "positions.csv"), {e.id: e.author for e in essays})
    decided = labelled.loc[labelled["labelled"] & labelled["detected"], _DECIDED_COLUMNS].reset_index(drop=True)
    return SetReport(summary, comparison, decided)


def score_set(name: str, folder: str | Path, training: pd.DataFrame, mention_training: pd.DataFrame,
              targets_path: str | Path | None, target_ids: Sequence[str], rule: CellRule = CellRule(),
              labelled_set: LabelledSet | None = None) -> SetReport:
    """Score the labelled set in ``folder`` (``essays/``, ``labels.csv``, optional ``positions.csv``).

    The method is the hybrid of rules and learned model, with learned mentions
    (:func:`essaylab.mention_model.join_with_mentions`), each essay labelled by models fitted
    without its set's fold, its whole labelled set or the essay alone, as :data:`LEAVE_OUT` says (the
    ``by set`` columns always leave the set out, with its fold unless LEAVE_OUT says "set"). ``labelled_set`` is the
    set already read by :func:`essaylab.stance_model.load_labelled_sets`, if it has been. The report
    is cached on disk by the inputs listed in this module's docstring.
    """
    from .cache import frame_digest

    return _score(name, Path(folder), training, mention_training, targets_path, target_ids, rule, labelled_set,
                  (frame_digest(training), frame_digest(mention_training)))


def _score(name: str, folder: Path, training: pd.DataFrame, mention_training: pd.DataFrame,
           targets_path: str | Path | None, target_ids: Sequence[str], rule: CellRule,
           labelled_set: LabelledSet | None, digests: tuple[str, str]) -> SetReport:
    import sklearn

    from . import cache

    path = str(targets_path) if targets_path else None
    training_digest, mention_digest = digests
    key = cache.key("set-report", name, cache.files_digest(folder / "essays", folder / "labels.csv", folder / "positions.csv"),
                    cache.files_digest(Path(path)) if path else "", training_digest, mention_digest, repr(list(target_ids)),
                    repr(rule), stance_model._settings(), LEAVE_OUT, sklearn.__version__)
    return cache.cached(key, lambda: _compute(name, folder, training, mention_training, path, target_ids, rule,
                                              labelled_set))


def score_sets(folders: Mapping[str, str | Path], training: pd.DataFrame, mention_training: pd.DataFrame,
               targets_path: str | Path | None, target_ids: Sequence[str], rule: CellRule = CellRule(),
               labelled_sets: Mapping[str, LabelledSet] | None = None) -> dict[str, SetReport]:
    """:func:`score_set` for each ``name -> folder`` that has a ``labels.csv`` (the others are left out
    and named on stdout). ``labelled_sets`` maps folder names to sets already read."""
    from .cache import frame_digest

    digests = (frame_digest(training), frame_digest(mention_training))
    from .corpus import load_corpus
    from .stance_model import _exclusions

    # The stance models every set's report needs (its essays' models as the labelling will ask for them:
    # each set, or each essay, left out; the model of all pairs for a set that is not training data), fitted
    # at once on all cores before the reports that are not cached yet read them; each report would otherwise
    # fit its own few one by one.
    needed, mentions_needed = set(), set()
    for folder in map(Path, folders.values()):
        if (folder / "labels.csv").is_file():
            read = (labelled_sets or {}).get(folder.name)
            corpus = read.corpus if read is not None else load_corpus(folder / "essays")
            needed |= set(_exclusions(corpus, training, LEAVE_OUT).values())
            if LEAVE_OUT == "essay":
                needed |= set(_exclusions(corpus, training, "fold").values())  # the summary's "by set" columns
            mentions_needed |= set(_mention_exclusions(corpus, mention_training, LEAVE_OUT).values())
    prefit(training, needed)
    prefit_mentions(mention_training, mentions_needed, str(targets_path) if targets_path else None)
    reports = {}
    for name, folder in folders.items():
        folder = Path(folder)
        if not (folder / "labels.csv").is_file():
            print(f"{name}: no labels in {folder}")
            continue
        reports[name] = _score(name, folder, training, mention_training, targets_path, target_ids, rule,
                               (labelled_sets or {}).get(folder.name), digests)
    return reports


def compare_rules(rules: Mapping[str, CellRule], folders: Mapping[str, str | Path], training: pd.DataFrame,
                  mention_training: pd.DataFrame, targets_path: str | Path | None, target_ids: Sequence[str],
                  labelled_sets: Mapping[str, LabelledSet] | None = None) -> pd.DataFrame:
    """How often each author-level rule's cells agree with the writers' own reading, over the labelled sets
    in ``folders`` that have a ``positions.csv``: one row per rule (``name -> CellRule``), the counts of
    :func:`essaylab.stance.compare_positions`' ``agreement`` values, and the cells compared.

    Each set's cells come from the models fitted without its essays (without the whole set, as
    :data:`LEAVE_OUT` says; as in :func:`score_set`), so the sentence labels are out of essay; the rules
    themselves are chosen by looking at these counts, so on the sets used to choose one, its figures flatter
    it: only a sealed set measures it fairly. Each rule's reports are cached like :func:`score_sets`' (a
    second call reads them back)."""
    rows = []
    for name, rule in rules.items():
        reports = score_sets(folders, training, mention_training, targets_path, target_ids, rule, labelled_sets)
        compared = [report.comparison for report in reports.values() if report.comparison is not None]
        agreement = pd.concat(compared)["agreement"] if compared else pd.Series(dtype=object)
        rows.append({"rule": name, **agreement.value_counts().to_dict(), "cells": len(agreement)})
    columns = ["rule", "same", "opposite", "different", "method: insufficient", "essay: mixed or not discussed"]
    table = pd.DataFrame(rows)
    for column in columns:
        if column not in table:
            table[column] = 0
    return table[columns + ["cells"]].fillna(0).astype({c: int for c in columns[1:]} | {"cells": int})


# The author-level variants a sealed set's scoring reports beside the method (validation/README.md): the same
# sentence labels under other cell rules, the method without its learned mentions, and the two baselines.
VARIANTS = ("method", "the same labels, three sentences per cell", "the same labels, label-counting cells",
            "method, the rules' mentions only", "rules alone", "tone only")
_AGREEMENTS = ["same", "opposite", "different", "method: insufficient", "essay: mixed or not discussed"]


def author_level_variants(labelled_set: LabelledSet, positions: pd.DataFrame, training: pd.DataFrame,
                          mention_training: pd.DataFrame, targets_path: str | Path | None,
                          target_ids: Sequence[str], rule: CellRule = CellRule()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How each of :data:`VARIANTS` compares with the writers' ``positions`` (``essay, target, expected``) on
    ``labelled_set``'s essays, each essay labelled by models fitted without its set's fold (:data:`LEAVE_OUT`).

    Returns ``(counts, cells)``: one row per variant with the counts of
    :func:`essaylab.stance.compare_positions`' ``agreement`` values and ``cells``; and the method's own
    comparison, one row per (essay, target) with its ``score`` and ``n_sentences``. The variants keep ``rule``
    but for what they vary: three sentences per cell, counting labels (``value="label"``) instead of averaging
    scores, the rules' mentions without the learned ones, the rules' labels alone (their tone fallback
    counting ``rule.tone_weight``), and each sentence labelled by its VADER tone alone, counting fully.
    """
    from dataclasses import replace

    from .mention_model import add_learned_mentions
    from .stance import vader_label

    path = str(targets_path) if targets_path else None
    corpus = labelled_set.corpus
    rule_evidence = add_learned_mentions(labelled_set.evidence, corpus, mention_training, path, leave_out=LEAVE_OUT)
    method = apply_model(rule_evidence, corpus, training, leave_out=LEAVE_OUT)
    plain_rules = apply_model(labelled_set.evidence, corpus, training, leave_out=LEAVE_OUT)
    tone = rule_evidence.assign(label=rule_evidence["sentence"].map(vader_label), basis="")
    by_label = replace(rule, value="label")
    variants = {"method": (method, rule),
                "the same labels, three sentences per cell": (method, replace(rule, min_sentences=3)),
                "the same labels, label-counting cells": (method, by_label),
                "method, the rules' mentions only": (plain_rules, rule),
                "rules alone": (rule_evidence, by_label),
                "tone only": (tone, replace(by_label, tone_weight=1.0))}
    author_of = {e.id: e.author for e in corpus}
    rows, cells = [], None
    for name in VARIANTS:
        evidence, variant_rule = variants[name]
        table = variant_rule.cells(evidence, target_ids, corpus.authors)
        compared = compare_positions(table, positions, author_of)
        rows.append({"variant": name, **{a: int((compared["agreement"] == a).sum()) for a in _AGREEMENTS},
                     "cells": len(compared)})
        if cells is None:
            cells = compared.merge(table[["author", "target", "score", "n_sentences"]], on=["author", "target"])
    return pd.DataFrame(rows), cells


def positions_taken(cells: pd.DataFrame) -> pd.DataFrame:
    """Of the positions the writers took (``expected`` favor or against) in :func:`author_level_variants`'
    ``cells``: per essay and in all (last row, ``essay`` "all"), how many the method matched, reversed, left
    neutral or called insufficient."""
    took = cells[cells["expected"].isin(["favor", "against"])]
    counts = pd.DataFrame({"essay": took["essay"], "positions": 1,
                           "matched": took["agreement"].eq("same").astype(int),
                           "reversed": took["agreement"].eq("opposite").astype(int),
                           "neutral": took["label"].eq("neutral").astype(int),
                           "insufficient": took["label"].eq("insufficient").astype(int)})
    per_essay = counts.groupby("essay", sort=True).sum().reset_index()
    total = per_essay.drop(columns="essay").sum().to_frame().T.assign(essay="all")
    return pd.concat([per_essay, total[per_essay.columns]], ignore_index=True)


# Readings of a labelled table (:func:`essaylab.stance_model.add_learned`'s, or a set report's ``decided``
# pairs) that notebook 04 shows: what kind of error each disagreement is, what decided each label, how often
# each label is right, and the method's margin over tone set by set.

ERROR_KINDS = ("stance on a mention the coders did not see", "mention not detected",
               "stance where the coders saw none", "stance missed", "stance reversed")


def error_kind(row: Mapping) -> str:
    """Why the method's end-to-end label (``learned``) differs from the hand label (``gold``) on one pair.

    >>> error_kind({"labelled": True, "detected": True, "gold": "favor", "learned": "against"})
    'stance reversed'
    """
    if not row["labelled"]:
        return ERROR_KINDS[0]
    if not row["detected"]:
        return ERROR_KINDS[1]
    if row["gold"] == "none":
        return ERROR_KINDS[2]
    if row["learned"] == "none":
        return ERROR_KINDS[3]
    return ERROR_KINDS[4]


def decided_by(labelled: pd.DataFrame) -> pd.Series:
    """What decided each pair's method label: "rule cue", "model", or "(not detected)" for a hand-labelled
    mention the method did not find (when the table has ``detected``)."""
    by = np.where(labelled["basis_given"] == "cue", "rule cue", "model")
    if "detected" in labelled:
        by = np.where(~labelled["detected"].astype(bool), "(not detected)", by)
    return pd.Series(by, index=labelled.index)


def errors(labelled: pd.DataFrame) -> pd.DataFrame:
    """The pairs where the method's end-to-end label differs from the hand label, with their ``kind``
    (:func:`error_kind`) and what ``decided by`` the method's label (:func:`decided_by`)."""
    wrong = labelled[labelled["gold"] != labelled["learned"]].copy()
    wrong["kind"] = [error_kind(row) for row in wrong.to_dict("records")]
    wrong["decided by"] = decided_by(wrong)
    return wrong


def label_scores(labelled: pd.DataFrame, systems: Sequence[str] = ("learned", "rules", "vader")) -> pd.DataFrame:
    """Precision, recall and F1 of FAVOR and of AGAINST for each system's column (end to end), against
    ``gold``: which way each system errs, which macro-F1 alone does not say."""
    from sklearn.metrics import precision_recall_fscore_support

    rows = []
    for system in systems:
        p, r, f, n = precision_recall_fscore_support(labelled["gold"], labelled[system], labels=["favor", "against"],
                                                     zero_division=0)
        for label, values in zip(["favor", "against"], zip(p, r, f, n)):
            rows.append(dict(zip(["system (end to end)", "label", "precision", "recall", "f1", "gold n"],
                                 [ALL_SYSTEMS.get(system, system), label, *values])))
    return pd.DataFrame(rows)


def right_by_decider(decided: pd.DataFrame) -> pd.DataFrame:
    """Of the method's favor/against labels on detected mentions (a set report's ``decided`` pairs, pooled),
    how many the hand label confirms ("same"), calls NONE, or reverses, by what decided them."""
    sided = decided[decided["learned"] != "none"]
    hand = np.where(sided["gold"] == sided["learned"], "same", np.where(sided["gold"] == "none", "none", "opposite"))
    return pd.crosstab(pd.Series(decided_by(sided).to_numpy(), name="decided by"),
                       pd.Series(hand, name="hand label"), margins=True)


def margins(summary: pd.DataFrame) -> pd.DataFrame:
    """The method's macro-F1 minus the tone baseline's, end to end and with the target given, for each row
    of a table of :func:`set_summary` rows."""
    return pd.DataFrame({"set": summary["set"], "pairs": summary["pairs"],
                         "method - tone, end to end": summary[ALL_SYSTEMS["learned"]] - summary[ALL_SYSTEMS["vader"]],
                         "method - tone, target given": (summary[ALL_SYSTEMS["learned_given"]]
                                                         - summary[ALL_SYSTEMS["vader_given"]])})


def coder_summary(first: pd.DataFrame, second: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Two codings side by side (:func:`essaylab.stance.coder_agreement`) and their agreement in one row:
    pairs labelled by either coder, by both, and Cohen's kappa on mention + stance and on stance where both
    saw a mention."""
    from .stance import coder_agreement

    pairs, kappa_all, kappa_shared = coder_agreement(first, second)
    both = int(((pairs["label_a"] != "not mentioned") & (pairs["label_b"] != "not mentioned")).sum())
    return pairs, {"pairs (either coder)": len(pairs), "pairs (both coders)": both,
                   "kappa, mention + stance": kappa_all, "kappa, stance where both saw a mention": kappa_shared}
