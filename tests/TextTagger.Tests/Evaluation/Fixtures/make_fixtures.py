#!/usr/bin/env python3
"""Writes sklearn_metrics.json: reference numbers for TextTagger's evaluation metrics, computed with scikit-learn.

Run with Debian's sklearn (apt-get install python3-sklearn; /usr/bin/python3 make_fixtures.py). The tests never run
this script: they read only the committed JSON, so CI needs no Python.

Conventions mirrored by TextTagger:
  * a prediction is positive when score >= threshold;
  * the default threshold is 0.5 for every label;
  * the tuned threshold of a label is the distinct score that maximises F1 when used as its threshold, the highest
    such score on ties (F1 compared exactly, as fractions); 0.5 when the label has no positive.
NaN (sklearn's roc_curve on a single-class label) is written as null; ROC AUC of a single-class label is null.
"""
import warnings
from fractions import Fraction

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import (accuracy_score, average_precision_score, classification_report, f1_score,
                             hamming_loss, multilabel_confusion_matrix, roc_auc_score, roc_curve)

import fixture_file

warnings.simplefilter("ignore", UndefinedMetricWarning)
warnings.simplefilter("ignore", UserWarning)  # "No positive class found in y_true" from precision_recall_curve


def floats(values):
    return [None if np.isnan(v) else float(v) for v in np.asarray(values, dtype=float)]


def tuned_threshold(scores, truth):
    positives = int(truth.sum())
    if positives == 0:
        return 0.5, None
    best, best_f1 = None, None
    for t in sorted(set(scores.tolist()), reverse=True):  # descending: strict '>' keeps the highest on ties
        pred = scores >= t
        tp = int((pred & (truth == 1)).sum())
        fp = int((pred & (truth == 0)).sum())
        f1 = Fraction(2 * tp, tp + fp + positives)
        if best_f1 is None or f1 > best_f1:
            best, best_f1 = t, f1
    return best, float(f1_score(truth, (scores >= best).astype(int), zero_division=0))


def at_thresholds(scores, truth, names, thresholds):
    pred = (scores >= np.asarray(thresholds)[None, :]).astype(int)
    return {
        "thresholds": [float(t) for t in thresholds],
        "predictions": pred.tolist(),
        "cell_accuracy": float(1.0 - hamming_loss(truth, pred)),
        "exact_match_accuracy": float(accuracy_score(truth, pred)),
        "confusion_matrices": multilabel_confusion_matrix(truth, pred).tolist(),
        "report": classification_report(truth, pred, target_names=names, zero_division=0, output_dict=True),
        "report_text_digits2": classification_report(truth, pred, target_names=names, zero_division=0),
        "report_text_digits4": classification_report(truth, pred, target_names=names, zero_division=0, digits=4),
    }


def case(name, description, scores, truth, names):
    scores = np.asarray(scores, dtype=float)
    truth = np.asarray(truth, dtype=int)
    labels = []
    tuned = []
    for j, label in enumerate(names):
        s, y = scores[:, j], truth[:, j]
        try:
            auc = float(roc_auc_score(y, s))
        except ValueError:
            auc = None
        fpr, tpr, thr = roc_curve(y, s, drop_intermediate=True)
        threshold, best_f1 = tuned_threshold(s, y)
        tuned.append(threshold)
        labels.append({
            "name": label,
            "roc_auc": auc,
            "average_precision": float(average_precision_score(y, s)),
            "roc_fpr": floats(fpr),
            "roc_tpr": floats(tpr),
            "roc_thresholds": floats(thr),
            "tuned_threshold": float(threshold),
            "tuned_f1": best_f1,
        })
    return {
        "name": name,
        "description": description,
        "label_names": list(names),
        "scores": scores.tolist(),
        "truth": truth.tolist(),
        "labels": labels,
        "at_default": at_thresholds(scores, truth, names, [0.5] * len(names)),
        "at_tuned": at_thresholds(scores, truth, names, tuned),
    }


