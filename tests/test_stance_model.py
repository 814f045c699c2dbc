"""The learned stance model: features, hybrid with the rules, cross-fitting, out-of-essay quality."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import TRAINING, VALIDATION, CLEAR_SEED_CASES, SEEDS, write_corpus
from essaylab import load_corpus
from essaylab.stance import evaluate, find_mentions, join_labels, load_targets, pair_features, read_labels, \
    stance_evidence
from essaylab import stance_model
from essaylab.stance_model import C, _digest, _fit_subset, _modelled, add_learned, apply_model, fit_model, \
    sample_weights, training_pairs
from essaylab.validation import CellRule  # the method's author-level rule, as notebook 04 uses it

TARGETS, OFFICES = load_targets()


@pytest.fixture(scope="module")
def pairs():
    return training_pairs(TRAINING)


@pytest.mark.parametrize("sentence, target, context", [
    # the target becomes TGT, other targets OTHER: no target name is a feature
    ("Trump should not abandon the USMCA.", "usmca", "OTHER should not neg_abandon neg_the neg_TGT"),
    ("Trump should not abandon the USMCA.", "trump", "TGT should not neg_abandon neg_the neg_OTHER"),
    # only the clauses that mention the target
    ("China invests, but Sheinbaum is wary.", "sheinbaum", "but TGT is wary"),
    ("Nobody doubts that López Obrador's reforms failed.", "amlo", "nobody doubts that TGT s reforms failed VNEG"),
])
def test_pair_features_hide_the_target(sentence, target, context):
    got, tone = pair_features(sentence, find_mentions(sentence, TARGETS, OFFICES, "2024-05"), target)
    assert got == context
    assert -1.0 <= tone <= 1.0


def test_training_pairs_are_every_hand_label(pairs):
    expected = sum(len(read_labels(labels)) for _, labels in TRAINING.values())
    assert len(pairs) == expected
    assert set(pairs["gold"]) == {"favor", "against", "none"}
    assert pairs["essay_key"].nunique() == pairs.groupby("set")["essay"].nunique().sum()


def test_fit_is_deterministic(pairs):
    a, b = fit_model(pairs), fit_model(pairs)
    np.testing.assert_array_equal(a.classifier.coef_, b.classifier.coef_)


def test_labelled_essays_are_labelled_out_of_essay(pairs):
    """An essay in the training data gets the model fitted without it (cross-fitting)."""
    corpus = load_corpus(SEEDS)
    evidence = stance_evidence(corpus)
    got = apply_model(evidence, corpus, pairs)
    essay = corpus[0] if hasattr(corpus, "__getitem__") else next(iter(corpus))
    rows = evidence[evidence["essay"] == essay.id]
    key = pairs.loc[pairs["essay"] == essay.id, "essay_key"].iloc[0]
    without = _fit_subset(pairs, _digest(pairs), lambda p: p["essay_key"] != key, C)  # the essay left out
    assert without.n_pairs == len(_modelled(pairs[pairs["essay_key"] != key]))
    predicted = without.predict(rows["context"], rows["target"], rows["score"], rows["tone"])
    by_model = rows["basis"] != "cue"
    assert (got.loc[rows.index[by_model], "label"] == predicted.loc[by_model, "label"]).all()
    # and not the model that saw it, which fits its own labels more closely
    with_it = fit_model(pairs).predict(rows["context"], rows["target"], rows["score"], rows["tone"])
    assert not (with_it["score"].to_numpy() == predicted["score"].to_numpy()).all()


def test_rule_cues_stand_and_model_labels_are_explained(pairs, tmp_path):
    text = ("López Obrador's policies have violated the USMCA. The United States should work to shore up "
            "the USMCA.\n\nChina is investing in Mexico.")
    folder = write_corpus(tmp_path / "e", {"x.txt": text}, rows=[{"file": "x.txt", "author": "A", "date": "2024-05"}])
    corpus = load_corpus(folder)
    rules = stance_evidence(corpus)
    got = apply_model(rules, corpus, pairs)
    cue = rules["basis"] == "cue"
    assert cue.sum() >= 3
    assert got.loc[cue, "label"].tolist() == rules.loc[cue, "label"].tolist()
    assert got.loc[cue, "cues"].tolist() == rules.loc[cue, "cues"].tolist()
    assert got.loc[~cue, "cues"].str.startswith("learned ").all()
    assert got.loc[got["basis"] == "model", "label"].isin(["favor", "against"]).all()
    assert (got["rule_label"] == rules["label"]).all()


def test_method_beats_tone_out_of_essay(pairs):
    """Leave-one-essay-out on every labelled set: the hybrid beats the tone baseline overall."""
    frames = []
    for name, (essays, labels) in TRAINING.items():
        corpus = load_corpus(essays)
        frames.append(add_learned(join_labels(stance_evidence(corpus), read_labels(labels)), corpus, pairs))
    joined = pd.concat(frames, ignore_index=True)
    overall = evaluate(joined, ["learned", "vader", "learned_given", "vader_given", "rules_given"]) \
        .set_index("target").loc["ALL"]
    assert overall["learned_given"] > overall["vader_given"] + 0.05
    assert overall["learned_given"] > overall["rules_given"]
    assert overall["learned"] > overall["vader"] + 0.05


def test_too_few_classes_is_a_clear_error(pairs):
    with pytest.raises(ValueError, match="two classes"):
        fit_model(pairs[pairs["gold"] == "none"])


def test_seed_essays_clear_cases_with_the_model(pairs):
    """The clearest positions in the seeds come out as a reader sees them, each essay labelled out of essay."""
    corpus = load_corpus(SEEDS)
    evidence = apply_model(stance_evidence(corpus), corpus, pairs)
    cells = CellRule(n_boot=200).cells(evidence, [t.id for t in TARGETS], corpus.authors)  # the method's cell rule
    got = cells.set_index(["author", "target"])["label"]
    assert [got[author, target] for author, target, _ in CLEAR_SEED_CASES] == [x for _, _, x in CLEAR_SEED_CASES]


def test_leave_one_set_out_leaves_the_whole_set_out(pairs):
    from essaylab.stance_model import _exclusions

    corpus = load_corpus(VALIDATION / "dev2" / "essays")
    by_set = _exclusions(corpus, pairs, "set")
    assert set(by_set.values()) == {"set:dev2"}
    by_essay = _exclusions(corpus, pairs, "essay")
    assert len(set(by_essay.values())) == len(list(corpus))
    with pytest.raises(ValueError, match="leave_out"):
        _exclusions(corpus, pairs, "writer")


def test_leave_one_fold_out_leaves_the_set_and_its_fold_out(pairs):
    """Every set is in exactly one fold; the folds are of near-equal size and do not depend on the order of
    the sets; an essay's fold exclusion names its own set and the rest of its fold, and the model fitted
    for it keeps exactly the pairs of the other folds."""
    from essaylab.stance_model import FOLDS, _exclusions, _kept, folds

    groups = folds(pairs["set"])
    names = sorted(set(pairs["set"]))
    assert set(groups) == set(names) and all(name in groups[name] for name in names)
    distinct = set(groups.values())
    assert len(distinct) == min(FOLDS, len(names)) and sum(map(len, distinct)) == len(names)
    assert max(map(len, distinct)) - min(map(len, distinct)) <= 1
    assert folds(pairs["set"].iloc[::-1]) == groups
    corpus = load_corpus(VALIDATION / "dev2" / "essays")
    (by_fold,) = set(_exclusions(corpus, pairs, "fold").values())
    assert by_fold == "set:" + ",".join(groups["dev2"]) and len(groups["dev2"]) > 1
    kept = _kept(by_fold)(pairs)
    assert not kept[pairs["set"].isin(groups["dev2"])].any() and kept[~pairs["set"].isin(groups["dev2"])].all()


def test_a_new_essay_with_opposite_views_added_to_the_seeds(pairs, seeds_copy):
    """An essay whose views run against the seeds', added to them (test4's hawkish column: for strikes on
    cartels and for Trump, against the USMCA and China; labelled by models fitted without it, since test4
    is training data): its cells follow the writer's own reading of the essay (test4's positions.csv):
    none is reversed, at least six of its ten come out the same, the USMCA among them. Cells resting on a few
    sentences move with the training data and the method: with seventeen training sets and label-counting
    cells five were the same (China neutral, AMLO insufficient); with twenty sets, target-prefixed features
    and score-averaging cells seven are (Sheinbaum different, deportation and energy nationalism
    insufficient). The sealed-test comparisons, reversed cells included, are in validation/README.md."""
    from essaylab.stance import compare_positions

    source = VALIDATION / "test4" / "essays"
    (seeds_copy / "column-2025.txt").write_bytes((source / "column-2025.txt").read_bytes())
    row = next(line for line in (source / "metadata.csv").read_text(encoding="utf-8").splitlines()
               if line.startswith("column-2025.txt,"))
    with open(seeds_copy / "metadata.csv", "a", encoding="utf-8") as metadata:
        metadata.write(row + "\n")
    corpus = load_corpus(seeds_copy)
    assert "Rick Dawes" in corpus.authors
    from essaylab.mention_model import add_learned_mentions, mention_sentences
    from essaylab.stance_model import load_labelled_sets

    mentions = mention_sentences(load_labelled_sets(TRAINING))
    evidence = apply_model(add_learned_mentions(stance_evidence(corpus), corpus, mentions), corpus, pairs)
    cells = CellRule(n_boot=200).cells(evidence, [t.id for t in TARGETS], corpus.authors)  # the method's cell rule
    positions = pd.read_csv(VALIDATION / "test4" / "positions.csv")
    compared = compare_positions(cells, positions[positions["essay"] == "column-2025"],
                                 {e.id: e.author for e in corpus}).set_index("target")["agreement"]
    assert len(compared) == 10
    assert not (compared == "opposite").any(), compared.to_dict()
    assert (compared == "same").sum() >= 6, compared.to_dict()
    assert compared["usmca"] == "same"


def _toy_pairs(rows):
    """Labelled pairs as :func:`training_pairs` gives them, from ``(context, target, gold)`` rows."""
    return pd.DataFrame([{"set": "toy", "essay": f"e{i}", "essay_key": f"k{i}", "sentence": context,
                          "target": target, "gold": gold, "rules_given": "none", "score_given": 0.0,
                          "basis_given": "", "context": context, "tone": 0.0}
                         for i, (context, target, gold) in enumerate(rows)])


def test_target_prefixed_features_let_a_word_lean_both_ways():
    """The same clause leans one way for one target and the other way for another when the training data
    say so (the target-prefixed copies); a target with no training pairs falls back on the shared words."""
    rows = ([("sovereignty demands TGT", "energy_nationalism", "favor")] * 6
            + [("sovereignty forbids TGT", "military_action", "against")] * 6
            + [("TGT was discussed", "usmca", "none")] * 6
            + [("we need TGT now", "nearshoring", "favor")] * 3)
    model = fit_model(_toy_pairs(rows), C=10.0)
    assert "energy_nationalism:sovereignty" in model.feature_names()
    context = pd.Series(["sovereignty requires TGT"] * 3)
    got = model.predict(context, pd.Series(["energy_nationalism", "military_action", "deportation"]),
                        pd.Series([0.0] * 3), pd.Series([0.0] * 3))
    assert list(got["label"][:2]) == ["favor", "against"]
    assert got["score"][0] > got["score"][2] > got["score"][1]  # the new target: shared words only, in between
    assert not any("deportation:" in why for why in got["why"])


@pytest.mark.parametrize("targets, labels", [
    (["a", "a", "a", "b"], ["favor", "favor", "none", "none"]),  # a target with one label weighs its pairs
    (["a"] * 5 + ["b"] * 3, ["favor"] * 4 + ["against", "none", "favor", "against"]),
    (["a"] * 3, ["none", "favor", "against"]),  # balanced already: every weight 1
])
def test_sample_weights_balance_the_labels_within_each_target(targets, labels):
    frame = pd.DataFrame({"target": targets, "gold": labels,
                          "w": sample_weights(pd.Series(targets), pd.Series(labels))})
    for target, rows in frame.groupby("target"):
        totals = rows.groupby("gold")["w"].sum()
        assert np.allclose(totals, totals.iloc[0])  # each label of the target weighs the same in total
        assert rows["w"].sum() == pytest.approx(len(rows))  # and the target weighs its number of pairs


def test_a_targets_majority_label_is_not_learned_as_a_prior(monkeypatch):
    """A target the training essays mostly favour (and another they mostly oppose): a clause said of it both
    ways ("TGT brings") should not lean favor because most of its training pairs did. With labels balanced
    over all pairs only, the target-prefixed ``china:TGT`` feature carries that majority."""
    rows = ([("TGT brings jobs", "china", "favor")] * 12 + [("TGT brings risk", "china", "against")] * 2
            + [("TGT brings jobs", "usmca", "favor")] * 2 + [("TGT brings risk", "usmca", "against")] * 12
            + [("TGT met them", target, "none") for target in ("china", "usmca")] * 6)
    context, target, zero = pd.Series(["TGT brings"]), pd.Series(["china"]), pd.Series([0.0])
    scores = {}
    for balance in ("all", "target"):
        monkeypatch.setattr(stance_model, "BALANCE", balance)
        scores[balance] = fit_model(_toy_pairs(rows), C=10.0).predict(context, target, zero, zero)["score"].iloc[0]
    assert scores["all"] > 0.2  # the prior, as the rule before learned it
    assert abs(scores["target"]) < 0.05


def test_setting_C_on_the_module_is_the_default_strength(monkeypatch):
    """``stance_model.C`` set by a caller is what the fitting functions use when not given one (it was bound
    when the functions were defined, so setting it did nothing), and it is part of the settings that key the
    cached validation reports."""
    rows = ([("we need TGT now", "nearshoring", "favor")] * 4 + [("TGT is a mistake", "nearshoring", "against")] * 4
            + [("TGT was discussed", "nearshoring", "none")] * 4)
    pairs, args = _toy_pairs(rows), (pd.Series(["we need TGT"]), pd.Series(["nearshoring"]), pd.Series([0.0]), pd.Series([0.0]))
    weak, strong = (fit_model(pairs, C=c).predict(*args)["score"].iloc[0] for c in (0.01, 10.0))
    assert strong > weak + 0.1  # the strengths give different models
    before = stance_model._settings()
    monkeypatch.setattr(stance_model, "C", 10.0)
    assert fit_model(pairs).predict(*args)["score"].iloc[0] == strong
    assert stance_model._settings() != before  # so the cached reports keyed by the settings are not reused


def test_a_changed_setting_is_not_read_from_the_cache(monkeypatch):
    """A model fitted with other labels' weights is another model: its cache key and memo key differ."""
    keys = set()
    for balance in ("all", "target"):
        monkeypatch.setattr(stance_model, "BALANCE", balance)
        keys.add(stance_model._model_key("digest", "essay", C))
    assert len(keys) == 2


