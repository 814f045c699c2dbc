"""A learned stance classifier on top of the rules, trained on the hand-labelled sentences.

Why: the rule cues of :mod:`essaylab.stance` were written while reading the seed
essays. On other writers' prose few of them fire, and when none does the clause
tone decided, which is no better than the tone baseline. A classifier trained on
every hand-labelled (sentence, target) pair in ``validation/stance`` learns which
words around a target go with FAVOR, AGAINST or NONE, from many writers.

* **Features**: the words, and pairs of adjacent words, of the clauses that mention the target,
  negation-marked, with the target replaced by ``TGT`` and other targets by
  ``OTHER``, and strong VADER words marked ``VPOS`` / ``VNEG``
  (:func:`essaylab.stance.pair_features`); the rules' score (cues too weak
  to decide); the clause's VADER tone. These name no target, so what they learn carries over between
  targets and to new ones. Each word and pair also comes a second time prefixed with the target's id
  (``usmca:shore``, ``military_action:TGT is``): "feature augmentation" (Daumé III, "Frustratingly easy
  domain adaptation", 2007), which lets a word lean one way for one target and another way for another
  ("sovereignty" for energy nationalism and against strikes) while the shared copy keeps what holds for
  all. A target with no training pairs has no prefixed features and is labelled by the shared ones.
* **Model**: multinomial logistic regression (scikit-learn, ``lbfgs``: the same
  data give the same weights), strong regularisation (``C``) because there are
  a few thousand pairs for about a hundred thousand features. The labels are balanced **within each
  target** (:func:`sample_weights`): NONE outnumbers the stance labels, and the hand-labelled essays lean
  one way on most targets (more pairs for security cooperation than against it), which the
  target-prefixed features would otherwise learn as a prior, pulling a writer with unusual views toward
  the majority.
* **Hybrid**: where a structural cue of the rules decided (``basis`` "cue"), its
  label stands; the model labels every other pair (``basis`` "model"), and it is
  trained on those pairs only (the population it labels).
* **Cross-fitting**: an essay that is itself in the training data is labelled by
  a model fitted without it (essays are matched by a digest of their text), so
  every label on a labelled essay, and every validation score, is an
  out-of-essay prediction, as leave-one-essay-out evaluation requires. These models are fitted on
  all cores at once (:func:`prefit`), each starting from the weights of the model fitted on all pairs.
* **Explanation**: each model label lists the features that pushed most toward
  it, with their weights ("'should' +0.31"), next to the rules' cues.

Nothing is downloaded: the training labels ship in the repository.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from threadpoolctl import threadpool_limits

__all__ = ["C", "FOLDS", "SYSTEMS", "TRAINING_SETS", "LabelledSet", "StanceModel", "folds", "labelled_set_paths", "load_labelled_sets",
           "training_pairs", "sample_weights", "fit_model", "trained_model", "apply_model", "add_learned", "prefit"]

# The labelled sets the stance and mention models are trained on: folders of ``validation/stance`` and
# "gold", the seed essays' ``gold.csv``. A sealed test set joins them once it has been scored (and so read).
TRAINING_SETS = ("gold", "heldout", "dev2", "test", "test2", "dev3", "test3", "dev4", "dev5", "test4", "dev6", "test5",
                 "test6", "test7", "dev7", "dev8", "dev9", "test8", "dev10", "dev11", "test9", "test10",
                 "test11", "test12", "test13", "test14", "test15", "dev12", "dev13", "dev14", "test16", "test17")

C = 0.1  # inverse regularisation strength, chosen with NGRAMS on the labelled sets (see below)
# Context words and pairs of adjacent words ("should TGT", "neg_TGT is"). With the nine labelled sets, pairs
# raised macro-F1 (target given) from 0.53 to 0.55 leave one essay out and from 0.52 to 0.54 leave one set out
# (C = 0.05 words only vs C = 0.1 with pairs; C tried at 0.05, 0.1, 0.2, 0.3).
NGRAMS = (1, 2)
# Target-prefixed copies of the same features (see the module docstring). Leave one set out on the nineteen
# synthetic sets (twenty training sets, with test8, dev10, dev11), pooled macro-F1 rose from 0.598 to 0.633 with
# the target given and from 0.527 to 0.561 end to end (better on 15 of 19 sets target given). C = 0.1 stayed
# about best (0.05, 0.1, 0.15, 0.2 tried), and so did an equal weight for the copies (0.5, 1, 1.5 tried).
TARGET_FEATURES = True
# How the training labels are weighted: "target", each label of a target weighs as much as its others
# (sample_weights); "all", scikit-learn's class_weight="balanced" over all pairs, the rule before. Measured with
# the cells of the twenty-two synthetic training sets (each essay left out; 810 cells with a writer's reading,
# compared by their positions.csv): at MIN_STANCE 0.15, 395 the same as the writer and 42 reversed instead of
# 403 and 59; at 0.12, 426 and 55 (validation/README.md, "After test11"). Sentence-level macro-F1 about the
# same. On the sealed test12 it matched 6 cells fewer, on test13 the same cells (validation/README.md).
BALANCE = "target"
# The fewest training pairs a word feature must occur in to be kept. With the thirty-two training sets, 2 keeps
# 44,919 of 136,650 features (a feature seen in one pair gets a weight from that pair alone) and halves the
# time of a fit; on the 1,090 cells of the twenty-nine older synthetic sets, each set scored without itself, it gave
# 614 the same as the writer and 51 reversed at MIN_STANCE 0.12 instead of 606 and 46 (at 0.10: 639 and 55
# instead of 629 and 56), and pooled macro-F1 0.558 / 0.648 (end to end / target given) instead of 0.559 / 0.651:
# the same quality along the same curve (validation/README.md, "After test17").
MIN_DF = 2
_CHUNK = 20_000  # pairs labelled at a time by StanceModel.predict (bounds its memory, same labels)
_DENSE = ("rules' score", "clause tone")
SYSTEMS = {  # the hybrid's columns in :func:`add_learned`, with readable names
    "learned": "method (rules + model), end to end",
    "learned_given": "method (rules + model), target given",
}


def _strength(value: float | None) -> float:
    """The regularisation strength a function was given, else :data:`C` as it is when the function runs (a
    default bound when the function was defined would ignore a caller who sets ``stance_model.C``, as a caller
    may set ``BALANCE``).

    >>> _strength(None) == C, _strength(2.0)
    (True, 2.0)
    """
    return C if value is None else value


def _text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _dense(score: pd.Series, tone: pd.Series) -> np.ndarray:
    return np.column_stack([score.to_numpy(dtype=float), tone.to_numpy(dtype=float)])


def _prefixed(context: pd.Series, target: pd.Series) -> list[str]:
    """Each context with every word prefixed by its target's id, for the target-specific copies.

    >>> _prefixed(pd.Series(["should TGT", ""]), pd.Series(["usmca", "china"]))
    ['usmca:should usmca:TGT', '']
    """
    return [" ".join(f"{t}:{w}" for w in c.split()) for c, t in zip(context.fillna(""), target)]


def _vectorizer():
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(binary=True, token_pattern=r"\S+", lowercase=False, ngram_range=NGRAMS, min_df=MIN_DF)


def _word_blocks(vectorizer, target_vectorizer, context: pd.Series, target: pd.Series, fit: bool = False) -> list:
    """The sparse word features of ``context``: the shared words, then their target-prefixed copies (none
    when ``target_vectorizer`` is None); ``fit`` fits the vectorizers first."""
    def apply(v, texts):
        return v.fit_transform(texts) if fit else v.transform(texts)

    context = context.fillna("")
    blocks = [apply(vectorizer, context)]
    if target_vectorizer is not None:
        blocks.append(apply(target_vectorizer, _prefixed(context, target)))
    return blocks


def _word_names(vectorizer, target_vectorizer) -> list[str]:
    """The word features' names in coefficient order (shared, then target-prefixed)."""
    prefixed = [] if target_vectorizer is None else list(target_vectorizer.get_feature_names_out())
    return list(vectorizer.get_feature_names_out()) + prefixed


