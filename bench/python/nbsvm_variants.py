#!/usr/bin/env python3
"""NB-SVM variants on the peer's features (bench/python/tfidf_baseline.py: word 1-2 + char_wb 2-5 TF-IDF), with
scikit-learn's liblinear logistic regression: which Naive Bayes ratio r = ln(p / q) to scale the features by.

  none   r = 1 (the peer itself)
  l1     p, q = 1 + TF-IDF sums of the positive / negative rows, each divided by its L1 norm (Wang and Manning's form)
  rows   p, q = 1 + TF-IDF sums, divided by 1 + the class's row count (the popular Jigsaw NB-LR kernel)
  bin    p, q = 1 + rows having the feature (binarized counts), each divided by its L1 norm

    /usr/bin/python3 bench/python/nbsvm_variants.py --train runs/split/train.csv --validation runs/split/validation.csv \
        --variants none:4 l1:1 l1:4 rows:4 bin:1 bin:4
"""
import argparse

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from tfidf_baseline import LABELS, read


def ratios(x, y, kind):
    if kind == "none":
        return np.ones(x.shape[1])
    counts = (x > 0).astype(np.float64) if kind == "bin" else x
    p = np.asarray(counts[y == 1].sum(0)).ravel() + 1
    q = np.asarray(counts[y == 0].sum(0)).ravel() + 1
    if kind == "rows":
        return np.log((p / ((y == 1).sum() + 1)) / (q / ((y == 0).sum() + 1)))
    return np.log((p / p.sum()) / (q / q.sum()))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", required=True)
    parser.add_argument("--validation", required=True)
    parser.add_argument("--variants", nargs="+", default=["none:4", "l1:1", "rows:4", "bin:1"], help="KIND:C")
    args = parser.parse_args()
    train_texts, train_labels = read(args.train)
    val_texts, val_labels = read(args.validation)
    words = TfidfVectorizer(sublinear_tf=True, strip_accents="unicode", analyzer="word", ngram_range=(1, 2), min_df=2, max_features=100_000)
    chars = TfidfVectorizer(sublinear_tf=True, strip_accents="unicode", analyzer="char_wb", ngram_range=(2, 5), min_df=2, max_features=200_000)
    x_train = hstack([words.fit_transform(train_texts), chars.fit_transform(train_texts)]).tocsr()
    x_val = hstack([words.transform(val_texts), chars.transform(val_texts)]).tocsr()
    print("features", x_train.shape[1], flush=True)
    for variant in args.variants:
        kind, c = variant.split(":")
        aucs = []
        for i, _ in enumerate(LABELS):
            y = train_labels[:, i]
            r = ratios(x_train, y, kind)
            model = LogisticRegression(C=float(c), solver="liblinear", max_iter=1000).fit(x_train.multiply(r).tocsr(), y)
            aucs.append(roc_auc_score(val_labels[:, i], model.predict_proba(x_val.multiply(r).tocsr())[:, 1]))
        print(f"{variant:8s}", " ".join(f"{a:.4f}" for a in aucs), f"mean {np.mean(aucs):.4f}", flush=True)


if __name__ == "__main__":
    main()
