"""The answerability model: a logistic regression over `features.FEATURES`, persisted as a small JSON.

`P(candidate sentence holds the answer of the ask)`; an ask is answered by its best candidate when
P >= threshold, which is chosen on the training folds for <= 5 % false refusals. The file holds the
weights, the scaler, the threshold, the feature names and the leave-one-document-out fold scores;
`scripts/train_answerability.py` rewrites it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from planqa.qa.features import FEATURES

MODEL_FILE = Path(__file__).with_name("data") / "answerability.json"
MAX_FALSE_REFUSALS = 0.05


@dataclass
class Model:
    features: list[str]
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    threshold: float
    folds: dict = field(default_factory=dict)  # leave-one-document-out scores this model file reports
    trained_on: list[str] = field(default_factory=list)

    def probabilities(self, rows: list[list[float]]) -> np.ndarray:
        if not rows:
            return np.zeros(0)
        x = (np.asarray(rows, dtype=float) - np.asarray(self.mean)) / np.asarray(self.scale)
        return 1.0 / (1.0 + np.exp(-(x @ np.asarray(self.coef) + self.intercept)))

    def save(self, path: Path = MODEL_FILE) -> None:
        path.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> Model:
        d = json.loads(Path(path).read_text(encoding="utf-8"))
        model = cls(**d)
        if list(model.features) != list(FEATURES):
            raise ValueError(f"{path}: features {model.features} differ from the code's {list(FEATURES)}; "
                             "retrain with scripts/train_answerability.py")
        return model


def fit(rows: list[list[float]], labels: list[int], ask_best: list[list[float]], c: float = 1.0) -> Model:
    """Train on candidate rows; `ask_best` holds, per answerable ask, the feature rows of its candidates
    (the threshold keeps the best candidate of >= 95 % of them above it)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    x = np.asarray(rows, dtype=float)
    scaler = StandardScaler().fit(x)
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    lr = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    lr.fit((x - scaler.mean_) / scale, np.asarray(labels))
    model = Model(list(FEATURES), scaler.mean_.tolist(), scale.tolist(), lr.coef_[0].tolist(),
                  float(lr.intercept_[0]), 0.5)
    tops = sorted(float(model.probabilities(r).max()) for r in ask_best if r)
    if tops:
        k = int(np.floor(MAX_FALSE_REFUSALS * len(tops)))
        model.threshold = round(max(0.0, tops[k] - 1e-6), 6)
    return model