# Target-prefixed features read off the shared ones (_prefixed_block) for this many rows or more: building the
# column maps costs about as much as analysing a few thousand contexts again. At 2,000 essays (102,000 pairs)
# the analysis of the prefixed copies took 7 of the 15 s that labelling them took.
_MAP_MIN_ROWS = 2_000
_PREFIX_MAPS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # target vectorizer -> its maps


def _prefix_maps(vectorizer, target_vectorizer) -> dict[str, np.ndarray] | None:
    """For each target with prefixed features, an array giving each shared column the column of its
    target-prefixed copy (-1: that term was never seen with the target). None when the prefixed terms cannot
    be read back as shared ones (no prefixed features, or a target id with a colon)."""
    if target_vectorizer is None:
        return None
    if target_vectorizer not in _PREFIX_MAPS:
        shared, maps = vectorizer.vocabulary_, {}
        for term, column in target_vectorizer.vocabulary_.items():
            parts = [word.partition(":") for word in term.split(" ")]
            target = parts[0][0]
            plain = " ".join(word for _, _, word in parts)
            if any(t != target for t, _, _ in parts) or plain not in shared:
                maps = None  # not "t:w t:w": fall back on analysing the prefixed texts
                break
            if target not in maps:
                maps[target] = np.full(len(shared), -1, dtype=np.int64)
            maps[target][shared[plain]] = column
        _PREFIX_MAPS[target_vectorizer] = maps
    return _PREFIX_MAPS[target_vectorizer]


