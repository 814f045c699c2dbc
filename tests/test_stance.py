"""Stance: mentions, sentence labels (table-driven), aggregation, evaluation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import CLEAR_SEED_CASES, SEEDS, write_corpus
from essaylab import load_corpus
from essaylab.stance import (aggregate_stance, classify_sentence, compare_positions, evaluate, find_mentions,
                             join_labels, load_targets, macro_f1, read_labels, stance_evidence, vader_label)

TARGETS, OFFICES = load_targets()


def label(sentence: str, target: str, date: str = "2024-05") -> str:
    calls = classify_sentence(sentence, find_mentions(sentence, TARGETS, OFFICES, date))
    return calls[target].label if target in calls else "not mentioned"


# Sentences like the essays' (and their mirror images): stance is not tone.
@pytest.mark.parametrize("sentence, target, expected", [
    ("López Obrador's policies have violated the USMCA.", "amlo", "against"),
    ("López Obrador's policies have violated the USMCA.", "usmca", "favor"),
    # breaking a rule or an agreement is a harm to it: the agreement is favoured, the one who breaks it opposed
    ("Nearshoring cannot happen as long as Mexico is out of compliance with the USMCA.", "usmca", "favor"),
    ("López Obrador has flouted the USMCA for years.", "amlo", "against"),
    ("López Obrador has flouted the USMCA for years.", "usmca", "favor"),
    ("Deploying troops to Mexico or launching precision-guided munitions: This is a counterproductive set of "
     "solutions to all the right questions.", "military_action", "against"),
    ("The United States should work to shore up the USMCA.", "usmca", "favor"),
    ("The United States should abandon the USMCA.", "usmca", "against"),
    ("Washington must not abandon the USMCA.", "usmca", "favor"),
    ("Yet the prevailing consensus on the use of force seems equally misguided.", "military_action", "against"),
    ("The use of force against the cartels is vital.", "military_action", "favor"),
    ("It is imperative to get U.S.-Mexico security cooperation back on track.", "security_cooperation", "favor"),
    ("AMLO has hamstrung DEA operations in Mexico.", "amlo", "against"),
    ("AMLO has hamstrung DEA operations in Mexico.", "security_cooperation", "favor"),
    ("Candidates should avoid sowing the seeds of a complete breakdown in security cooperation.",
     "security_cooperation", "favor"),
    ("Improving supply chains will require dropping some of the energy nationalism of the past.",
     "energy_nationalism", "against"),
    # Thwarting private investment in energy (the opposite of energy nationalism) is energy nationalism.
    ("AMLO has thwarted private investment in the energy sector.", "energy_nationalism", "against"),
    ("This is in spite of López Obrador's policies, not because of them.", "amlo", "against"),
    ("Trump has pledged to begin large-scale deportations.", "trump", "none"),
    ("Trump has pledged to begin large-scale deportations.", "deportation", "none"),
    ("Sheinbaum met Trump in November.", "sheinbaum", "none"),
    ("China is investing in Mexico.", "china", "none"),
    ("The Mexican president has systematically deconstructed bilateral security cooperation.", "amlo", "against"),
    ("The Mexican president has systematically deconstructed bilateral security cooperation.",
     "security_cooperation", "favor"),
    ("Trump's rhetorical tirades against Mexico did not help.", "trump", "against"),
    ("The circumstances have only worsened under AMLO.", "amlo", "against"),
    # a word that is a judgement as an adjective ("a promising start") and a reporting verb before "that"/"to"
    ("López Obrador spent six years promising that hugs would beat bullets.", "amlo", "none"),
    ("Sheinbaum keeps promising to restore order.", "sheinbaum", "none"),
    ("Sheinbaum has been promising so far.", "sheinbaum", "favor"),
    # the target itself as what should (not) be done, after a modal marker; a negator flips it
    ("A president who wants to fight terrorists should not be deporting their victims.", "deportation", "against"),
    ("Gang members who are here illegally should be deported first.", "deportation", "favor"),
    ("The next administration should never again send troops into Mexico.", "military_action", "against"),
    ("What should the review of the USMCA do?", "usmca", "none"),                  # a question prescribes nothing
    ("The plan will require Sheinbaum to show up.", "sheinbaum", "none"),          # the target as agent, not act
    # a prescribed verb's object stops at a coordinated clause with its own subject and verb
    ("Mexico should keep foreign agents at arm's length, and an American missile on Mexican soil would be "
     "an act of war.", "military_action", "against"),
    ("Congress should revive it, expand the Bicentennial Framework, and rebuild the DEA presence.",
     "security_cooperation", "favor"),
])
def test_sentence_labels(sentence, target, expected):
    assert label(sentence, target) == expected


@pytest.mark.parametrize("sentence, date, expected", [
    ("The Mexican president disagreed.", "2023-09", ["amlo"]),          # AMLO in office
    ("The Mexican president disagreed.", "2025-03", ["sheinbaum"]),     # Sheinbaum in office
    ("The next Mexican president will decide.", "2024-05", []),         # not the office holder
    ("Mexico's next president will decide.", "2024-05", []),
    ("Andres Manuel Lopez Obrador spoke.", "", ["amlo", "amlo"]),        # without accents; two aliases
    ("The USMCA and the U.S.-Mexico-Canada Agreement.", "", ["usmca", "usmca"]),
    ("Nearshoring and near-shore plants.", "", ["nearshoring", "nearshoring"]),
    ("Mexico's own armed forces took the lead.", "", []),                # not U.S. military action
    # Sheinbaum's predecessor is AMLO once she is in office, not before
    ("Sheinbaum governs better than her predecessor did.", "2025-01", ["sheinbaum", "amlo"]),
    ("Her predecessor did better.", "2023-01", []),
    # general descriptions of a target, without its name
    ("ICE removed roughly 140,000 people in fiscal 2023.", "", ["deportation"]),
    ("Remove the barriers that keep people out.", "", []),
    ("Firms relocating production from Asia to Mexico create jobs.", "", ["nearshoring"]),
    ("Cooperation with Mexico remains indispensable.", "", ["security_cooperation"]),
    ("Mexico will not accept foreign troops.", "", ["military_action"]),
    ("A badly run state oil company is still an asset.", "", ["energy_nationalism"]),
])
def test_mentions(sentence, date, expected):
    assert [m.target for m in find_mentions(sentence, TARGETS, OFFICES, date)] == expected


def test_pronoun_resolves_only_to_a_single_candidate():
    assert [m.via for m in find_mentions("He ended it.", TARGETS, OFFICES, previous=["amlo"])] == ["pronoun"]
    assert find_mentions("He ended it.", TARGETS, OFFICES, previous=["amlo", "trump"]) == []
    assert find_mentions("She ended it.", TARGETS, OFFICES, previous=["amlo"]) == []


def test_vader_baseline_reads_tone_only():
    sentence = "López Obrador's policies have violated the USMCA."
    assert vader_label(sentence) == "against"  # the same label for both targets: the baseline's flaw
    assert label(sentence, "usmca") == "favor"


@pytest.mark.parametrize("gold, predicted, expected", [
    (["favor", "against"], ["favor", "against"], 1.0),
    (["favor", "against", "none"], ["favor", "none", "none"], 0.5),     # F1 favor 1, against 0
    (["favor", "favor", "none"], ["favor", "none", "favor"], 0.5),      # favor: tp1 fp1 fn1 -> 0.5
    (["none", "none"], ["none", "none"], float("nan")),
])
def test_macro_f1(gold, predicted, expected):
    result = macro_f1(gold, predicted)
    assert (np.isnan(result) and np.isnan(expected)) or result == pytest.approx(expected)


def test_aggregate_marks_thin_cells_insufficient_and_is_deterministic():
    evidence = pd.DataFrame({
        "author": ["A"] * 4 + ["B"],
        "target": ["t"] * 4 + ["t"],
        "label": ["against", "against", "none", "favor", "favor"],
    })
    first = aggregate_stance(evidence, ["t"], ["A", "B"], min_sentences=3, n_boot=200, seed=1)
    second = aggregate_stance(evidence, ["t"], ["A", "B"], min_sentences=3, n_boot=200, seed=1)
    pd.testing.assert_frame_equal(first, second)
    a, b = first.set_index("author").loc["A"], first.set_index("author").loc["B"]
    assert a["score"] == pytest.approx(-0.25) and a["label"] == "against" and a["n_sentences"] == 4
    assert a["ci_low"] <= a["score"] <= a["ci_high"]
    assert b["label"] == "insufficient" and b["n_sentences"] == 1


@pytest.mark.parametrize("scores, labels, expected_score, expected_label", [
    # the mean of the sentence scores: confident labels count fully, unsure ones little, NONE its lean
    ([0.9, 0.8, -0.1], ["favor", "favor", "none"], 0.5333, "favor"),
    ([0.2, 0.1, -0.2, 0.05], ["favor", "none", "against", "none"], 0.0375, "neutral"),
    ([-0.6, -0.3, 0.1], ["against", "against", "none"], -0.2667, "against"),
])
def test_aggregate_by_sentence_scores(scores, labels, expected_score, expected_label):
    evidence = pd.DataFrame({"author": "A", "target": "t", "label": labels, "score": scores})
    cell = aggregate_stance(evidence, ["t"], ["A"], min_sentences=3, n_boot=200, value="score").iloc[0]
    assert cell["score"] == pytest.approx(expected_score, abs=1e-4) and cell["label"] == expected_label
    assert cell["n_favor"] == labels.count("favor") and cell["n_against"] == labels.count("against")
    assert cell["ci_low"] <= cell["score"] <= cell["ci_high"]


@pytest.mark.parametrize("scores, expected_label", [
    # min_stance 0.08, min_total 0.4: the cut is max(0.08, 0.4 / n) away from zero
    ([0.15, 0.15], "neutral"),                            # mean 0.15 over two: needs 0.2
    ([0.3, 0.15], "favor"),                               # mean 0.225 over two
    ([-0.3, -0.1, -0.1], "against"),                      # mean -0.167 over three: needs 0.133
    ([0.1, 0.1, 0.1], "neutral"),                         # mean 0.1 over three
    ([0.3, -0.2, 0.1, 0.2, -0.1, 0.2], "favor"),          # mean 0.083 over six: steady lean, sum 0.5
    ([0.3, -0.2, 0.1, 0.2, -0.1, 0.1], "neutral"),        # mean 0.067 over six: under min_stance
])
def test_aggregate_small_cells_need_a_clear_mean_large_ones_a_steady_lean(scores, expected_label):
    evidence = pd.DataFrame({"author": "A", "target": "t", "label": "none", "score": scores})
    cell = aggregate_stance(evidence, ["t"], ["A"], min_sentences=2, min_stance=0.08, min_total=0.4, n_boot=200,
                            value="score").iloc[0]
    assert cell["label"] == expected_label
    plain = aggregate_stance(evidence, ["t"], ["A"], min_sentences=2, min_stance=0.08, n_boot=200,
                             value="score").iloc[0]  # without min_total only the mean counts
    assert plain["label"] == ("favor" if np.mean(scores) >= 0.08 else "against" if np.mean(scores) <= -0.08
                              else "neutral")


def test_aggregate_large_cell_interval_matches_the_bootstrap():
    """A cell of many distinct sentence scores uses the bootstrap's normal approximation (cost fixed per cell):
    its interval matches a plain bootstrap's to within 0.01."""
    rng = np.random.default_rng(3)
    scores = rng.uniform(-0.6, 1.0, 400)
    evidence = pd.DataFrame({"author": "A", "target": "t", "label": "none", "score": scores})
    cell = aggregate_stance(evidence, ["t"], ["A"], n_boot=4000, value="score").iloc[0]
    plain = scores[rng.integers(0, len(scores), (4000, len(scores)))].mean(axis=1)
    low, high = np.quantile(plain, [0.05, 0.95])
    assert cell["ci_low"] == pytest.approx(low, abs=0.01) and cell["ci_high"] == pytest.approx(high, abs=0.01)


