"""Scoring labelled sets (essaylab.validation) and the caches behind notebook 04's validation section."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from conftest import TRAINING, VALIDATION
from essaylab import cache
from essaylab.mention_model import mention_sentences
from essaylab.stance import load_targets, validate
from essaylab.stance_model import load_labelled_sets, training_pairs
from essaylab.validation import ALL_SYSTEMS, BY_SET, CellRule, score_set, score_sets

TARGET_IDS = [t.id for t in load_targets()[0]]
RULE = CellRule(n_boot=200)
SEALED = "test6"  # a set with a positions.csv


@pytest.fixture(scope="module")
def inputs():
    loaded = load_labelled_sets(TRAINING)
    return training_pairs(loaded), mention_sentences(loaded)


@pytest.fixture
def set_copy(tmp_path):
    """A writable copy of a labelled set with a positions.csv."""
    folder = tmp_path / SEALED
    shutil.copytree(VALIDATION / SEALED, folder)
    assert (folder / "positions.csv").is_file()
    return folder


def test_report_counts_and_scores_the_set(inputs, set_copy):
    training, mentions = inputs
    report = score_set(SEALED, set_copy, training, mentions, None, TARGET_IDS, RULE)
    labels = pd.read_csv(set_copy / "labels.csv")
    row = report.summary
    assert row["set"] == SEALED
    assert row["pairs"] == len(labels)  # every label matched to its sentence
    assert row["essays"] == labels["essay"].nunique()
    assert 0 < row["mentions detected"] <= row["pairs"]
    assert row["of these from a rule cue"] <= row["stance labels (target given)"] <= row["pairs"]
    for system in [*ALL_SYSTEMS.values(), *BY_SET.values()]:
        assert 0.0 <= row[system] <= 1.0
    assert len(report.decided) == row["mentions detected"]
    assert set(report.comparison["agreement"]) <= {"same", "opposite", "different", "method: insufficient",
                                                   "essay: mixed or not discussed"}


def test_cached_report_equals_a_fresh_one_and_follows_edits(inputs, set_copy, tmp_path, monkeypatch):
    training, mentions = inputs
    monkeypatch.setenv("ESSAYLAB_CACHE", str(tmp_path / "cache"))
    first = score_set(SEALED, set_copy, training, mentions, None, TARGET_IDS, RULE)
    assert any((tmp_path / "cache").rglob("*.pkl"))
    again = score_set(SEALED, set_copy, training, mentions, None, TARGET_IDS, RULE)  # read back
    monkeypatch.setenv("ESSAYLAB_CACHE", "off")
    fresh = score_set(SEALED, set_copy, training, mentions, None, TARGET_IDS, RULE)
    for report in (again, fresh):
        assert report.summary == first.summary
        pd.testing.assert_frame_equal(report.comparison, first.comparison)
        pd.testing.assert_frame_equal(report.decided, first.decided)

    # An edited positions file gives a new report, not the cached one.
    monkeypatch.setenv("ESSAYLAB_CACHE", str(tmp_path / "cache"))
    positions = pd.read_csv(set_copy / "positions.csv")
    same = first.comparison[first.comparison["agreement"] == "same"].iloc[0]
    row = positions.index[(positions["essay"] == same["essay"]) & (positions["target"] == same["target"])][0]
    flipped = {"favor": "against", "against": "favor", "neutral": "favor"}[same["label"]]
    positions.loc[row, "expected"] = flipped
    positions.to_csv(set_copy / "positions.csv", index=False)
    edited = score_set(SEALED, set_copy, training, mentions, None, TARGET_IDS, RULE)
    assert (edited.comparison["agreement"] == "same").sum() < (first.comparison["agreement"] == "same").sum()
    assert edited.summary == first.summary  # the labels did not change

    # Fewer labels give a different summary.
    labels = (set_copy / "labels.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (set_copy / "labels.csv").write_text("".join(labels[:-5]), encoding="utf-8")
    assert score_set(SEALED, set_copy, training, mentions, None, TARGET_IDS, RULE).summary["pairs"] < first.summary["pairs"]


def test_score_sets_names_sets_without_labels(inputs, set_copy, tmp_path, capsys):
    training, mentions = inputs
    reports = score_sets({"copy": set_copy, "empty": tmp_path / "nothing"}, training, mentions, None, TARGET_IDS, RULE)
    assert list(reports) == ["copy"]
    assert "empty: no labels in" in capsys.readouterr().out


def test_validate_is_cached_by_its_inputs(inputs, set_copy, tmp_path, monkeypatch):
    training, mentions = inputs
    monkeypatch.setenv("ESSAYLAB_CACHE", str(tmp_path / "cache"))
    joined, scores = validate(set_copy / "essays", set_copy / "labels.csv", None, training, mentions)
    joined2, scores2 = validate(set_copy / "essays", set_copy / "labels.csv", None, training, mentions)
    pd.testing.assert_frame_equal(scores, scores2)
    pd.testing.assert_frame_equal(joined, joined2)
    rules_only = validate(set_copy / "essays", set_copy / "labels.csv")[1]  # other inputs, other result
    assert "learned" not in " ".join(rules_only.columns) and "method" in " ".join(scores.columns)
    labels = (set_copy / "labels.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (set_copy / "labels.csv").write_text("".join(labels[:-5]), encoding="utf-8")
    fewer = validate(set_copy / "essays", set_copy / "labels.csv", None, training, mentions)[0]
    assert int(fewer["labelled"].sum()) < int(joined["labelled"].sum())


def test_files_digest_follows_names_bytes_and_absence(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    (folder / "a.txt").write_text("one", encoding="utf-8")
    base = cache.files_digest(folder, tmp_path / "missing.csv")
    assert base == cache.files_digest(folder, tmp_path / "missing.csv")
    (tmp_path / "missing.csv").write_text("", encoding="utf-8")
    assert cache.files_digest(folder, tmp_path / "missing.csv") != base  # an empty file is not an absent one
    (tmp_path / "missing.csv").unlink()
    (folder / "a.txt").write_text("two", encoding="utf-8")
    assert cache.files_digest(folder, tmp_path / "missing.csv") != base
    (folder / "a.txt").rename(folder / "b.txt")
    changed = cache.files_digest(folder, tmp_path / "missing.csv")
    (folder / "b.txt").write_text("one", encoding="utf-8")
    assert cache.files_digest(folder, tmp_path / "missing.csv") not in {base, changed}


def test_compare_rules_counts_every_cell_once_per_rule(inputs, set_copy):
    from essaylab.validation import compare_rules

    training, mentions = inputs
    rules = {"as notebook 04": RULE, "no evidence is enough": CellRule(min_sentences=10_000, n_boot=200),
             "any lean is a position": CellRule(min_sentences=1, min_stance=0.0, min_total=0.0, n_boot=200)}
    table = compare_rules(rules, {SEALED: set_copy}, training, mentions, None, TARGET_IDS).set_index("rule")
    positions = pd.read_csv(set_copy / "positions.csv")
    assert (table["cells"] == len(positions)).all()
    assert (table.drop(columns="cells").sum(axis=1) == table["cells"]).all()
    # a rule that never has enough sentences calls every discussed cell insufficient
    discussed = table.loc["no evidence is enough", "cells"] - table.loc["no evidence is enough",
                                                                        "essay: mixed or not discussed"]
    assert table.loc["no evidence is enough", "method: insufficient"] == discussed
    # one that takes any lean for a position finds at least as many of the writers' positions
    assert table.loc["any lean is a position", "same"] >= table.loc["as notebook 04", "same"]


def test_training_sets_are_scored_without_their_fold(inputs, set_copy, monkeypatch):
    """LEAVE_OUT "fold": a training set's essays are labelled by the model fitted without the set's whole
    fold (its writer and the other sets of its fold), so the report's method columns are its "by set"
    columns, and only that model is prefitted, for the stance and the mention model alike; with "set" the
    model without the set alone, and with "essay" the essays' own models too."""
    from essaylab import validation
    from essaylab.stance_model import folds

    training, mentions = inputs
    asked, asked_mentions = [], []
    monkeypatch.setattr(validation, "prefit", lambda pairs, names: asked.append(set(names)))
    monkeypatch.setattr(validation, "prefit_mentions", lambda sentences, names, path: asked_mentions.append(set(names)))
    monkeypatch.setenv("ESSAYLAB_CACHE", "off")
    fold = "set:" + ",".join(folds(training["set"])[SEALED])
    assert SEALED in fold and "," in fold
    report = score_sets({SEALED: set_copy}, training, mentions, None, TARGET_IDS, RULE)[SEALED]
    assert asked[-1] == {fold} and asked_mentions[-1] == {fold}
    for system, by_set in zip(["learned", "learned_given"], BY_SET.values()):
        assert report.summary[ALL_SYSTEMS[system]] == report.summary[by_set]
    monkeypatch.setattr(validation, "LEAVE_OUT", "set")
    score_sets({SEALED: set_copy}, training, mentions, None, TARGET_IDS, RULE)
    assert asked[-1] == {f"set:{SEALED}"} and asked_mentions[-1] == {f"set:{SEALED}"}
    monkeypatch.setattr(validation, "LEAVE_OUT", "essay")
    score_sets({SEALED: set_copy}, training, mentions, None, TARGET_IDS, RULE)
    essays = set(training.loc[training["set"] == SEALED, "essay_key"])
    assert asked[-1] == essays | {fold} and len(essays) == 4 and asked_mentions[-1] == {f"set:{SEALED}"}