def _prefixed_block(shared, target: pd.Series, maps: dict[str, np.ndarray], n_columns: int):
    """The target-prefixed features of the rows of ``shared`` (the shared block): each present shared term,
    copied to its prefixed column for the row's target, as the target vectorizer would give it (binary,
    column indices sorted within a row; tested entry for entry)."""
    rows = np.repeat(np.arange(shared.shape[0]), np.diff(shared.indptr))
    targets = target.to_numpy()[rows]
    columns = np.full(len(rows), -1, dtype=np.int64)
    for name, column_of in maps.items():
        here = targets == name
        columns[here] = column_of[shared.indices[here]]
    keep = columns >= 0
    block = sparse.csr_matrix((np.ones(int(keep.sum()), dtype=shared.dtype), (rows[keep], columns[keep])),
                              shape=(shared.shape[0], n_columns))
    block.sort_indices()
    return block


@dataclass(frozen=True)
class StanceModel:
    """A fitted classifier: the context vocabulary and the logistic regression over it and the dense features."""

    vectorizer: object
    target_vectorizer: object | None  # the target-prefixed copies (None when TARGET_FEATURES is off)
    classifier: object
    n_pairs: int
    word_names: np.ndarray  # the word features' names in coefficient order, kept at fit (not rebuilt per prediction)

    def feature_names(self) -> list[str]:
        """The model's features in coefficient order: context words, target-prefixed context words, then the
        dense features in brackets."""
        return [str(w) for w in self.word_names] + [f"({name})" for name in _DENSE]

    def _shown(self, column: int) -> str:
        """A feature as explanations show it: a word in quotes, a dense feature by its name."""
        n_words = len(self.word_names)
        return f"'{self.word_names[column]}'" if column < n_words else _DENSE[column - n_words]

    def _matrix(self, context: pd.Series, target: pd.Series, dense: np.ndarray):
        maps = _prefix_maps(self.vectorizer, self.target_vectorizer) if len(context) >= _MAP_MIN_ROWS else None
        if maps is None:
            blocks = _word_blocks(self.vectorizer, self.target_vectorizer, context, target)
        else:  # the same matrix, without analysing every context a second time
            shared = self.vectorizer.transform(context.fillna(""))
            blocks = [shared, _prefixed_block(shared, target, maps, len(self.target_vectorizer.vocabulary_))]
        return sparse.hstack(blocks + [sparse.csr_matrix(dense)]).tocsr()

    def predict(self, context: pd.Series, target: pd.Series, score: pd.Series, tone: pd.Series) -> pd.DataFrame:
        """Model label, score (P(favor) - P(against)) and explanation for each (context, target) pair (the
        hybrid is applied later)."""
        if len(context) == 0:
            return pd.DataFrame({"label": [], "score": [], "why": []})
        # In chunks of rows, so that the per-entry arrays below stay small on a corpus of thousands of essays.
        # (Labelling the chunks on all cores was measured and made the 2,000-essay run slower: the other
        # notebooks already use the second core then; docs/scaling.md.)
        return pd.concat([self._predict(context.iloc[i:i + _CHUNK], target.iloc[i:i + _CHUNK],
                                        score.iloc[i:i + _CHUNK], tone.iloc[i:i + _CHUNK])
                          for i in range(0, len(context), _CHUNK)])

    def _predict(self, context: pd.Series, target: pd.Series, score: pd.Series, tone: pd.Series) -> pd.DataFrame:
        X = self._matrix(context, target, _dense(score, tone))
        proba = self.classifier.predict_proba(X)
        classes = list(self.classifier.classes_)
        best = proba.argmax(axis=1)
        coef = self.classifier.coef_
        centered = coef - coef.mean(axis=0)
        # How much each present feature moves the chosen label's log-odds against the average label,
        # computed on the sparse entries of all rows at once; the three largest per row are shown.
        rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
        weights = X.data * centered[best[rows], X.indices]
        order = np.lexsort((X.indices, -weights, rows))
        rank = np.arange(len(order)) - X.indptr[rows[order]]
        keep = order[(rank < 3) & (weights[order] > 0)]
        parts: list[list[str]] = [[] for _ in range(X.shape[0])]
        for r, j, w in zip(rows[keep], X.indices[keep], weights[keep]):
            parts[r].append(f"{self._shown(j)} {w:+.2f}")
        why = [f"learned {classes[k]} (p={proba[i, k]:.2f}): " + (", ".join(parts[i]) or "no strong feature")
               for i, k in enumerate(best)]
        p_favor = proba[:, classes.index("favor")] if "favor" in classes else 0.0
        p_against = proba[:, classes.index("against")] if "against" in classes else 0.0
        return pd.DataFrame({"label": [classes[k] for k in best], "score": p_favor - p_against, "why": why},
                            index=context.index)


@dataclass(frozen=True)
class LabelledSet:
    """A hand-labelled corpus read once: its essays, the rules' evidence and the labels joined to it."""

    corpus: object
    evidence: pd.DataFrame
    joined: pd.DataFrame