def test_aggregate_value_must_be_known():
    with pytest.raises(ValueError, match="value must be"):
        aggregate_stance(pd.DataFrame({"author": ["A"], "target": ["t"], "label": ["favor"]}), ["t"], ["A"],
                         value="labels")


def test_seed_essays_clear_cases():
    """The clearest positions in the seeds (see validation/stance) come out as a reader sees them."""
    corpus = load_corpus(SEEDS)
    evidence = stance_evidence(corpus)
    cells = aggregate_stance(evidence, [t.id for t in TARGETS], corpus.authors, n_boot=200)
    got = cells.set_index(["author", "target"])["label"]
    assert [got[author, target] for author, target, _ in CLEAR_SEED_CASES] == [x for _, _, x in CLEAR_SEED_CASES]


def test_method_beats_tone_baseline_on_hand_labels():
    corpus = load_corpus(SEEDS)
    gold = read_labels(SEEDS.parent / "validation" / "stance" / "gold.csv")
    joined = join_labels(stance_evidence(corpus), gold)
    assert joined["labelled"].sum() == len(gold)  # every hand label, plus the mentions the coders did not label
    assert (joined.loc[~joined["labelled"], "gold"] == "none").all()
    overall = evaluate(joined, ["rules", "vader", "rules_given", "vader_given"]).set_index("target").loc["ALL"]
    assert overall["rules"] > overall["vader"] + 0.1            # end to end
    assert overall["rules_given"] > overall["vader_given"] + 0.1  # target given


