"""Learned mention detection: targets a sentence is about without naming them.

Why: the rules of :mod:`essaylab.stance` find a target by its name, an alias, an
office ("the Mexican president"), a back-reference or a pronoun. They find
about two thirds of the (sentence, target) pairs the coders labelled in
``validation/stance``; most of the rest are general descriptions ("a strike in
Sinaloa", "the refinery at Dos Bocas", "an assembly line that moves from
Shenzhen to Saltillo") and sentences that continue the previous one ("It would
be a catastrophe."). Alias lists cannot anticipate such wording on an essay
nobody has read; a classifier trained on the coders' mentions can learn the
vocabulary around each target.

* **Model**: for each target with at least :data:`MIN_POSITIVES` labelled
  sentences, a logistic regression (scikit-learn, ``lbfgs``, deterministic) on the
  sentence's words and pairs of adjacent words (lowercased, accents folded),
  plus one token ``prev_<target>`` for each target the rules found in the
  previous sentence. Positives: sentences the coders labelled for the target;
  negatives: every other sentence of the labelled essays.
* **Use**: a target the rules did not find in a sentence is added when the
  model's probability is at least :data:`THRESHOLD`; it gets ``via`` "learned",
  and its stance is read as for a target the sentence does not name (the rules
  with the target as the topic of each clause, then the stance model), as in
  the target-given reading of :func:`essaylab.stance.join_labels`.
* **Explanation**: the row's ``cues`` start with the probability and the words
  that pushed most toward the mention ("mention learned p=0.83: strike +1.1, ...").
* **Cross-fitting**: an essay of a labelled set is read by a model fitted
  without its whole set (each set has one writer), so mentions found on
  labelled essays are out-of-writer predictions.

Measured when it was built (leave one set out, ten labelled sets): the share of
hand-labelled pairs found rose from 69% to 79% and end-to-end macro-F1 from
0.433 to 0.474; about a quarter of the learned mentions on the synthetic sets
are pairs the coders did not label, most of them on the seed essays (notebook 04
counts both per set). What it cannot do: resolve a pronoun whose antecedent is
two sentences back, or tell a target from a similar thing the guidelines
exclude (Mexico's own army versus U.S. military action) when the words are the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

__all__ = ["THRESHOLD", "MIN_POSITIVES", "MentionModel", "mention_sentences", "fit_mentions", "trained_mentions",
           "learned_mentions",
           "add_learned_mentions", "join_with_mentions", "prefit"]

THRESHOLD = 0.7  # probability needed; 0.7, 0.8 and 0.9 tried leave one set out (0.7 best end to end)
MIN_POSITIVES = 5  # a target with fewer labelled sentences gets no model
C = 1.0
_TOKEN = r"[a-z_][a-z_'-]+"


def _text(sentence: str, previous: str) -> str:
    from .stance import _prepare

    return _prepare(sentence) + " " + " ".join(f"prev_{t}" for t in previous.split())


@dataclass(frozen=True)
class MentionModel:
    """A vectorizer and one fitted binary classifier per target."""

    vectorizer: object
    classifiers: dict
    n_sentences: int
    names: np.ndarray  # the vectorizer's feature names, kept so explanations need not rebuild them

    def probabilities(self, sentences: pd.Series, previous: pd.Series) -> tuple[pd.DataFrame, object]:
        """Probability of a mention of each target, one column per target, and the feature matrix."""
        X = self.vectorizer.transform([_text(s, p) for s, p in zip(sentences, previous)])
        columns = {t: clf.predict_proba(X)[:, list(clf.classes_).index(True)] for t, clf in self.classifiers.items()}
        return pd.DataFrame(columns, index=sentences.index), X

    def why(self, X_row, target: str, top: int = 4) -> str:
        """The features of one sentence that pushed most toward a mention of ``target``."""
        clf = self.classifiers[target]
        names = self.names
        weights = clf.coef_[0]  # toward classes_[1], True: a mention
        present = X_row.indices
        order = present[np.argsort(-weights[present], kind="stable")][:top]
        return ", ".join(f"{names[j]} {weights[j]:+.2f}" for j in order if weights[j] > 0) or "no strong feature"


def mention_sentences(loaded: Mapping[str, object]) -> pd.DataFrame:
    """Every body sentence of the labelled sets (:func:`essaylab.stance_model.load_labelled_sets`) as
    training data: ``set, essay, essay_key, sentence_index, sentence, previous, targets`` (``previous``:
    the targets the rules found in the previous sentence; ``targets``: the hand-labelled ones, both
    space-separated)."""
    from .stance import _sentence_key
    from .stance_model import _text_digest

    rows = []
    for name, labelled_set in loaded.items():
        joined = labelled_set.joined[labelled_set.joined["labelled"]]
        gold: dict[tuple[str, str], set] = {}
        for essay, text, target in zip(joined["essay"], joined["sentence"], joined["target"]):
            gold.setdefault((essay, _sentence_key(text)), set()).add(target)
        found = labelled_set.evidence.groupby(["essay", "sentence_index"])["target"].agg(lambda t: " ".join(sorted(set(t))))
        for essay in labelled_set.corpus:
            key = _text_digest(essay.text)
            for index, sentence in enumerate(essay.sentences):
                rows.append((name, essay.id, key, index, sentence, found.get((essay.id, index - 1), ""),
                             " ".join(sorted(gold.get((essay.id, _sentence_key(sentence)), ())))))
    return pd.DataFrame(rows, columns=["set", "essay", "essay_key", "sentence_index", "sentence", "previous", "targets"])


def _vectorizer():
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(binary=True, ngram_range=(1, 2), min_df=2, token_pattern=_TOKEN, lowercase=False)


def _texts(sentences: pd.DataFrame) -> list[str]:
    return [_text(s, p) for s, p in zip(sentences["sentence"], sentences["previous"])]


def _classifiers(X, sentences: pd.DataFrame, targets: list[str]) -> dict:
    """One classifier per target with enough positives and negatives among ``sentences`` (the rows of ``X``)."""
    from sklearn.linear_model import LogisticRegression

    labelled = sentences["targets"].str.split()
    classifiers = {}
    with threadpool_limits(limits=1):  # one BLAS thread, as in stance_model.fit_model: faster at this size
        for target in targets:
            y = labelled.map(lambda ts: target in ts).to_numpy()
            if y.sum() >= MIN_POSITIVES and (~y).sum() >= MIN_POSITIVES:
                classifiers[target] = LogisticRegression(C=C, class_weight="balanced", max_iter=3000).fit(X, y)
    return classifiers


def fit_mentions(sentences: pd.DataFrame, targets: list[str]) -> MentionModel:
    """Fit the per-target mention classifiers on :func:`mention_sentences` rows."""
    vectorizer = _vectorizer()
    X = vectorizer.fit_transform(_texts(sentences))
    return MentionModel(vectorizer, _classifiers(X, sentences, targets), len(sentences),
                        vectorizer.get_feature_names_out())


_FITTED: dict[tuple[str, str, tuple], MentionModel] = {}


def _digest(sentences: pd.DataFrame) -> str:
    from .cache import frame_digest

    return frame_digest(sentences)


def _model_key(digest: str, excluded: str, targets: tuple) -> str:
    import sklearn

    from . import cache

    return cache.key("mention-model", digest, excluded, repr(targets), repr((THRESHOLD, C, MIN_POSITIVES)),
                     sklearn.__version__)


def _model_for(sentences: pd.DataFrame, digest: str, excluded: str, targets: tuple) -> MentionModel:
    """The mention model fitted without ``excluded`` (``set:<name>``), or on everything ("")."""
    from . import cache

    return cache.memoized(_FITTED, (digest, excluded, targets), _model_key(digest, excluded, targets),
                          lambda: _fit_without(sentences, excluded, targets, digest))


# The training sentences analysed once (digest -> _Analysed), from which every cross-fitted model's features
# are read off (:func:`_fit_without`), as stance_model does for the stance models.
_ANALYSED: dict[str, object] = {}


def _fit_without(sentences: pd.DataFrame, excluded: str, targets: tuple, digest: str | None = None) -> MentionModel:
    """The model fitted on ``sentences`` without the set ``excluded`` (``set:<name>``; "" for none), for
    cross-fitting: :func:`fit_mentions` of the other sentences, bit for bit (tested). The sentences are
    analysed once for all the models fitted on a part of them, and each model's vocabulary and matrix are
    read off that analysis (building them again took about a third of each fit).

    (Unlike the stance models, the classifiers do not start from the full model's weights: measured on
    three sets, that warm start moved held-out probabilities by up to 0.16 and changed up to 5 decisions
    per set at the threshold, 3 of them on the seeds; a tighter tolerance removed most of that and most of
    the time saved.)"""
    from .stance_model import _Analysed, _latest, _left_out_sets

    if not excluded:
        return fit_mentions(sentences, list(targets))
    analysed = _latest(_ANALYSED, digest or _digest(sentences), lambda: _Analysed.of(_texts(sentences), _vectorizer()))
    rows = np.flatnonzero((~sentences["set"].isin(_left_out_sets(excluded))).to_numpy())
    vectorizer, X, present = analysed.restricted(rows, _vectorizer())
    kept = sentences.iloc[rows]
    return MentionModel(vectorizer, _classifiers(X, kept, list(targets)), len(kept), analysed.terms[present])


def _store_models(sentences: pd.DataFrame, digest: str, targets: tuple, excluded: list[str]) -> None:
    from . import cache

    for name in excluded:
        cache.store(_model_key(digest, name, targets), {"value": _fit_without(sentences, name, targets, digest)})


def prefit(sentences: pd.DataFrame, excluded, targets_path: str | None = None) -> int:
    """Fit the mention models named in ``excluded`` ("" or ``set:<name>[,<name>...]``) that the disk cache does not hold
    yet on all cores and store them there (as :func:`essaylab.stance_model.prefit` does for the stance
    models; the same models, fitted earlier). Return how many were fitted."""
    from . import cache, workers
    from .stance import load_targets

    if not cache.enabled() or sentences.empty:
        return 0
    targets = tuple(t.id for t in load_targets(targets_path)[0])
    digest = _digest(sentences)
    missing = sorted({name for name in excluded if (digest, name, targets) not in _FITTED
                      and not cache.exists(_model_key(digest, name, targets))})
    return workers.run_parts(_store_models, missing, sentences, digest, targets)


def trained_mentions(sentences: pd.DataFrame, targets_path: str | None = None) -> MentionModel:
    """The mention model fitted on all ``sentences`` (cached like the cross-fitted ones): the one a new essay gets."""
    from .stance import load_targets

    return _model_for(sentences, _digest(sentences), "", tuple(t.id for t in load_targets(targets_path)[0]))


def _mention_exclusions(corpus, sentences: pd.DataFrame, leave_out: str) -> dict[str, str]:
    """Essay id -> the mention model it is read by (:func:`essaylab.stance_model._exclusions`): a mention
    model leaves out an essay's whole set or its fold, never the essay alone (``"essay"`` reads as ``"set"``)."""
    from .stance_model import _exclusions

    return _exclusions(corpus, sentences, "set" if leave_out == "essay" else leave_out)