def labelled_set_paths(names=TRAINING_SETS, validation_dir: str | Path | None = None,
                       seeds_dir: str | Path | None = None) -> dict[str, tuple[Path, Path]]:
    """``name -> (essays folder, labels csv)`` for labelled sets of ``validation_dir`` (default
    ``validation/stance`` in the project); "gold" is the seed essays (``seeds_dir``) with ``gold.csv``.

    >>> labelled_set_paths(["gold", "dev2"], "/v", "/s") == {"gold": (Path("/s"), Path("/v/gold.csv")),
    ...                                                       "dev2": (Path("/v/dev2/essays"), Path("/v/dev2/labels.csv"))}
    True
    """
    from .paths import project_root

    validation = Path(validation_dir) if validation_dir else project_root() / "validation" / "stance"
    seeds = Path(seeds_dir) if seeds_dir else project_root() / "seeds"
    return {name: (seeds, validation / "gold.csv") if name == "gold"
            else (validation / name / "essays", validation / name / "labels.csv") for name in names}


def load_labelled_sets(sets: Mapping[str, tuple[str | Path, str | Path]],
                       targets_path: str | Path | None = None) -> dict[str, LabelledSet]:
    """Read each ``name -> (essays folder, labels csv)``: corpus, rules' evidence, :func:`join_labels` table.

    The joined table is kept in the on-disk cache (:mod:`essaylab.cache`), keyed by the labels file,
    the essays' texts and dates, the targets file and the library code.
    """
    from . import cache
    from .corpus import load_corpus
    from .stance import _evidence_key, join_labels, read_labels, stance_evidence

    path = str(targets_path) if targets_path else None
    loaded = {}
    for name, (essays_dir, labels_path) in sets.items():
        corpus = load_corpus(essays_dir)
        evidence = stance_evidence(corpus, targets_path)
        key = cache.key("labelled-set", Path(labels_path).read_text(encoding="utf-8"),
                        *sorted(f"{essay.id}:{_evidence_key(essay, path)}" for essay in corpus))
        joined = cache.cached(key, lambda: join_labels(evidence, read_labels(labels_path), targets_path))
        loaded[name] = LabelledSet(corpus, evidence, joined)
    return loaded


def trained_model(pairs: pd.DataFrame, C: float | None = None) -> StanceModel:
    """The model fitted on all ``pairs`` (cached in memory and on disk like the cross-fitted ones)."""
    C = _strength(C)
    return _model_for(pairs, _digest(pairs), "", C)


def training_pairs(sets: Mapping[str, tuple[str | Path, str | Path] | LabelledSet],
                   targets_path: str | Path | None = None) -> pd.DataFrame:
    """Every hand-labelled (sentence, target) pair of the given sets, with the model's inputs.

    ``sets`` maps a set name to ``(essays folder, labels csv)`` or to a
    :class:`LabelledSet` already read by :func:`load_labelled_sets`. Returns
    ``set, essay, essay_key, sentence, target, gold, rules_given, score_given,
    basis_given, context, tone`` (see :func:`essaylab.stance.join_labels`);
    ``essay_key`` is a digest of the essay's text, used for cross-fitting.
    """
    to_read = {name: value for name, value in sets.items() if not isinstance(value, LabelledSet)}
    read = load_labelled_sets(to_read, targets_path) if to_read else {}
    frames = []
    for name, value in sets.items():
        labelled_set = read.get(name, value)
        joined = labelled_set.joined[labelled_set.joined["labelled"]]
        keys = {essay.id: _text_digest(essay.text) for essay in labelled_set.corpus}
        frames.append(joined.assign(set=name, essay_key=joined["essay"].map(keys)))
    columns = ["set", "essay", "essay_key", "sentence", "target", "gold", "rules_given", "score_given",
               "basis_given", "context", "tone"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)


def fit_model(pairs: pd.DataFrame, C: float | None = None) -> StanceModel:
    """Fit the classifier on labelled pairs (:func:`training_pairs`)."""
    C = _strength(C)
    pairs = _modelled(pairs)
    vectorizer, target_vectorizer = _vectorizer(), _vectorizer() if TARGET_FEATURES else None
    blocks = _word_blocks(vectorizer, target_vectorizer, pairs["context"], pairs["target"], fit=True)
    return _fit(pairs, vectorizer, target_vectorizer, blocks, C)


def sample_weights(target: pd.Series, gold: pd.Series) -> np.ndarray:
    """Each training pair's weight when labels are balanced within each target: a pair of target t with
    label l weighs n_t / (k_t * n_tl), where n_t pairs of t carry k_t distinct labels, n_tl of them l. Each
    label of a target then weighs the same in total, and each target weighs its number of pairs.

    >>> sample_weights(pd.Series(["a", "a", "a", "b"]), pd.Series(["favor", "favor", "none", "none"])).tolist()
    [0.75, 0.75, 1.5, 1.0]
    """
    key = pd.DataFrame({"target": target.to_numpy(), "gold": gold.to_numpy()})
    n_tl = key.groupby(["target", "gold"])["gold"].transform("size").to_numpy(dtype=float)
    n_t = key.groupby("target")["gold"].transform("size").to_numpy(dtype=float)
    k_t = key.groupby("target")["gold"].transform("nunique").to_numpy(dtype=float)
    return n_t / (k_t * n_tl)