@pytest.mark.parametrize("texts", [
    ["b a c", "a a d c", "e b", ""],  # the second text brings "d" after "a" and "c", which the first brought
    ["neg_TGT is x", "x should TGT", "should TGT neg_TGT", "z"],
])
@pytest.mark.parametrize("min_df", [1, 2])
def test_analysed_rows_are_the_vectorizers_matrix_entry_for_entry(texts, min_df, monkeypatch):
    """The cross-fitted models read their features off one analysis of all pairs; for any subset of rows the
    matrix is CountVectorizer's, down to the order of the entries within a row (the fit sums in that order),
    with the features in fewer than MIN_DF of the rows dropped as the vectorizer drops them."""
    import essaylab.stance_model as stance_model
    from essaylab.stance_model import _Analysed, _vectorizer

    monkeypatch.setattr(stance_model, "MIN_DF", min_df)
    analysed = _Analysed.of(texts)
    for rows in ([0, 1, 2, 3], [1, 2], [2, 0], [3, 1]):
        rows = np.array(sorted(rows))
        reference = _vectorizer()
        try:
            expected = reference.fit_transform([texts[r] for r in rows])
        except ValueError:  # no term in MIN_DF of these rows: both refuse
            with pytest.raises(ValueError):
                analysed.restricted(rows)
            continue
        vectorizer, got, present = analysed.restricted(rows)
        assert vectorizer.vocabulary_ == reference.vocabulary_
        assert list(analysed.terms[present]) == list(reference.get_feature_names_out())
        for part in ("indptr", "indices", "data"):
            np.testing.assert_array_equal(getattr(got, part), getattr(expected, part))
            assert getattr(got, part).dtype == getattr(expected, part).dtype