def test_new_essay_with_opposite_views(tmp_path):
    text = ("The United States should strike the cartels inside Mexico. The use of force is necessary.\n\n"
            "López Obrador's hugs-not-bullets approach was wise. Washington should abandon the USMCA.")
    folder = write_corpus(tmp_path / "e", {"x.txt": text}, rows=[{"file": "x.txt", "author": "Contrarian",
                                                                   "date": "2024-05"}])
    evidence = stance_evidence(load_corpus(folder))
    by_target = evidence.groupby("target")["label"].agg(set)
    assert by_target["usmca"] == {"against"}
    assert "favor" in by_target["military_action"]


def test_join_labels_counts_unlabelled_detections_against_the_method():
    evidence = pd.DataFrame({"essay": ["e", "e"], "author": ["A", "A"], "paragraph": [0, 0],
                             "sentence_index": [0, 1], "sentence": ["Trump is wrong.", "China is great."],
                             "target": ["trump", "china"], "via": ["name", "name"], "label": ["against", "favor"],
                             "score": [-0.5, 0.5], "basis": ["cue", "cue"], "cues": ["x", "y"],
                             "context": ["TGT is wrong", "TGT is great"], "tone": [-0.5, 0.6]})
    labels = pd.DataFrame({"essay": ["e"], "text": ["Trump is wrong."], "target": ["trump"], "label": ["against"]})
    joined = join_labels(evidence, labels)
    assert joined[["target", "gold", "labelled", "rules"]].values.tolist() == [
        ["trump", "against", True, "against"], ["china", "none", False, "favor"]]
    scores = evaluate(joined, ["rules", "rules_given"]).set_index("target").loc["ALL"]
    assert scores["rules_given"] == 1.0  # target given: the labelled pair only
    assert scores["rules"] == 0.5        # end to end: the unlabelled "favor" is a false positive