def learned_mentions(evidence: pd.DataFrame, corpus, sentences: pd.DataFrame,
                     targets_path: str | None = None, threshold: float = THRESHOLD,
                     leave_out: str = "set") -> pd.DataFrame:
    """Evidence rows (columns of :func:`essaylab.stance.stance_evidence`) for the targets the mention model
    finds in sentences where the rules found no mention of them; ``via`` "learned". An essay of the labelled
    sets is read by the model fitted without its whole set (``leave_out="set"``, and ``"essay"``: a mention
    model never leaves out one essay alone, since its writer's other essays would stay in training) or its
    set's fold (``"fold"``; :data:`essaylab.stance_model.FOLDS`).

    Each essay's rows are cached on disk (:mod:`essaylab.cache`), keyed by what the rules' rows depend on
    (text, date, targets file, code), the mention training data, the essay's exclusion and the threshold.
    """
    from . import cache
    from .stance import _EVIDENCE_COLUMNS, _evidence_key, load_targets

    essays = list(corpus)
    if not essays or sentences.empty:
        return pd.DataFrame(columns=_EVIDENCE_COLUMNS)
    targets = tuple(t.id for t in load_targets(targets_path)[0])
    exclusions = _mention_exclusions(corpus, sentences, leave_out)
    digest = _digest(sentences)
    keys = [cache.key("learned-mentions", _evidence_key(e, targets_path), digest, exclusions[e.id], repr(targets),
                      repr(threshold)) for e in essays]
    per_essay = [cache.load(k) for k in keys]
    missing = [i for i, rows in enumerate(per_essay) if rows is None]
    if missing:
        todo = {essays[i].id for i in missing}
        part = evidence[evidence["essay"].isin(todo)]
        found: dict[tuple[str, int], set] = {}
        for essay_id, index, target in zip(part["essay"], part["sentence_index"], part["target"]):
            found.setdefault((essay_id, index), set()).add(target)
        records = [(e.id, e.author, paragraph, index, sentence)
                   for e in (essays[i] for i in missing) for paragraph, index, sentence in e.sentence_records]
        frame = pd.DataFrame(records, columns=["essay", "author", "paragraph", "sentence_index", "sentence"])
        frame["previous"] = [" ".join(sorted(found.get((e, i - 1), ()))) for e, i in zip(frame["essay"],
                                                                                        frame["sentence_index"])]
        computed: dict[str, list] = {essays[i].id: [] for i in missing}
        for excluded, group in frame.groupby(frame["essay"].map(exclusions), sort=True):
            rows = _learned_rows(_model_for(sentences, digest, excluded, targets), group, found, threshold,
                                 targets_path)
            for essay_id, essay_rows in rows.items():
                computed[essay_id].extend(essay_rows)
        for i in missing:
            rows = sorted(computed[essays[i].id], key=lambda row: (row[1], row[3]))
            per_essay[i] = rows
            cache.store(keys[i], rows)
    return pd.DataFrame([(e.id, e.author, *row) for e, rows in zip(essays, per_essay) for row in rows],
                        columns=_EVIDENCE_COLUMNS)


