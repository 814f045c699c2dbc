"""The learned mention model: what it finds, cross-fitting, explanations, determinism, and its measured gain."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import TRAINING, VALIDATION, SEEDS, write_corpus
from essaylab import load_corpus
from essaylab.mention_model import THRESHOLD, add_learned_mentions, fit_mentions, join_with_mentions, \
    learned_mentions, mention_sentences
from essaylab.stance import _EVIDENCE_COLUMNS, load_targets, macro_f1, stance_evidence
from essaylab.stance_model import add_learned, load_labelled_sets, training_pairs

TARGET_IDS = [t.id for t in load_targets()[0]]


@pytest.fixture(scope="module")
def loaded():
    return load_labelled_sets(TRAINING)


@pytest.fixture(scope="module")
def sentences(loaded):
    return mention_sentences(loaded)


def test_training_sentences_are_every_body_sentence_with_the_hand_labelled_targets(loaded, sentences):
    assert len(sentences) == sum(len(e.sentences) for s in loaded.values() for e in s.corpus)
    pairs = int(sentences["targets"].str.split().str.len().sum())
    hand = sum(int(s.joined["labelled"].sum()) for s in loaded.values())
    assert pairs == hand  # every hand-labelled pair is a positive, once


def test_fit_is_deterministic(sentences):
    a, b = fit_mentions(sentences, TARGET_IDS), fit_mentions(sentences, TARGET_IDS)
    assert set(a.classifiers) == set(TARGET_IDS)
    for target in a.classifiers:
        np.testing.assert_array_equal(a.classifiers[target].coef_, b.classifiers[target].coef_)


# (paragraph, the target the rules cannot find in the second sentence, whether the model should find it):
# descriptions and continuations that name no alias of the targets file; and sentences about none.
CASES = [
    ("The Pentagon is drawing up plans for drones over Sinaloa. A single strike would be a catastrophe for "
     "everyone who lives there.", "military_action", True),
    ("Pemex lost money again this quarter. The refinery at Dos Bocas still runs at a fraction of its capacity.",
     "energy_nationalism", True),
    ("Sheinbaum took office in October. The weather that week was mild.", "sheinbaum", False),
    ("My grandmother grew tomatoes in Oaxaca. The garden was small but the soil was good.", "military_action", False),
    ("My grandmother grew tomatoes in Oaxaca. The garden was small but the soil was good.", "usmca", False),
]


@pytest.mark.parametrize("paragraph, target, expected", CASES)
def test_learned_mentions_on_new_text(tmp_path, sentences, paragraph, target, expected):
    corpus = load_corpus(write_corpus(tmp_path, {"new.txt": paragraph},
                                      [{"file": "new.txt", "author": "New Writer", "date": "2025-03"}]))
    evidence = stance_evidence(corpus)
    got = learned_mentions(evidence, corpus, sentences)
    found = got[(got["target"] == target) & (got["sentence_index"] == 1)]
    assert (len(found) == 1) == expected
    assert not got.merge(evidence, on=["essay", "sentence_index", "target"]).shape[0]  # never a rule-found pair
    if expected:
        row = found.iloc[0]
        assert row["via"] == "learned"
        assert row["cues"].startswith("mention learned p=")
        assert float(row["cues"].split("p=")[1].split(":")[0]) >= THRESHOLD


def test_added_rows_keep_the_evidence_columns_and_order(tmp_path, sentences):
    corpus = load_corpus(write_corpus(tmp_path, {"a.txt": CASES[0][0], "b.txt": CASES[1][0]}))
    evidence = stance_evidence(corpus)
    both = add_learned_mentions(evidence, corpus, sentences)
    assert list(both.columns) == _EVIDENCE_COLUMNS
    assert len(both) > len(evidence)
    order = both["essay"].map({e.id: i for i, e in enumerate(corpus)})
    assert (pd.DataFrame({"o": order, "s": both["sentence_index"]}).diff().dropna()
            .apply(lambda d: d["o"] > 0 or (d["o"] == 0 and d["s"] >= 0), axis=1).all())
    pd.testing.assert_frame_equal(both, add_learned_mentions(evidence, corpus, sentences))  # deterministic


def test_a_labelled_set_is_read_by_a_model_trained_without_it(loaded, sentences):
    """Cross-fitting by set: the seeds' learned mentions equal those of a model never shown the seeds' labels."""
    seeds = loaded["gold"]
    got = learned_mentions(seeds.evidence, seeds.corpus, sentences)
    without = sentences[sentences["set"] != "gold"]
    # with the seeds left out of the training data the seeds are new essays: the all-data model ("") is used
    expected = learned_mentions(seeds.evidence, seeds.corpus, without)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True))


def test_learned_mentions_raise_end_to_end_f1_leave_one_set_out(loaded, sentences):
    """Measured, not assumed: over the labelled sets, with every model trained without the set it reads,
    the learned mentions find more of the hand-labelled pairs and raise pooled end-to-end macro-F1."""
    pairs = training_pairs(loaded)
    before, after = [], []
    for name, labelled_set in loaded.items():
        before.append(add_learned(labelled_set.joined, labelled_set.corpus, pairs, leave_out="set"))
        _, joined = join_with_mentions(labelled_set, TRAINING[name][1], sentences)
        after.append(add_learned(joined, labelled_set.corpus, pairs, leave_out="set"))
    before, after = pd.concat(before), pd.concat(after)
    found = lambda j: j.loc[j["labelled"], "detected"].mean()
    assert found(after) > found(before) + 0.05
    assert macro_f1(after["gold"], after["learned"]) > macro_f1(before["gold"], before["learned"]) + 0.02



def test_prefit_stores_the_mention_models_the_labelling_reads(sentences, tmp_path, monkeypatch):
    from essaylab import cache
    from essaylab.mention_model import _digest, _fit_without, _model_key, prefit

    import essaylab.mention_model as mention_model

    monkeypatch.setenv("ESSAYLAB_CACHE", str(tmp_path))
    monkeypatch.setattr(mention_model, "_FITTED", {})  # none in memory from earlier tests
    targets = tuple(t.id for t in load_targets()[0])
    names = ["set:gold", "set:heldout"]
    assert prefit(sentences, names) == 2 and prefit(sentences, names) == 0
    for name in names:
        stored = cache.load(_model_key(_digest(sentences), name, targets))["value"]
        fresh = _fit_without(sentences, name, targets)
        for target, classifier in fresh.classifiers.items():
            assert stored.classifiers[target].coef_.tobytes() == classifier.coef_.tobytes()


@pytest.mark.parametrize("texts", [
    ["bb aa cc", "aa aa dd cc", "ee bb", "", "dd ee ff"],  # terms in one text only are dropped (min_df=2)
    ["prev_amlo the plan", "the plan fails", "a plan the plan", "prev_amlo fails"],
])
def test_analysed_rows_are_the_mention_vectorizers_matrix_entry_for_entry(texts):
    """The cross-fitted mention models read their features off one analysis of all sentences; for any subset
    of rows the vocabulary (min_df=2 within the rows) and matrix are CountVectorizer's, entry for entry."""
    from essaylab.mention_model import _vectorizer
    from essaylab.stance_model import _Analysed

    analysed = _Analysed.of(texts, _vectorizer())
    for rows in ([0, 1, 2, 3], [0, 1, 2], [0, 2, 3], [0, 1, 3]):
        rows = np.array(rows)
        vectorizer, got, present = analysed.restricted(rows, _vectorizer())
        reference = _vectorizer()
        expected = reference.fit_transform([texts[r] for r in rows])
        assert vectorizer.vocabulary_ == reference.vocabulary_ and vectorizer.min_df == reference.min_df
        assert list(analysed.terms[present]) == list(reference.get_feature_names_out())
        for part in ("indptr", "indices", "data"):
            np.testing.assert_array_equal(getattr(got, part), getattr(expected, part))
            assert getattr(got, part).dtype == getattr(expected, part).dtype