@pytest.mark.parametrize("sentences, expected", [
    # a reference counts only once the essay has named the target
    (["Mexico should defend the accord."], [[]]),
    (["The USMCA is up for review.", "Mexico should defend the accord."], [[("usmca", "name")], [("usmca", "reference")]]),
    # a sentence-initial "It"/"That" refers back to the previous sentence's one target ...
    (["Mass deportation is on the agenda.", "It is cruel."], [[("deportation", "name")], [("deportation", "anaphor")]]),
    (["Sheinbaum signed it.", "That was a mistake."], [[("sheinbaum", "name")], [("sheinbaum", "anaphor")]]),
    # ... but "It" never to a person, and nothing when the previous sentence has two targets
    (["Sheinbaum signed it.", "It was a mistake."], [[("sheinbaum", "name")], []]),
    (["China and the USMCA matter.", "It is cruel."], [[("china", "name"), ("usmca", "name")], []]),
    # "It" that is not a subject followed by a verb is no reference
    (["Nearshoring is growing.", "It-related jobs pay well."], [[("nearshoring", "name")], []]),
])
def test_references_and_anaphora_in_context(tmp_path, sentences, expected):
    folder = write_corpus(tmp_path / "e", {"x.txt": " ".join(sentences)},
                          rows=[{"file": "x.txt", "author": "A", "date": "2024-05"}])
    evidence = stance_evidence(load_corpus(folder))
    got = [sorted((r.target, r.via) for r in evidence[evidence["sentence_index"] == i].itertuples())
           for i in range(len(sentences))]
    assert got == expected


