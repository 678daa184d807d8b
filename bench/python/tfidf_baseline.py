#!/usr/bin/env python3
"""The classic peer: TF-IDF (word 1-2-grams + char 2-5-grams) + logistic regression, one model per label.

Trained on train.csv and scored on validation.csv written by `texttagger data split` (the same seeded split and
balance that `texttagger train` uses, so both are compared on identical rows). Prints per-label ROC AUC, the mean,
and the time; --json writes them to a file.

    dotnet run --project src/TextTagger.Cli -c Release -- data split --data ../shared/data/toxic_comments.csv --out runs/split
    /usr/bin/python3 bench/python/tfidf_baseline.py --train runs/split/train.csv --validation runs/split/validation.csv

Needs Debian's python3-sklearn (apt-get install python3-sklearn); use /usr/bin/python3.
"""
import argparse
import csv
import json
import sys
import time

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

LABELS = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]


def read(path):
    csv.field_size_limit(sys.maxsize)
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    texts = [r["comment_text"] for r in rows]
    labels = np.array([[int(r[l]) for l in LABELS] for r in rows])
    return texts, labels


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", required=True)
    parser.add_argument("--validation", required=True)
    parser.add_argument("--json")
    parser.add_argument("--scores", help="write the validation probabilities (id + one column per label) to this CSV")
    args = parser.parse_args()

    start = time.time()
    train_texts, train_labels = read(args.train)
    val_texts, val_labels = read(args.validation)
    words = TfidfVectorizer(sublinear_tf=True, strip_accents="unicode", analyzer="word", ngram_range=(1, 2),
                            min_df=2, max_features=100_000)
    chars = TfidfVectorizer(sublinear_tf=True, strip_accents="unicode", analyzer="char_wb", ngram_range=(2, 5),
                            min_df=2, max_features=200_000)
    x_train = hstack([words.fit_transform(train_texts), chars.fit_transform(train_texts)]).tocsr()
    x_val = hstack([words.transform(val_texts), chars.transform(val_texts)]).tocsr()

    auc = {}
    all_scores = np.zeros(val_labels.shape)
    for i, label in enumerate(LABELS):
        model = LogisticRegression(C=4.0, solver="liblinear", max_iter=1000)
        model.fit(x_train, train_labels[:, i])
        scores = model.predict_proba(x_val)[:, 1]
        all_scores[:, i] = scores
        auc[label] = float(roc_auc_score(val_labels[:, i], scores)) if len(set(val_labels[:, i])) == 2 else None
    seconds = time.time() - start
    defined = [v for v in auc.values() if v is not None]
    result = {"train_rows": len(train_texts), "validation_rows": len(val_texts), "roc_auc": auc,
              "mean_roc_auc": float(np.mean(defined)), "seconds": round(seconds, 1)}
    for label in LABELS:
        print(f"{label:14s} {auc[label]:.4f}" if auc[label] is not None else f"{label:14s} n/a")
    print(f"{'mean':14s} {result['mean_roc_auc']:.4f}   ({result['train_rows']} train rows, "
          f"{result['validation_rows']} validation rows, {seconds:.0f} s)")
    if args.scores:
        with open(args.validation, newline="", encoding="utf-8") as f:
            ids = [r["id"] for r in csv.DictReader(f)]
        with open(args.scores, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["id"] + LABELS)
            for row_id, row in zip(ids, all_scores):
                writer.writerow([row_id] + [f"{v:.6g}" for v in row])
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