def test_analysed_rows_refuse_a_proportional_min_df():
    from essaylab.mention_model import _vectorizer
    from essaylab.stance_model import _Analysed

    with pytest.raises(ValueError, match="min_df"):
        _Analysed.of(["a b", "a c"]).restricted(np.array([0, 1]), _vectorizer().set_params(min_df=0.5))


@pytest.mark.parametrize("leave_out", ["set", "fold"])
def test_cross_fitted_mention_models_are_a_fit_from_scratch_bit_for_bit(sentences, leave_out):
    """A cross-fitted mention model reads its features off one analysis of all sentences: it is fit_mentions
    of the kept sentences (without the set, or its whole fold), weight for weight."""
    from essaylab.mention_model import _digest, _fit_without
    from essaylab.stance_model import folds

    targets = tuple(TARGET_IDS)
    left_out = (sentences["set"].iloc[-1],) if leave_out == "set" else folds(sentences["set"])[sentences["set"].iloc[-1]]
    name = "set:" + ",".join(left_out)
    kept = sentences[~sentences["set"].isin(left_out)]
    fast, reference = _fit_without(sentences, name, targets, _digest(sentences)), fit_mentions(kept, list(targets))
    assert fast.n_sentences == reference.n_sentences < len(sentences)
    assert list(fast.names) == list(reference.names)
    assert fast.vectorizer.vocabulary_ == reference.vectorizer.vocabulary_
    assert set(fast.classifiers) == set(reference.classifiers)
    for target, classifier in reference.classifiers.items():
        assert fast.classifiers[target].coef_.tobytes() == classifier.coef_.tobytes()
        assert fast.classifiers[target].intercept_.tobytes() == classifier.intercept_.tobytes()
    assert _fit_without(sentences, "", targets).n_sentences == len(sentences)  # nothing left out