def _pair(labelled=True, detected=True, gold="favor", learned="favor", basis="model"):
    return {"labelled": labelled, "detected": detected, "gold": gold, "learned": learned, "basis_given": basis}


@pytest.mark.parametrize("row, kind, decider", [
    (_pair(labelled=False, gold="none", learned="against"), "stance on a mention the coders did not see", "model"),
    (_pair(detected=False, learned="none"), "mention not detected", "(not detected)"),
    (_pair(gold="none", learned="favor", basis="cue"), "stance where the coders saw none", "rule cue"),
    (_pair(gold="against", learned="none"), "stance missed", "model"),
    (_pair(gold="against", learned="favor", basis="cue"), "stance reversed", "rule cue"),
])
def test_each_disagreement_gets_its_kind_and_decider(row, kind, decider):
    from essaylab.validation import errors

    table = pd.DataFrame([row, _pair()])  # the second pair agrees: not an error
    wrong = errors(table)
    assert wrong["kind"].tolist() == [kind] and wrong["decided by"].tolist() == [decider]


def test_label_scores_margins_and_right_by_decider():
    from essaylab.validation import label_scores, margins, right_by_decider

    table = pd.DataFrame([_pair(gold="favor", learned="favor"), _pair(gold="favor", learned="against"),
                          _pair(gold="against", learned="against", basis="cue"), _pair(gold="none", learned="favor")])
    table["rules"], table["vader"] = table["learned"], "none"
    scores = label_scores(table).set_index(["system (end to end)", "label"])
    method = ALL_SYSTEMS["learned"]
    assert scores.loc[(method, "favor"), "precision"] == pytest.approx(1 / 2)  # 1 of its 2 favor labels right
    assert scores.loc[(method, "favor"), "recall"] == pytest.approx(1 / 2)
    assert scores.loc[(method, "against"), "precision"] == pytest.approx(1 / 2)
    assert scores.loc[(ALL_SYSTEMS["vader"], "favor"), "recall"] == 0.0
    counts = right_by_decider(table)
    assert counts.loc["model", "same"] == 1 and counts.loc["model", "opposite"] == 1
    assert counts.loc["model", "none"] == 1 and counts.loc["rule cue", "same"] == 1
    summary = pd.DataFrame({"set": ["a"], "pairs": [4], ALL_SYSTEMS["learned"]: [0.6], ALL_SYSTEMS["vader"]: [0.4],
                            ALL_SYSTEMS["learned_given"]: [0.7], ALL_SYSTEMS["vader_given"]: [0.75]})
    row = margins(summary).iloc[0]
    assert row["method - tone, end to end"] == pytest.approx(0.2)
    assert row["method - tone, target given"] == pytest.approx(-0.05)