def _modelled(pairs: pd.DataFrame) -> pd.DataFrame:
    """The pairs the model is trained on: those no rule cue decides (the population it labels)."""
    pairs = pairs[pairs["basis_given"] != "cue"]
    if pairs["gold"].nunique() < 2:
        raise ValueError("training the stance model needs hand labels of at least two classes")
    return pairs


def _fit(pairs: pd.DataFrame, vectorizer, target_vectorizer, blocks: list, C: float,
         start: tuple[np.ndarray, np.ndarray] | None = None, word_names: np.ndarray | None = None) -> StanceModel:
    """The logistic regression on ``pairs``' word ``blocks`` (made by the given fitted vectorizers) and dense
    features; ``start`` is the weights and intercepts to start the solver from (a warm start), if any;
    ``word_names`` the word features' names when the caller has them (else read off the vectorizers)."""
    from sklearn.linear_model import LogisticRegression

    dense = _dense(pairs["score_given"], pairs["tone"])
    gold = pairs["gold"].to_numpy()
    weights = sample_weights(pairs["target"], pairs["gold"]) if BALANCE == "target" else None
    classifier = LogisticRegression(C=C, class_weight="balanced" if BALANCE == "all" else None, max_iter=5000,
                                    warm_start=start is not None)
    if start is not None:
        classifier.coef_, classifier.intercept_ = start
    # One BLAS thread: at this size threads only add overhead (notebook 04's fits took 14 s instead of 25 s
    # on 2 cores), and parallel notebooks do not compete for cores; the fitted weights are the same.
    with threadpool_limits(limits=1):
        classifier.fit(sparse.hstack(blocks + [sparse.csr_matrix(dense)]).tocsr(), gold, sample_weight=weights)
    if word_names is None:
        word_names = np.array(_word_names(vectorizer, target_vectorizer), dtype=object)
    return StanceModel(vectorizer, target_vectorizer, classifier, len(pairs), word_names)


# The training pairs analysed once ((training digest, TARGET_FEATURES) -> the modelled pairs and their _Analysed word blocks), from
# which every cross-fitted model's features are read off (:func:`_fit_subset`) instead of being built again.
_ANALYSED: dict[tuple, tuple] = {}


def _latest(memory: dict, key, make):
    """``make()``'s value for ``key``, kept in ``memory`` for the latest key only: the analysis of one
    training table at a time (here and in :mod:`essaylab.mention_model`), not of every table seen."""
    if key not in memory:
        value = make()
        memory.clear()
        memory[key] = value
    return memory[key]


@dataclass(frozen=True)
class _Analysed:
    """One word block of a table of pairs, analysed once: every distinct term, sorted, and for each pair its
    distinct terms' positions in ``terms`` (``ids[starts[i]:starts[i + 1]]``) in the order they first occur
    in the pair's text."""

    terms: np.ndarray
    ids: np.ndarray
    starts: np.ndarray

    @classmethod
    def of(cls, texts: list[str], vectorizer=None) -> "_Analysed":
        """``texts`` analysed as ``vectorizer`` (default: :func:`_vectorizer`) analyses them."""
        analyse = (vectorizer or _vectorizer()).build_analyzer()
        features = [list(dict.fromkeys(analyse(text))) for text in texts]
        terms = sorted({term for row in features for term in row})
        position = {term: i for i, term in enumerate(terms)}
        ids = np.fromiter((position[term] for row in features for term in row), dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum([len(row) for row in features])])
        return cls(np.array(terms, dtype=object), ids, starts)

    def restricted(self, rows: np.ndarray, vectorizer=None):
        """A vectorizer, a matrix and the positions in ``terms`` of its columns for the pairs ``rows`` alone;
        the vectorizer and matrix are identical to ``vectorizer.fit_transform`` of their texts (tested;
        ``vectorizer`` is the binary CountVectorizer the texts were analysed with, default
        :func:`_vectorizer`, and its ``min_df`` is applied to the rows), down to the order of the entries
        within a row, which that gives by the order in which the terms first occur in the texts. The fit
        sums in that order, and the weights must come out bit for bit the same."""
        from numbers import Integral

        from sklearn.base import clone

        vectorizer = vectorizer if vectorizer is not None else _vectorizer()
        if not isinstance(vectorizer.min_df, Integral):
            raise ValueError("restricted() applies min_df as a count of rows; a proportion is not supported")
        lengths = self.starts[rows + 1] - self.starts[rows]
        ids = np.concatenate([self.ids[self.starts[r]:self.starts[r + 1]] for r in rows]) if len(rows) else \
            np.zeros(0, dtype=np.int64)
        if vectorizer.min_df != 1:
            terms, counts = np.unique(ids, return_counts=True)  # a row holds each term once: counts are dfs
            frequent = np.isin(ids, terms[counts >= vectorizer.min_df])
            lengths = np.bincount(np.repeat(np.arange(len(rows)), lengths)[frequent], minlength=len(rows))
            ids = ids[frequent]
        present, first = np.unique(ids, return_index=True)
        column = np.searchsorted(present, ids)  # the terms' positions in the sorted vocabulary of the rows
        arrival = np.empty(len(present), dtype=np.int64)
        arrival[np.argsort(first, kind="stable")] = np.arange(len(present))  # order of first occurrence
        order = np.lexsort((arrival[column], np.repeat(np.arange(len(rows)), lengths)))
        index_dtype = np.int32 if max(len(ids), len(present)) < np.iinfo(np.int32).max else np.int64
        matrix = sparse.csr_matrix((np.ones(len(ids), dtype=np.int64), column[order].astype(index_dtype),
                                    np.concatenate([[0], np.cumsum(lengths)]).astype(index_dtype)),
                                   shape=(len(rows), len(present)))
        vocabulary = {str(t): i for i, t in enumerate(self.terms[present])}
        vectorizer = clone(vectorizer).set_params(vocabulary=vocabulary)
        vectorizer._validate_vocabulary()  # what fitting with a given vocabulary does (sets vocabulary_)
        return vectorizer, matrix, present