def test_the_model_of_all_pairs_is_fit_model_bit_for_bit(pairs):
    from essaylab.stance_model import _digest, _fit_subset, _kept

    fast, reference = _fit_subset(pairs, _digest(pairs), _kept(""), 0.1), fit_model(pairs, 0.1)
    assert fast.n_pairs == reference.n_pairs and fast.feature_names() == reference.feature_names()
    assert fast.classifier.coef_.tobytes() == reference.classifier.coef_.tobytes()
    assert fast.classifier.intercept_.tobytes() == reference.classifier.intercept_.tobytes()


@pytest.mark.parametrize("leave_out", ["essay", "set", "fold"])
def test_cross_fitted_models_match_a_fit_from_scratch(pairs, leave_out):
    """A cross-fitted model starts from the full model's weights; it has the features a fit from scratch
    has, and the solver stops close to the same optimum: nearly the same labels and scores."""
    from essaylab.stance_model import _digest, _fit_subset, _kept, folds

    last = pairs["set"].iloc[-1]
    name = {"essay": pairs["essay_key"].iloc[0], "set": f"set:{last}",
            "fold": "set:" + ",".join(folds(pairs["set"])[last])}[leave_out]
    fast = _fit_subset(pairs, _digest(pairs), _kept(name), 0.1)
    reference = fit_model(pairs[_kept(name)(pairs)], 0.1)
    assert fast.n_pairs == reference.n_pairs < len(pairs)
    assert fast.feature_names() == reference.feature_names()
    assert fast.classifier.n_iter_[0] < reference.classifier.n_iter_[0]  # the point of the warm start
    args = pairs["context"], pairs["target"], pairs["score_given"], pairs["tone"]
    got, expected = fast.predict(*args), reference.predict(*args)
    assert (got["label"] == expected["label"]).mean() > 0.998  # measured: 1 to 4 of 3,800 pairs differ
    difference = (got["score"] - expected["score"]).abs()
    assert difference.mean() < 0.005 and difference.max() < 0.05  # measured: ~0.002 and ~0.02
    again = _fit_subset(pairs, _digest(pairs), _kept(name), 0.1)  # and it is deterministic
    assert again.classifier.coef_.tobytes() == fast.classifier.coef_.tobytes()