def test_coder_summary_counts_pairs_and_kappas():
    from essaylab.validation import coder_summary

    a = pd.DataFrame({"essay": ["e"] * 3, "text": ["X.", "Y.", "Z."], "target": ["t"] * 3,
                      "label": ["favor", "none", "against"]})
    pairs, row = coder_summary(a, a.drop(index=1))
    assert row["pairs (either coder)"] == 3 and row["pairs (both coders)"] == 2
    assert row["kappa, stance where both saw a mention"] == 1.0 and row["kappa, mention + stance"] < 1.0


def test_labelled_folders_lists_training_sets_first_then_the_others(tmp_path):
    from essaylab.stance_model import TRAINING_SETS
    from essaylab.validation import labelled_folders

    for name in ("zeta", "dev2", "alpha", "heldout", "nolabels"):
        (tmp_path / name).mkdir()
        if name != "nolabels":
            (tmp_path / name / "labels.csv").write_text("essay,sentence,text,target,label\n", encoding="utf-8")
    folders = labelled_folders(tmp_path, ["gold", "heldout", "dev2"])
    assert list(folders) == ["heldout", "dev2", "alpha", "zeta"]
    assert folders["dev2"] == (tmp_path / "dev2", True) and folders["zeta"] == (tmp_path / "zeta", False)
    real = labelled_folders(VALIDATION)  # the project's sets: every training set but the seeds' gold.csv
    assert [name for name, (_, training) in real.items() if training] == [s for s in TRAINING_SETS if s != "gold"]


