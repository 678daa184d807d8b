#!/usr/bin/env python3
"""Per-label ROC AUC of two models' validation probabilities and of their blends (a quick analysis, not a product).

    /usr/bin/python3 bench/python/blend_auroc.py --validation runs/x/validation.csv --a ours.csv --b tfidf.csv

--a and --b are CSVs with an id column and one probability column per label (`texttagger predict --output` or
tfidf_baseline.py --scores). Blends: weighted mean of probabilities and of per-label ranks, weight w on --a.
"""
import argparse
import csv
import sys

import numpy as np
from scipy.stats import rankdata
from sklearn.metrics import roc_auc_score

LABELS = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]


def read_scores(path, ids):
    csv.field_size_limit(sys.maxsize)
    with open(path, newline="", encoding="utf-8") as f:
        rows = {r["id"]: r for r in csv.DictReader(f)}
    return np.array([[float(rows[i][l]) for l in LABELS] for i in ids])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--validation", required=True)
    p.add_argument("--a", required=True)
    p.add_argument("--b", required=True)
    args = p.parse_args()
    csv.field_size_limit(sys.maxsize)
    with open(args.validation, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    ids = [r["id"] for r in rows]
    truth = np.array([[int(r[l]) for l in LABELS] for r in rows])
    a, b = read_scores(args.a, ids), read_scores(args.b, ids)

    def aucs(scores):
        return [roc_auc_score(truth[:, i], scores[:, i]) for i in range(len(LABELS))]

    ranks = lambda s: np.column_stack([rankdata(s[:, i]) / len(s) for i in range(s.shape[1])])
    print("setting".ljust(22) + "".join(l[:8].rjust(9) for l in LABELS) + "     mean")
    for name, scores in [("a", a), ("b", b)] + \
            [(f"prob mean w={w}", w * a + (1 - w) * b) for w in (0.5, 0.6, 0.7, 0.8)] + \
            [(f"rank mean w={w}", w * ranks(a) + (1 - w) * ranks(b)) for w in (0.5, 0.6, 0.7, 0.8)]:
        values = aucs(scores)
        print(name.ljust(22) + "".join(f"{v:9.4f}" for v in values) + f"{np.mean(values):9.4f}")


if __name__ == "__main__":
    main()
