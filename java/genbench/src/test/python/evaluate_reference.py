#!/usr/bin/python3
"""The original evaluation script's binary metrics, recomputed with NumPy and scikit-learn, for
PredictionsEvaluatorTest.

  evaluate_reference.py MECHANISM[,MECHANISM...] FILE_WINDOW_0 [FILE_WINDOW_1 ...]

For window k (the k-th file): fuse consecutive crops with equal crop_identifiers by their float32
mean, keep the fakes of the mechanism's generators and the reals paired with them, decide fake where
score > 0.5, and print, for each mechanism, one JSON object per window with scikit-learn's values
(null where it refuses).
"""
import json
import sys
import warnings

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    balanced_accuracy_score,
    confusion_matrix,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)

warnings.filterwarnings("ignore")


def generators_for(mechanism, windows, k):
    last = len(windows) - 1
    if mechanism == "immediate_future":
        picked = [min(k + 1, last)]
    elif mechanism == "growing":
        picked = range(0, k + 1)
    elif mechanism == "growing_whole":
        picked = range(0, min(k + 1, last) + 1)
    elif mechanism == "past":
        picked = range(0, k)
    elif mechanism == "all":
        picked = range(0, last + 1)
    else:
        raise SystemExit("unknown mechanism " + mechanism)
    out = set()
    for w in picked:
        out |= windows[w]
    return out


def fuse(scores, generators, identifiers):
    starts = [i for i in range(len(identifiers)) if i == 0 or identifiers[i] != identifiers[i - 1]]
    ends = starts[1:] + [len(identifiers)]
    fused = np.array([scores[a:b].mean() for a, b in zip(starts, ends)], dtype=scores.dtype)
    return fused, generators[starts]


def score_window(path, mechanism, k):
    d = np.load(path)
    names = d["generator_id_to_name"].tolist()
    windows = [{names.index(n) for n in row if n != ""} for row in d["windows_timeline"].tolist()]
    wanted = generators_for(mechanism, windows, k)
    scores, generators = fuse(d["crop_scores"], d["crop_generator_ids"], d["crop_identifiers"])
    pairing = d["pairing"]
    keep = np.isin(generators, list(wanted)) | ((generators == 0) & np.isin(pairing, list(wanted)))
    s = scores[keep]
    y = (generators[keep] != 0).astype(int)
    pred = (s > 0.5).astype(int)
    out = {"n_real": int((y == 0).sum()), "n_fake": int((y == 1).sum())}
    if len(y) == 0:
        return out
    tn, fp, fn, tp = confusion_matrix(y, pred, labels=[0, 1]).ravel()
    out.update(tp=int(tp), tn=int(tn), fp=int(fp), fn=int(fn))
    out["accuracy"] = float(accuracy_score(y, pred))
    out["precision"] = float(precision_score(y, pred, zero_division=0))
    out["recall"] = float(recall_score(y, pred, zero_division=0))
    out["f1"] = float(f1_score(y, pred, zero_division=0))
    both = 0 < y.sum() < len(y)
    out["balanced_accuracy"] = float(balanced_accuracy_score(y, pred)) if both else None
    out["tnr"] = float(tn / (tn + fp)) if tn + fp > 0 else None
    out["roc_auc"] = float(roc_auc_score(y, s)) if both else None
    out["average_precision"] = float(average_precision_score(y, s)) if y.sum() > 0 else None
    return out


if __name__ == "__main__":
    print(json.dumps({m: [score_window(p, m, k) for k, p in enumerate(sys.argv[2:])]
                      for m in sys.argv[1].split(",")}))