def main():
    cases = []

    # 1. Heavy ties, including scores of exactly 0.5 (predicted positive: score >= threshold).
    scores = [[0.9, 0.5, 0.2], [0.9, 0.5, 0.2], [0.7, 0.5, 0.2], [0.5, 0.3, 0.8], [0.5, 0.3, 0.8],
              [0.5, 0.9, 0.8], [0.2, 0.9, 0.5], [0.2, 0.1, 0.5], [0.2, 0.1, 0.5], [0.1, 0.5, 0.5],
              [0.1, 0.5, 0.1], [0.9, 0.3, 0.1]]
    truth = [[1, 0, 0], [0, 1, 0], [1, 1, 0], [1, 0, 1], [0, 0, 0], [1, 1, 1],
             [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 1], [0, 0, 0], [1, 0, 1]]
    cases.append(case("tied_scores", "12x3, many tied scores across classes, scores exactly at 0.5",
                      scores, truth, ["toxic", "insult", "obscene"]))

    # 2. Degenerate labels: all-zero, all-one, no predicted positives (both classes present), normal; and rows with
    #    neither true nor predicted labels (samples average divides by zero there).
    rng = np.random.default_rng(7)
    n = 10
    all_zero_t = np.zeros(n, dtype=int)
    all_zero_s = np.round(rng.uniform(0, 1, n), 3)
    all_one_t = np.ones(n, dtype=int)
    all_one_s = np.round(rng.uniform(0, 1, n), 3)
    never_t = np.array([1, 0, 0, 1, 0, 0, 0, 1, 0, 0])
    never_s = np.array([0.4, 0.1, 0.2, 0.3, 0.05, 0.4, 0.1, 0.45, 0.2, 0.0])
    normal_t = np.array([1, 1, 0, 0, 0, 0, 0, 0, 1, 0])
    normal_s = np.array([0.8, 0.3, 0.6, 0.1, 0.2, 0.1, 0.0, 0.1, 0.9, 0.2])
    cases.append(case("degenerate_labels",
                      "10x4: an all-zero label, an all-one label, a label never predicted positive, a normal label",
                      np.stack([all_zero_s, all_one_s, never_s, normal_s], axis=1),
                      np.stack([all_zero_t, all_one_t, never_t, normal_t], axis=1),
                      ["threat", "always", "never_predicted", "normal"]))

    # 3. Random 200x6, continuous scores correlated with the truth, Jigsaw-like prevalences.
    rng = np.random.default_rng(20240601)
    rows = 200
    prevalence = np.array([0.30, 0.05, 0.15, 0.02, 0.12, 0.04])
    truth = (rng.uniform(size=(rows, 6)) < prevalence).astype(int)
    logits = rng.normal(size=(rows, 6)) + 1.8 * truth - 1.0
    scores = 1.0 / (1.0 + np.exp(-logits))
    names = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]
    cases.append(case("random_200x6", "200x6 random, continuous sigmoid scores, few ties", scores, truth, names))

    # 4. Random 300x6 with scores rounded to one decimal: ties everywhere, long-name label for the text layout.
    rng = np.random.default_rng(99)
    rows = 300
    truth = (rng.uniform(size=(rows, 6)) < np.array([0.4, 0.1, 0.25, 0.03, 0.2, 0.5])).astype(int)
    scores = np.round(np.clip(rng.normal(size=(rows, 6)) * 0.25 + 0.25 + 0.3 * truth, 0, 1), 1)
    names = ["toxic", "severe_toxic", "obscene", "a_rather_long_label_name", "insult", "identity_hate"]
    cases.append(case("rounded_300x6", "300x6 random, scores rounded to 0.1 (heavy ties), a long label name",
                      scores, truth, names))

    # 5. Exact binary halves in the report (0.125, 0.375, 0.03125): Python rounds them half-to-even.
    rows = 40
    a_t = np.zeros(rows, dtype=int); a_t[:3] = 1
    a_s = np.full(rows, 0.1); a_s[:1] = 0.9; a_s[3:10] = 0.7           # predicted 8, tp 1 -> precision 0.125
    b_t = np.zeros(rows, dtype=int); b_t[:3] = 1; b_t[10:15] = 1
    b_s = np.full(rows, 0.2); b_s[:3] = 0.6; b_s[20:52] = 0.6           # predicted 3+20, tp 3; recall 3/8 = 0.375
    c_t = np.zeros(rows, dtype=int); c_t[0] = 1
    c_s = np.full(rows, 0.3); c_s[:32] = 0.55                           # predicted 32, tp 1 -> precision 0.03125
    cases.append(case("binary_halves", "40x3 built so precision/recall are exact binary halves (rounding check)",
                      np.stack([a_s, b_s, c_s], axis=1), np.stack([a_t, b_t, c_t], axis=1), ["a", "b", "c"]))

    fixture_file.write("sklearn_metrics.json", cases)


if __name__ == "__main__":
    main()
