#!/usr/bin/env python3
"""Writes sklearn_calibration.json: reference numbers for TextTagger's threshold policies, calibration metrics and
calibration fits, computed with scikit-learn.

Run with Debian's sklearn (apt-get install python3-sklearn; /usr/bin/python3 make_calibration_fixtures.py). The tests
read only the committed JSON.

Conventions mirrored by TextTagger:
  * a prediction is positive when score >= threshold; candidates are the distinct scores;
  * precision:P  -> among candidates with precision >= P, the most recall, the highest threshold on ties;
                    none reaches P -> the F1 threshold (highest on ties), target_reached false;
  * recall:R     -> the highest candidate with recall >= R;
  * ECE: calibration_curve(strategy="uniform", n_bins=10) bins, weighted by the share of rows in each bin;
  * Platt: LogisticRegression on logit(p) without penalty; temperature: the same without intercept.
Scores are float32 values (but for the bin-edge case), so the thresholds thresholds.json stores (float32) are the
candidates themselves.
"""
import warnings
from fractions import Fraction

import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, precision_score, recall_score

import fixture_file

warnings.simplefilter("ignore")

EPS = 1e-15


def logit(p):
    p = np.clip(p, EPS, 1 - EPS)
    return np.log(p / (1 - p))


def f1_threshold(s, y):
    positives = int(y.sum())
    best, best_f1 = None, None
    for t in sorted(set(s.tolist()), reverse=True):
        pred = s >= t
        tp = int((pred & (y == 1)).sum())
        fp = int((pred & (y == 0)).sum())
        f1 = Fraction(2 * tp, tp + fp + positives)
        if best_f1 is None or f1 > best_f1:
            best, best_f1 = t, f1
    return best


def policy_threshold(s, y, policy):
    """Brute force over every distinct score, with sklearn's precision and recall."""
    goal, target = policy.split(":")
    target = float(target)
    candidates = sorted(set(s.tolist()), reverse=True)
    if goal == "recall":
        for t in candidates:
            if recall_score(y, (s >= t).astype(int)) >= target:
                return t, True
    best, best_recall = None, -1.0
    for t in candidates:
        pred = (s >= t).astype(int)
        if pred.sum() == 0:
            continue
        p, r = precision_score(y, pred), recall_score(y, pred)
        if p >= target and r > best_recall:
            best, best_recall = t, r
    if best is None:
        return f1_threshold(s, y), False
    return best, True


def calibration(s, y):
    prob_true, prob_pred = calibration_curve(y, s, n_bins=10, strategy="uniform")
    bins = np.linspace(0.0, 1.0, 11)
    ids = np.searchsorted(bins[1:-1], s)          # as calibration_curve bins them
    counts = np.bincount(ids, minlength=10)
    nonempty = counts > 0
    ece = float(np.sum(counts[nonempty] / len(s) * np.abs(prob_true - prob_pred)))
    return {
        "brier": float(brier_score_loss(y, s)),
        "ece": ece,
        "bin_counts": counts.tolist(),
        "prob_true": prob_true.tolist(),
        "prob_pred": prob_pred.tolist(),
    }


def fits(s, y):
    x = logit(s).reshape(-1, 1)
    platt = LogisticRegression(C=1e12, solver="lbfgs", max_iter=100000, tol=1e-14).fit(x, y)
    temperature = LogisticRegression(C=1e12, solver="lbfgs", max_iter=100000, tol=1e-14, fit_intercept=False).fit(x, y)
    return {
        "platt_slope": float(platt.coef_[0, 0]), "platt_intercept": float(platt.intercept_[0]),
        "temperature_slope": float(temperature.coef_[0, 0]),
    }


POLICIES = ["precision:0.5", "precision:0.8", "precision:0.999", "recall:0.5", "recall:0.9", "recall:1"]


def case(name, description, scores, truth, names, float32=True):
    scores = np.asarray(scores, dtype=np.float32 if float32 else np.float64).astype(np.float64)
    truth = np.asarray(truth, dtype=int)
    labels = []
    for j, label in enumerate(names):
        s, y = scores[:, j], truth[:, j]
        policies = []
        for policy in POLICIES:
            t, reached = policy_threshold(s, y, policy)
            pred = (s >= t).astype(int)
            policies.append({"policy": policy, "threshold": float(t), "target_reached": reached,
                             "precision": float(precision_score(y, pred, zero_division=0)),
                             "recall": float(recall_score(y, pred))})
        labels.append({"name": label, "calibration": calibration(s, y), "fit": fits(s, y), "policies": policies})
    return {"name": name, "description": description, "label_names": list(names), "scores": scores.tolist(),
            "truth": truth.tolist(), "labels": labels}


def main():
    cases = []
    rng = np.random.default_rng(2912)
    rows = 400
    truth = (rng.uniform(size=(rows, 3)) < np.array([0.3, 0.1, 0.05])).astype(int)
    z = rng.normal(size=(rows, 3)) + 2.0 * truth - 1.5
    # Over-confident (logits × 2.5) and shifted: far from calibrated, so the fits have something to find.
    scores = 1 / (1 + np.exp(-(2.5 * z + np.array([0.0, 0.8, -0.5]))))
    cases.append(case("miscalibrated_400x3", "400x3 random, over-confident sigmoid scores", scores, truth,
                      ["toxic", "threat", "obscene"]))

    # Scores on the bin edges (0, 0.1, …, 1) and ties: which bin an edge falls in is sklearn's choice.
    rng = np.random.default_rng(5)
    rows = 120
    truth = (rng.uniform(size=(rows, 2)) < np.array([0.4, 0.2])).astype(int)
    scores = np.clip(np.round(rng.uniform(size=(rows, 2)) * 0.6 + 0.4 * truth, 1), 0, 1)
    cases.append(case("bin_edges_120x2", "120x2 scores rounded to 0.1 (float64): every score on a bin edge, heavy ties",
                      scores, truth, ["insult", "identity_hate"], float32=False))

    # Precision targets out of reach: the highest score is a negative and precision never passes 0.5.
    scores = [[0.95], [0.9], [0.8], [0.7], [0.6], [0.3], [0.2], [0.1]]
    truth = [[0], [1], [0], [1], [0], [0], [1], [0]]
    cases.append(case("unreachable_8x1", "8x1: no threshold reaches precision 0.8 (F1 fallback)", scores, truth, ["threat"]))

    fixture_file.write("sklearn_calibration.json", cases)


if __name__ == "__main__":
    main()