def test_prefit_fits_the_missing_models_on_two_processes(pairs, tmp_path, monkeypatch):
    from essaylab import cache
    from essaylab.stance_model import _digest, _fit_subset, _kept, _model_for, _model_key, prefit

    import essaylab.stance_model as stance_model

    monkeypatch.setattr(stance_model, "_FITTED", {})  # none in memory from earlier tests
    small = pairs[pairs["set"].isin(["gold", "heldout"])]
    digest = _digest(small)
    monkeypatch.setenv("ESSAYLAB_CACHE", str(tmp_path / "other"))
    assert prefit(small, ["set:gold", "set:heldout"], 0.1, jobs=2) == 2  # workers start with this cache folder
    monkeypatch.setenv("ESSAYLAB_CACHE", str(tmp_path / "cache"))  # and are reused with this one
    names = ["", "set:gold", *small.loc[small["set"] == "gold", "essay_key"].unique()[:2]]
    # "" (all pairs) is fitted by this process first, and was kept in memory: the workers fit the other three
    assert prefit(small, names, 0.1, jobs=2) == 3
    assert all(cache.exists(_model_key(digest, name, 0.1)) for name in names)
    assert prefit(small, names, 0.1, jobs=2) == 0  # stored: nothing left to fit
    for name in names:  # what the workers stored is what this process would have fitted
        stored = _model_for(small, digest, name, 0.1).classifier.coef_
        assert stored.tobytes() == _fit_subset(small, digest, _kept(name), 0.1).classifier.coef_.tobytes()
    monkeypatch.setenv("ESSAYLAB_CACHE", "off")
    assert prefit(small, ["set:heldout"], 0.1, jobs=2) == 0  # the labelling functions fit it as needed
    monkeypatch.setenv("ESSAYLAB_JOBS", "two")
    monkeypatch.setenv("ESSAYLAB_CACHE", str(tmp_path / "cache"))
    with pytest.raises(ValueError, match="ESSAYLAB_JOBS"):
        prefit(small, ["set:heldout"], 0.1)