def _learned_rows(model: MentionModel, group: pd.DataFrame, found: dict, threshold: float,
                  targets_path: str | None) -> dict[str, list]:
    """Essay id -> the learned-mention evidence rows (without essay and author) that ``model`` finds in the
    sentences of ``group`` where the rules (``found``: (essay, sentence index) -> targets) found none."""
    from .stance import _implicit_pair

    proba, X = model.probabilities(group["sentence"], group["previous"])
    essay_ids, paragraphs = group["essay"].to_numpy(), group["paragraph"].to_numpy()
    indices, texts = group["sentence_index"].to_numpy(), group["sentence"].to_numpy()
    rows: dict[str, list] = {}
    for target in proba.columns:
        p_target = proba[target].to_numpy()
        for k in np.flatnonzero(p_target >= threshold):
            if target in found.get((essay_ids[k], indices[k]), ()):
                continue  # the rules found it: not a learned mention
            label, score, basis, cues, context, tone = _implicit_pair(texts[k], target, targets_path)
            note = f"mention learned p={p_target[k]:.2f}: {model.why(X[k], target)}"
            rows.setdefault(essay_ids[k], []).append(
                (int(paragraphs[k]), int(indices[k]), texts[k], target, "learned",
                 label, score, basis, note + ("; " + cues if cues else ""), context, tone))
    return rows


