#!/usr/bin/python3
"""Reference values for genbench's binary metrics, from scikit-learn and NumPy.

Two uses:
  metric_reference.py reference CASES.json OUT.json
      scores the cases a Java test generated (MetricsAgreeWithScikitLearnTest) and writes the values;
  metric_reference.py fixtures OUT.json
      generates a fixed set of cases and writes them with their values; the output is committed as
      src/test/resources/dev/genbench/metrics/sklearn_fixtures.json so machines without scikit-learn
      still check the numbers (MetricsMatchCommittedFixturesTest).

A case is {"name", "scores": [float32 values], "fake": [0/1], "threshold"}. Scores are float32, as
in the predictions files, and the threshold rule is score > threshold, compared in float32.

Conventions that differ from a bare scikit-learn call, each as SPEC.md section 8 defines the metric:
  * roc_auc is null where scikit-learn refuses (one class only);
  * average_precision is null without fakes (scikit-learn then returns a number with a warning);
  * balanced_accuracy is (recall + specificity) / 2 with x/0 = 0, which equals scikit-learn's
    balanced_accuracy_score whenever both classes are present (checked below);
  * best_threshold is the original's BestBinaryThresholdF1 (thresholds i/1000 as float32, score >=
    threshold, first best F1), with F1 compared as exact fractions; sklearn_f1_at_best (scikit-learn's
    f1_score there) and sklearn_f1_max (the best F1 over all thresholds) let the test check that the
    choice is optimal.
"""
import json
import sys
import warnings
from fractions import Fraction

import numpy as np
from sklearn.metrics import (
    average_precision_score,
    balanced_accuracy_score,
    confusion_matrix,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)

warnings.filterwarnings("ignore")


def score_case(case):
    s = np.asarray(case["scores"], dtype=np.float32)
    y = np.asarray(case["fake"], dtype=np.int64)
    t = np.float32(case["threshold"])
    out = {"name": case["name"]}
    if len(s) == 0:
        return out
    pred = (s > t).astype(np.int64)
    tn, fp, fn, tp = confusion_matrix(y, pred, labels=[0, 1]).ravel()
    out.update(tp=int(tp), fp=int(fp), tn=int(tn), fn=int(fn))
    out["recall"] = float(recall_score(y, pred, zero_division=0))
    out["precision"] = float(precision_score(y, pred, zero_division=0))
    out["f1"] = float(f1_score(y, pred, zero_division=0))
    specificity = float(tn / (tn + fp)) if tn + fp > 0 else 0.0
    out["specificity"] = specificity
    out["balanced_accuracy"] = (out["recall"] + specificity) / 2
    both = 0 < y.sum() < len(y)
    if both:
        sk_bal = float(balanced_accuracy_score(y, pred))
        assert abs(sk_bal - out["balanced_accuracy"]) < 1e-12, (sk_bal, out["balanced_accuracy"])
        out["roc_auc"] = float(roc_auc_score(y, s))
    else:
        out["roc_auc"] = None
    out["average_precision"] = float(average_precision_score(y, s)) if y.sum() > 0 else None

    thresholds = np.array([i / 1000.0 for i in range(1001)], dtype=np.float32)
    pos = np.sort(s[y == 1])
    neg = np.sort(s[y == 0])
    # Count scores >= threshold in float32, the original's rule for this metric.
    tps = len(pos) - np.searchsorted(pos, thresholds, side="left")
    fps = len(neg) - np.searchsorted(neg, thresholds, side="left")
    fns = len(pos) - tps
    best_index, best_f1 = 0, Fraction(-1)
    for i in range(1001):
        den = int(2 * tps[i] + fps[i] + fns[i])
        f1 = Fraction(int(2 * tps[i]), den) if den > 0 else Fraction(0)
        if f1 > best_f1:
            best_index, best_f1 = i, f1
    out["best_threshold"] = best_index / 1000.0
    out["sklearn_f1_at_best"] = float(f1_score(y, (s >= thresholds[best_index]).astype(np.int64), zero_division=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        f1s = np.where(2 * tps + fps + fns > 0, 2 * tps / (2 * tps + fps + fns), 0.0)
    out["sklearn_f1_max"] = float(f1s.max())
    return out


def make_fixture_cases():
    rng = np.random.default_rng(20240611)
    cases = []

    def add(name, scores, fake, threshold=0.5):
        cases.append({
            "name": name,
            "scores": [float(v) for v in np.asarray(scores, dtype=np.float32)],
            "fake": [int(v) for v in fake],
            "threshold": float(threshold),
        })

    add("hand: perfect ranking", [0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])
    add("hand: reversed ranking", [0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])
    add("hand: every score tied", [0.5] * 6, [0, 1, 0, 1, 1, 0])
    add("hand: scores exactly at the threshold", [0.5, 0.5, 0.7, 0.2], [1, 0, 1, 0])
    add("hand: only reals", [0.1, 0.6, 0.4], [0, 0, 0])
    add("hand: only fakes", [0.1, 0.6, 0.4], [1, 1, 1])
    add("hand: one image", [0.7], [1])
    add("hand: zeros and ones", [0.0, 1.0, 0.0, 1.0, 1.0], [0, 1, 1, 0, 1])
    for k in range(24):
        n = int(rng.integers(2, 300))
        levels = int(rng.choice([2, 3, 5, 11, 1000, 0]))
        if levels == 0:
            scores = rng.random(n)
        else:
            scores = rng.integers(0, levels, n) / max(levels - 1, 1)
        p_fake = float(rng.choice([0.5, 0.1, 0.9]))
        fake = (rng.random(n) < p_fake).astype(int)
        threshold = float(rng.choice([0.5, 0.3, 0.0, 1.0, 0.25]))
        add(f"random {k}: n={n}, levels={levels}, p_fake={p_fake}", scores, fake, threshold)
    return cases


def main(argv):
    if argv[1] == "reference":
        with open(argv[2]) as f:
            cases = json.load(f)
        with open(argv[3], "w") as f:
            json.dump([score_case(c) for c in cases], f)
    elif argv[1] == "fixtures":
        cases = make_fixture_cases()
        for c in cases:
            c["expected"] = score_case(c)
        with open(argv[2], "w") as f:
            json.dump({"generated_by": "src/test/python/metric_reference.py fixtures",
                       "numpy": np.__version__,
                       "sklearn": __import__("sklearn").__version__,
                       "cases": cases}, f, indent=1)
            f.write("\n")
    else:
        raise SystemExit("usage: metric_reference.py reference CASES OUT | fixtures OUT")


if __name__ == "__main__":
    main(sys.argv)