def test_author_level_variants_reproduce_the_report_and_count_every_cell(inputs, set_copy):
    """The sealed scoring's variant rows (validation/score_sealed.py): the "method" row is the set report's
    comparison; every variant counts each of the writer's cells once; the positions table adds up."""
    from essaylab.validation import VARIANTS, author_level_variants, positions_taken

    training, mentions = inputs
    labelled_set = load_labelled_sets({SEALED: (set_copy / "essays", set_copy / "labels.csv")})[SEALED]
    positions = pd.read_csv(set_copy / "positions.csv")
    counts, cells = author_level_variants(labelled_set, positions, training, mentions, None, TARGET_IDS, RULE)
    assert list(counts["variant"]) == list(VARIANTS)
    assert (counts["cells"] == len(positions)).all()
    assert (counts.drop(columns=["variant", "cells"]).sum(axis=1) == counts["cells"]).all()
    report = score_set(SEALED, set_copy, training, mentions, None, TARGET_IDS, RULE)
    method = counts.set_index("variant").loc["method"]
    for agreement, n in report.comparison["agreement"].value_counts().items():
        assert method[agreement] == n
    assert cells["label"].tolist() == report.comparison["label"].tolist()
    taken = positions_taken(cells).set_index("essay")
    sided = positions["expected"].str.strip().str.lower().isin(["favor", "against"])
    assert taken.loc["all", "positions"] == sided.sum() == taken.drop(index="all")["positions"].sum()
    assert taken.loc["all", "matched"] == method["same"] - ((cells["agreement"] == "same") & ~cells["expected"].isin(
        ["favor", "against"])).sum()
    assert taken.loc["all", "reversed"] == method["opposite"]
    assert (taken[["matched", "reversed", "neutral", "insufficient"]].sum(axis=1) <= taken["positions"]).all()


def test_sealed_scoring_script_names_a_missing_folder(tmp_path):
    import subprocess
    import sys

    missing = tmp_path / "test99"
    done = subprocess.run([sys.executable, str(VALIDATION.parent / "score_sealed.py"), str(missing)],
                          capture_output=True, text=True)
    assert done.returncode == 2 and str(missing / "essays") in done.stderr