def add_learned_mentions(evidence: pd.DataFrame, corpus, sentences: pd.DataFrame,
                         targets_path: str | None = None, threshold: float = THRESHOLD,
                         leave_out: str = "set") -> pd.DataFrame:
    """The rules' evidence plus :func:`learned_mentions`, in essay and sentence order."""
    extra = learned_mentions(evidence, corpus, sentences, targets_path, threshold, leave_out)
    if extra.empty:
        return evidence
    order = {e.id: i for i, e in enumerate(corpus)}
    both = pd.concat([evidence, extra], ignore_index=True)
    both = both.assign(_o=both["essay"].map(order)).sort_values(["_o", "sentence_index", "target"], kind="mergesort")
    return both.drop(columns="_o").reset_index(drop=True)


def join_with_mentions(labelled_set, labels_path, sentences: pd.DataFrame, targets_path: str | None = None,
                       leave_out: str = "set"):
    """``(evidence, joined)`` for a labelled set with learned mentions added: the evidence of
    :func:`add_learned_mentions` (its essays read by mention models fitted without their set, or fold, as
    ``leave_out`` says) and its :func:`essaylab.stance.join_labels` table (cached on disk, keyed by the
    labels, the set's evidence with its learned mentions and the mention training data)."""
    from pathlib import Path

    from . import cache
    from .stance import join_labels, read_labels

    evidence = add_learned_mentions(labelled_set.evidence, labelled_set.corpus, sentences, targets_path,
                                    leave_out=leave_out)
    key = cache.key("labelled-set-mentions", Path(labels_path).read_text(encoding="utf-8"), _digest(sentences),
                    cache.frame_digest(evidence),
                    str(targets_path or ""))
    return evidence, cache.cached(key, lambda: join_labels(evidence, read_labels(labels_path), targets_path))