@pytest.mark.parametrize("date, paragraphs, expected", [
    # "the president": the office holder the essay named last (two holders in 2025: the more recent)
    ("2025-05", ["Trump imposed tariffs. Sheinbaum answered calmly. The president was right."],
     [[("trump", "name")], [("sheinbaum", "name")], [("sheinbaum", "title")]]),
    # ... unless the sentence's own pronoun tells them apart
    ("2025-05", ["Trump imposed tariffs. Sheinbaum answered calmly. The president said he would not back down."],
     [[("trump", "name")], [("sheinbaum", "name")], [("trump", "title")]]),
    # one holder at the date: named anywhere earlier in the essay
    ("2023-09", ["López Obrador spoke at length.", "The peso held. Exports grew. Wages rose. The president was right."],
     [[("amlo", "name")], [], [], [], [("amlo", "title")]]),
    # never named before (a U.S. essay's "the president" in 2023 is Biden), or not in office at the date
    ("2023-09", ["The president was right."], [[]]),
    ("2024-11", ["Trump won the election. The president spoke about the transition."], [[("trump", "name")], []]),
    # two holders, neither named in the last three sentences, no pronoun: unresolved
    ("2025-05", ["Trump spoke. Sheinbaum spoke. The peso held. Exports grew. Wages rose. The president was right."],
     [[("trump", "name")], [("sheinbaum", "name")], [], [], [], []]),
    # "the former president", "the president-elect" are not the holder
    ("2025-05", ["Sheinbaum spoke. The former president was right. The president-elect was wrong."],
     [[("sheinbaum", "name")], [], []]),
    # a sentence that opens with a pronoun reaches back across sentences and paragraphs ...
    ("2025-05", ["Sheinbaum took office in October.", "The peso held steady. She kept her promises."],
     [[("sheinbaum", "name")], [], [("sheinbaum", "pronoun")]]),
    # ... a pronoun later in the sentence does not (it is often someone the sentence introduces)
    ("2025-05", ["Sheinbaum took office. The peso held. A plant manager asked whether his engineers were safe."],
     [[("sheinbaum", "name")], [], []]),
    # ... and two people with the pronoun leave it unresolved
    ("2025-05", ["Trump and López Obrador met. Nothing came of the meeting. He left early."],
     [[("amlo", "name"), ("trump", "name")], [], []]),
])
def test_titles_and_opening_pronouns_in_context(tmp_path, date, paragraphs, expected):
    folder = write_corpus(tmp_path / "e", {"x.txt": "\n\n".join(paragraphs)},
                          rows=[{"file": "x.txt", "author": "A", "date": date}])
    evidence = stance_evidence(load_corpus(folder))
    got = [sorted((r.target, r.via) for r in evidence[evidence["sentence_index"] == i].itertuples())
           for i in range(len(expected))]
    assert got == expected


def test_positions_accept_not_discussed_with_underscore():
    cells = pd.DataFrame({"author": ["A"], "target": ["t"], "label": ["neutral"]})
    positions = pd.DataFrame({"essay": ["a"], "target": ["t"], "expected": ["not_discussed"]})
    assert compare_positions(cells, positions, {"a": "A"})["agreement"].tolist() == ["essay: mixed or not discussed"]


def test_phrase_prefilter_never_hides_a_match():
    """The literal pre-test of every target, office and cue pattern only skips texts the regex cannot match."""
    from essaylab.stance import _lexicon, _prepare

    patterns = [p for t in TARGETS for p in (t.pattern, t.opposite, t.references) if p is not None]
    patterns += [office.pattern for office in OFFICES.values()] + list(_lexicon().patterns.values())
    texts = [_prepare(s) for essay in load_corpus(SEEDS) for s in essay.sentences]
    texts += ["they removed 140,000 people", "going alone against the cartels", "mass removals began",
              "deployed american troops", "near-shoring and nearshore plants", "pemex, the state oil company"]
    for pattern in patterns:
        for text in texts:
            assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in pattern._regex.finditer(text)]


def test_read_labels_names_the_file_and_a_wrong_label(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("essay,text,target,label\ne,Trump is wrong.,trump,agianst\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"labels.csv: column 'label' has 'agianst'"):
        read_labels(path)
    path.write_text("essay,text,target\ne,Trump is wrong.,trump\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"labels.csv: missing column\(s\) label"):
        read_labels(path)


def test_tone_fallback_and_features_flip_for_the_opposite_of_a_target():
    sentence = "Mexico altered its constitution to allow private investment in all aspects of the energy sector."
    mentions = find_mentions(sentence, TARGETS, OFFICES, "2024-05")
    assert [m.via for m in mentions if m.target == "energy_nationalism"] == ["opposite"]
    call = classify_sentence(sentence, mentions)["energy_nationalism"]
    assert call.label == "against" and "said of its opposite" in call.cues[0]
    from essaylab.stance import pair_features, _tone

    context, tone = pair_features(sentence, mentions, "energy_nationalism")
    assert "OPP" in context.split() and "TGT" not in context.split()
    assert tone == -_tone(sentence)
