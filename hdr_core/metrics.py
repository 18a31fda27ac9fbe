"""Evaluation metrics in plain NumPy: confusion matrix, per-class report, calibration."""

from __future__ import annotations

import numpy as np

from .constants import NUM_CLASSES


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, num_classes: int = NUM_CLASSES) -> np.ndarray:
    """Counts, shape (classes, classes): row = true digit, column = predicted digit."""
    y_true, y_pred = np.asarray(y_true, dtype=int), np.asarray(y_pred, dtype=int)
    return np.bincount(y_true * num_classes + y_pred, minlength=num_classes**2).reshape(num_classes, num_classes)


def classification_report(matrix: np.ndarray) -> list[dict]:
    """Precision, recall, F1 and support for each class, from a confusion matrix."""
    matrix = np.asarray(matrix, dtype=float)
    true_positive = np.diag(matrix)
    predicted, actual = matrix.sum(axis=0), matrix.sum(axis=1)
    precision = np.divide(true_positive, predicted, out=np.zeros_like(true_positive), where=predicted > 0)
    recall = np.divide(true_positive, actual, out=np.zeros_like(true_positive), where=actual > 0)
    total = precision + recall
    f1 = np.divide(2 * precision * recall, total, out=np.zeros_like(total), where=total > 0)
    return [
        {"digit": c, "precision": float(precision[c]), "recall": float(recall[c]), "f1": float(f1[c]), "support": int(actual[c])}
        for c in range(len(matrix))
    ]


def calibration(probabilities: np.ndarray, y_true: np.ndarray, bins: int = 15) -> dict:
    """Expected calibration error and the reliability diagram's bins (confidence of the top class).

    ECE = sum over equal-width confidence bins of (share of samples) x |accuracy - mean confidence|.
    """
    probabilities = np.asarray(probabilities, dtype=float)
    confidence = probabilities.max(axis=1)
    correct = probabilities.argmax(axis=1) == np.asarray(y_true)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    rows, ece = [], 0.0
    for b in range(bins):
        members = which == b
        count = int(members.sum())
        if count:
            accuracy, mean_conf = float(correct[members].mean()), float(confidence[members].mean())
            ece += count / len(confidence) * abs(accuracy - mean_conf)
        else:
            accuracy = mean_conf = None
        rows.append({"low": float(edges[b]), "high": float(edges[b + 1]), "count": count, "accuracy": accuracy, "confidence": mean_conf})
    return {"ece": float(ece), "bins": rows}


def accuracy_at_confidence(probabilities: np.ndarray, y_true: np.ndarray, thresholds: list[float]) -> list[dict]:
    """For each threshold: the share of readings at or above it and their accuracy (what 'sure' means)."""
    confidence = np.asarray(probabilities).max(axis=1)
    correct = np.asarray(probabilities).argmax(axis=1) == np.asarray(y_true)
    out = []
    for t in thresholds:
        kept = confidence >= t
        out.append({"threshold": t, "coverage": float(kept.mean()), "accuracy": float(correct[kept].mean()) if kept.any() else None})
    return out


def confidence_threshold(probabilities: np.ndarray, y_true: np.ndarray, target_accuracy: float = 0.99) -> float:
    """The lowest confidence t at which readings with confidence >= t are right ``target_accuracy`` of the time.

    Readings below it deserve a "not sure" note. Computed on validation data, never the test set.
    """
    confidence = np.asarray(probabilities).max(axis=1)
    correct = np.asarray(probabilities).argmax(axis=1) == np.asarray(y_true)
    order = np.argsort(-confidence)
    running = np.cumsum(correct[order]) / np.arange(1, len(order) + 1)  # accuracy of the k most confident
    good = np.flatnonzero(running >= target_accuracy)
    if good.size == 0:
        return 1.0
    return float(confidence[order][good[-1]])