@pytest.mark.parametrize("setting, value", [("BALANCE", "all"), ("TARGET_FEATURES", False), ("MIN_DF", 1)])
def test_worker_processes_fit_with_the_callers_settings(pairs, tmp_path, monkeypatch, setting, value):
    """Worker processes import the module afresh, with its defaults; prefit hands them the caller's settings,
    so a model stored under a setting's cache key is the model fitted with that setting (and the workers
    fitted it: nothing is left for this process to fit)."""
    from essaylab import cache
    from essaylab.stance_model import _digest, _fit_subset, _kept, _model_key, prefit

    import essaylab.stance_model as stance_model

    monkeypatch.setattr(stance_model, "_FITTED", {})
    monkeypatch.setattr(stance_model, "_ANALYSED", {})
    monkeypatch.setattr(stance_model, setting, value)
    monkeypatch.setenv("ESSAYLAB_CACHE", str(tmp_path / "cache"))
    small = pairs[pairs["set"].isin(["gold", "heldout"])]
    digest, names = _digest(small), ["set:gold", "set:heldout"]
    assert prefit(small, names, 0.1, jobs=2) == 2
    for name in names:
        stored = cache.load(_model_key(digest, name, 0.1))["value"]
        expected = _fit_subset(small, digest, _kept(name), 0.1)
        assert stored.feature_names() == expected.feature_names()
        assert stored.classifier.coef_.tobytes() == expected.classifier.coef_.tobytes()
    default = {"BALANCE": "target", "TARGET_FEATURES": True, "MIN_DF": 2}[setting]
    monkeypatch.setattr(stance_model, setting, default)
    assert not cache.exists(_model_key(digest, "set:gold", 0.1))  # nothing was stored under the default