def _fit_subset(pairs: pd.DataFrame, digest: str, keep, C: float) -> StanceModel:
    """The model fitted on ``pairs[keep(pairs)]`` (``pairs``' digest is ``digest``), for cross-fitting.

    * The words of all ``pairs`` are analysed once for every model fitted on a part of them: the
      cross-fitted models of one training set differ only in the few pairs each leaves out, and building
      a vocabulary of ~100,000 terms took about a third of each fit. The features are those
      ``fit_model`` builds, entry for entry (tested).
    * A model fitted on part of the pairs starts the solver from the weights of the model fitted on all
      of them (a warm start, as scikit-learn's cross-validated estimators do along their paths): it
      then needs about 11 iterations instead of 27. Both end where the solver's stopping rule (``tol``)
      says the optimum is reached, so the weights differ slightly from a fit started at zero: on the
      training pairs, scores (P(favor) - P(against)) by about 0.002 on average and at most about 0.02,
      and about one label in a thousand (tested). With all pairs kept it is ``fit_model(pairs)`` bit for
      bit (tested).
    """
    def analyse():
        modelled = _modelled(pairs)
        context = modelled["context"].fillna("")
        blocks = [_Analysed.of(list(context))]
        if TARGET_FEATURES:
            blocks.append(_Analysed.of(_prefixed(context, modelled["target"])))
        return modelled, blocks

    modelled, blocks = _latest(_ANALYSED, (digest, TARGET_FEATURES), analyse)  # the blocks depend on the setting too
    mask = keep(modelled).to_numpy()
    rows = np.flatnonzero(mask)
    restricted = [block.restricted(rows) for block in blocks]
    vectorizers = [v for v, _, _ in restricted] + [None] * (2 - len(restricted))
    start = None
    if not mask.all():
        full = _model_for(pairs, digest, "", C)  # its columns: each block's terms kept (MIN_DF), then the dense ones
        kept = [np.flatnonzero(np.bincount(block.ids, minlength=len(block.terms)) >= MIN_DF) for block in blocks]
        offsets = np.cumsum([0] + [len(terms) for terms in kept])
        columns = np.concatenate([offset + np.searchsorted(terms, present)
                                  for offset, terms, (_, _, present) in zip(offsets, kept, restricted)]
                                 + [offsets[-1] + np.arange(len(_DENSE))])
        start = (full.classifier.coef_[:, columns].copy(), full.classifier.intercept_.copy())
    names = np.concatenate([block.terms[present] for block, (_, _, present) in zip(blocks, restricted)])
    return _fit(_modelled(modelled.iloc[rows]), *vectorizers, [m for _, m, _ in restricted], C, start, names)


_FITTED: dict[tuple, StanceModel] = {}  # (training digest, excluded essay, C, settings) -> model
# Fitted models kept in memory, the least recently used dropped first (the rest are read back from disk): with the
# target-prefixed features a model's vocabulary holds ~100,000 entries (~20 MB in memory), and 64 of them took a
# 2,000-essay run past 2 GB.
_IN_MEMORY = 16


def _digest(pairs: pd.DataFrame) -> str:
    from .cache import frame_digest

    return frame_digest(pairs)


# Labelled sets per fold when an essay is scored leave one fold out (``leave_out="fold"``): the sets, in
# sorted order, are dealt round-robin into FOLDS groups, and an essay's model is fitted without its set's
# whole group. One fold is several sets, so this is stricter than leaving only the set out (each model
# trains on about (FOLDS - 1) / FOLDS of the sets, never on the essay's writer) and fits FOLDS models
# instead of one per set (notebook 04's cold validation fitted 32 stance and 31 mention models for it).
FOLDS = 8


def folds(sets, n_folds: int = FOLDS) -> dict[str, tuple[str, ...]]:
    """Set name -> the sets of its fold (its own included): ``sets``' distinct names sorted and dealt
    round-robin into ``n_folds`` groups, so the assignment depends on the names only, not on their order.

    >>> folds(["b", "a", "c", "d", "a"], 2)
    {'a': ('a', 'c'), 'c': ('a', 'c'), 'b': ('b', 'd'), 'd': ('b', 'd')}
    """
    names = sorted(set(sets))
    groups = [tuple(names[i::n_folds]) for i in range(min(n_folds, len(names)))]
    return {name: group for group in groups for name in group}


def _exclusions(corpus, pairs: pd.DataFrame, leave_out: str = "essay") -> dict[str, str]:
    """Essay id -> what to leave out of training for it: the essay itself if it is in the training data
    (``leave_out="essay"``), its whole labelled set, written by one writer (``"set"``, as
    ``"set:<name>"``), or its set's fold (``"fold"``, as ``"set:<name>,<name>,..."``: see :data:`FOLDS`);
    "" when the essay is not in the training data."""
    if leave_out not in ("essay", "set", "fold"):
        raise ValueError(f"leave_out must be 'essay', 'set' or 'fold', not {leave_out!r}")
    set_of = dict(zip(pairs["essay_key"], pairs["set"]))
    keys = {essay.id: _text_digest(essay.text) for essay in corpus}
    if leave_out == "essay":
        return {essay_id: key if key in set_of else "" for essay_id, key in keys.items()}
    group = folds(pairs["set"]) if leave_out == "fold" else {name: (name,) for name in set(pairs["set"])}
    return {essay_id: "set:" + ",".join(group[set_of[key]]) if key in set_of else "" for essay_id, key in keys.items()}


def _left_out_sets(excluded: str) -> list[str]:
    """The set names an exclusion ``set:<name>[,<name>...]`` (see :func:`_exclusions`) leaves out."""
    return excluded[len("set:"):].split(",")


def _kept(excluded: str):
    """Which training pairs the model named by ``excluded`` is fitted on (see :func:`_model_for`)."""
    if excluded.startswith("set:"):
        return lambda pairs: ~pairs["set"].isin(_left_out_sets(excluded))
    if excluded:
        return lambda pairs: pairs["essay_key"] != excluded
    return lambda pairs: pd.Series(True, index=pairs.index)


def _model_key(digest: str, excluded: str, C: float) -> str:
    """The disk-cache key of a fitted model: the training pairs, the left-out essay or set, C, the module's
    settings (``BALANCE``, ``TARGET_FEATURES``: a caller may change them), this library's code (in every key)
    and the scikit-learn version, so a stale model is never read."""
    import sklearn

    from . import cache

    return cache.key("stance-model", digest, excluded, repr(C), _settings(), sklearn.__version__)


def _settings() -> str:
    return repr(_setting_values())


def _setting_values() -> dict:
    """The module settings a fit depends on, as a worker process is to use them (it imports this module
    afresh, with their defaults). ``C`` is among them because the functions that take it read the module's
    value when given none, so the cached reports keyed by :func:`_settings` must change with it."""
    return {"BALANCE": BALANCE, "TARGET_FEATURES": TARGET_FEATURES, "MIN_DF": MIN_DF, "C": C}


def _model_for(pairs: pd.DataFrame, digest: str, excluded: str, C: float) -> StanceModel:
    """The model fitted without the essay (or ``set:<name>``, the set) ``excluded``; "" for all pairs."""
    from . import cache

    return cache.memoized(_FITTED, (digest, excluded, C, _settings()), _model_key(digest, excluded, C),
                          lambda: _fit_subset(pairs, digest, _kept(excluded), C), limit=_IN_MEMORY)


def _store_models(pairs: pd.DataFrame, digest: str, C: float, settings: dict, excluded: Sequence[str]) -> None:
    """Fit the models named in ``excluded`` with the caller's module ``settings`` (:func:`_setting_values`)
    and store them in the disk cache (a worker's task in :func:`prefit`)."""
    from . import cache

    module = globals()
    before = _setting_values()
    module.update(settings)
    try:
        for name in excluded:
            cache.store(_model_key(digest, name, C), {"value": _fit_subset(pairs, digest, _kept(name), C)})
    finally:
        module.update(before)