def test_prefixed_features_read_off_the_shared_ones_are_the_vectorizers(pairs, monkeypatch):
    """On a large table the target-prefixed block is built from the shared one (_prefixed_block); it must be
    the target vectorizer's matrix entry for entry, order within a row included, so the labels and scores
    are the same bit for bit. Includes a target with no training pairs and an empty context."""
    from scipy import sparse

    model = fit_model(pairs)
    context = pairs["context"].reset_index(drop=True).copy()
    target = pairs["target"].reset_index(drop=True).copy()
    context.iloc[0], target.iloc[1] = None, "a_target_never_trained"
    slow = sparse.hstack(stance_model._word_blocks(model.vectorizer, model.target_vectorizer, context, target)).tocsr()
    maps = stance_model._prefix_maps(model.vectorizer, model.target_vectorizer)
    shared = model.vectorizer.transform(context.fillna(""))
    fast = sparse.hstack([shared, stance_model._prefixed_block(shared, target, maps,
                                                               len(model.target_vectorizer.vocabulary_))]).tocsr()
    for part in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(slow, part), getattr(fast, part))
    zero = pd.Series([0.0] * len(context))
    monkeypatch.setattr(stance_model, "_MAP_MIN_ROWS", 10 ** 9)
    before = model.predict(context, target, zero, zero)
    monkeypatch.setattr(stance_model, "_MAP_MIN_ROWS", 1)
    pd.testing.assert_frame_equal(model.predict(context, target, zero, zero), before)


@pytest.mark.parametrize("items, n_jobs, parts", [
    (["a", "b", "c", "d", "e"], 2, [["a", "c", "e"], ["b", "d"]]),  # interleaved, one part per process
    (["a", "b"], 4, [["a"], ["b"]]),  # no more processes than items
    (["a"], 2, None),  # one item, or one job: nothing sent, the caller fits it itself
    (["a", "b"], 1, None),
])
def test_run_parts_sends_each_process_one_interleaved_part(items, n_jobs, parts, monkeypatch):
    from essaylab import workers

    sent = []
    monkeypatch.setattr(workers, "run", lambda function, arguments: sent.extend(arguments))
    given = workers.run_parts(print, items, "shared", 7, n_jobs=n_jobs)
    assert given == (len(items) if parts else 0)
    assert sent == ([("shared", 7, part) for part in parts] if parts else [])