def prefit(pairs: pd.DataFrame, excluded: Iterable[str], C: float | None = None, jobs: int | None = None,
           digest: str | None = None) -> int:
    """Fit, on ``jobs`` processes at once, the cross-fitted models named in ``excluded`` (as in
    :func:`_model_for`) that neither memory nor the disk cache holds yet, and store them on disk, where
    the labelling functions then find them. Return how many the worker processes fitted (the model of all
    pairs, which the others start from, is fitted by this process first).

    The models are independent and deterministic, so this changes when they are fitted, not what they
    are. ``jobs`` defaults to :func:`essaylab.workers.jobs`; ``digest`` is the pairs' digest, if already
    computed. Nothing is done with the disk cache off (the models would all have to be held in memory)
    or with one job or one model to fit: the labelling functions then fit them one by one as they need
    them.
    """
    from . import cache, workers

    C = _strength(C)
    if not cache.enabled():
        return 0
    digest = digest or _digest(pairs)
    full = _model_for(pairs, digest, "", C)  # the others start from its weights, read from disk by the workers
    if not cache.exists(_model_key(digest, "", C)):  # (it may have been kept in memory only)
        cache.store(_model_key(digest, "", C), {"value": full})
    missing = sorted({name for name in excluded if (digest, name, C, _settings()) not in _FITTED
                      and not cache.exists(_model_key(digest, name, C))})
    # One task per process, each fitting every jobs-th model: the pairs are sent and analysed once per
    # process, not once per model.
    return workers.run_parts(_store_models, missing, pairs, digest, C, _setting_values(), n_jobs=jobs)


def _hybrid(frame: pd.DataFrame, exclusions: dict[str, str], pairs: pd.DataFrame, C: float,
            columns: tuple[str, str, str, str]) -> pd.DataFrame:
    """``label, score, basis, cues`` of the hybrid for every row of ``frame``: a rule cue's where one decided,
    else the model's, each essay labelled by the model its entry in ``exclusions`` names. ``columns`` are
    the frame's rule label, score, basis and cues columns; ``context`` and ``tone`` are read as they are."""
    label_col, score_col, basis_col, cues_col = columns
    digest, parts = _digest(pairs), []
    models = frame["essay"].map(exclusions)
    prefit(pairs, models.unique(), C, digest=digest)
    for excluded, rows in frame.groupby(models, sort=True):
        predicted = _model_for(pairs, digest, excluded, C).predict(rows["context"], rows["target"], rows[score_col],
                                                                         rows["tone"])
        by_cue = rows[basis_col].to_numpy() == "cue"
        cues = rows[cues_col].fillna("")
        parts.append(pd.DataFrame({
            "label": np.where(by_cue, rows[label_col], predicted["label"]),
            "score": np.where(by_cue, rows[score_col].to_numpy(dtype=float), predicted["score"].to_numpy(dtype=float)),
            "basis": np.where(by_cue, "cue", np.where(predicted["label"] != "none", "model", "")),
            "cues": np.where(by_cue, cues, predicted["why"] + "; rules: " + cues.replace("", "no rule cue")),
        }, index=rows.index))
    columns_out = ["label", "score", "basis", "cues"]
    return pd.concat(parts).loc[frame.index] if parts else pd.DataFrame(columns=columns_out, index=frame.index)


def apply_model(evidence: pd.DataFrame, corpus, pairs: pd.DataFrame, C: float | None = None,
                leave_out: str = "essay") -> pd.DataFrame:
    """The evidence table relabelled by the hybrid: a rule cue's label where one decided, else the model's.

    ``label, score, basis, cues`` are replaced (``basis`` becomes "cue",
    "model" or ""), the rules' own label is kept as ``rule_label``. Essays of
    ``corpus`` that are in ``pairs`` get a model fitted without them (``leave_out="set"``: without their
    whole labelled set, ``"fold"``: without their set's fold, as in :func:`add_learned`).
    """
    C = _strength(C)
    out = evidence.assign(rule_label=evidence["label"])
    if len(evidence):
        relabelled = _hybrid(evidence, _exclusions(corpus, pairs, leave_out), pairs, C,
                             ("label", "score", "basis", "cues"))
        out[["label", "score", "basis", "cues"]] = relabelled[["label", "score", "basis", "cues"]]
    return out


def add_learned(joined: pd.DataFrame, corpus, pairs: pd.DataFrame, C: float | None = None,
                leave_out: str = "essay") -> pd.DataFrame:
    """Add the hybrid's labels to :func:`essaylab.stance.join_labels`' table: ``learned`` (end to end, on
    detected mentions only), ``learned_given`` (every labelled pair) and ``learned_why`` (its cues or
    explanation), cross-fitted as in :func:`apply_model`; with ``leave_out="set"`` an essay's whole
    labelled set (all by one writer) is left out of its model, not only the essay, and with ``"fold"`` the
    set's whole fold (:data:`FOLDS`)."""
    C = _strength(C)
    hybrid = _hybrid(joined, _exclusions(corpus, pairs, leave_out), pairs, C,
                     ("rules_given", "score_given", "basis_given", "cues_given"))
    given = hybrid["label"].fillna("none").astype(object)
    return joined.assign(learned=given.where(joined["detected"], "none"), learned_given=given,
                         learned_why=hybrid["cues"].fillna(""))
