"""Altair charts, as pure functions of data (no Streamlit), so pages only place them."""

from __future__ import annotations

import functools
import json
from typing import Sequence

import altair as alt
import numpy as np
import pandas as pd
import pyarrow as pa

HIGHLIGHT, MUTED = "#e4572e", "#9aa5b1"


def probability_data(probabilities: Sequence[float]) -> pa.Table:
    """The ten probabilities as the rows the probability chart draws, the winner marked.

    An Arrow table, which Streamlit sends as it is: converting a pandas frame took about 0.6 ms a reading.
    """
    winner = int(np.argmax(probabilities))
    return pa.table({"digit": [str(d) for d in range(len(probabilities))],
                     "probability": [float(p) for p in probabilities],
                     "reading": ["chosen" if d == winner else "other" for d in range(len(probabilities))]})


@functools.cache
def _probability_spec() -> str:
    chart = (
        alt.Chart(title="Probability of each digit")
        .mark_bar()
        .encode(
            x=alt.X("digit:N", sort=None, axis=alt.Axis(labelAngle=0, title="digit")),
            y=alt.Y("probability:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%", title=None)),
            color=alt.Color("reading:N", scale=alt.Scale(domain=["chosen", "other"], range=[HIGHLIGHT, MUTED]), legend=None),
            tooltip=[alt.Tooltip("digit:N"), alt.Tooltip("probability:Q", format=".2%")],
        )
        .properties(height=260)
    )
    spec = chart.to_dict()
    for key in ("data", "datasets"):  # Altair's stand-in for the missing data: the data comes with each reading
        spec.pop(key, None)
    return json.dumps(spec)


def probability_spec() -> dict:
    """The Vega-Lite spec of the probability bars (data from ``probability_data``), the winner highlighted,
    exact values on hover. Altair builds it once: building it for every reading took about 7 ms of the
    server's time, a third of a rerun under load (python bench/load.py protocol)."""
    return json.loads(_probability_spec())  # a fresh copy: Streamlit may edit the dict it is given


def history_chart(history: dict, narrow: bool = False) -> alt.FacetChart:
    """Loss and accuracy per epoch, training against validation; click the legend to focus one.
    ``narrow``: one above the other, the legend beneath, to fit a phone held upright."""
    rows = []
    for key, values in history.items():
        if key in ("epoch", "learning_rate"):
            continue
        split = "validation" if key.startswith("val_") else "training"
        metric = key.removeprefix("val_")
        rows += [{"epoch": e, "metric": metric, "split": split, "value": v} for e, v in zip(history["epoch"], values)]
    frame = pd.DataFrame(rows)
    focus = alt.selection_point(fields=["split"], bind="legend")
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("epoch:Q", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("value:Q", scale=alt.Scale(zero=False), title=None),
            color=alt.Color("split:N", title=None, legend=alt.Legend(orient="bottom" if narrow else "right")),
            opacity=alt.condition(focus, alt.value(1.0), alt.value(0.15)),
            tooltip=["epoch:Q", "split:N", alt.Tooltip("value:Q", format=".4f")],
        )
        .properties(height=220, width=260 if narrow else 300)
        .facet(facet=alt.Facet("metric:N", title=None), columns=1 if narrow else 2)
        .resolve_scale(y="independent")
        .add_params(focus)
    )


def confusion_chart(matrix: Sequence[Sequence[int]], narrow: bool = False) -> alt.LayerChart:
    """The confusion matrix as a heatmap with counts; rows are the true digit. ``narrow``: sized for a phone."""
    rows = [{"true": str(t), "predicted": str(p), "count": int(c)} for t, row in enumerate(matrix) for p, c in enumerate(row)]
    frame = pd.DataFrame(rows)
    frame["shade"] = np.log1p(frame["count"])
    base = alt.Chart(frame).encode(
        x=alt.X("predicted:N", axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("true:N"),
        tooltip=["true:N", "predicted:N", "count:Q"],
    )
    heat = base.mark_rect().encode(color=alt.Color("shade:Q", scale=alt.Scale(scheme="blues"), legend=None))
    text = base.mark_text(fontSize=11).encode(
        text="count:Q", color=alt.condition(alt.datum.shade > 4, alt.value("white"), alt.value("black"))
    )
    side = 290 if narrow else 380
    return (heat + text).properties(width=side, height=side)


def reliability_chart(bins: list[dict]) -> alt.LayerChart:
    """Accuracy against confidence per bin; a calibrated model follows the diagonal."""
    frame = pd.DataFrame([b for b in bins if b["count"]])
    frame["middle"] = (frame["low"] + frame["high"]) / 2
    bars = alt.Chart(frame).mark_bar(opacity=0.8, color="#3d7ab8").encode(
        x=alt.X("low:Q", bin="binned", scale=alt.Scale(domain=[0, 1]), title="confidence"),
        x2="high:Q",
        y=alt.Y("accuracy:Q", scale=alt.Scale(domain=[0, 1]), title="accuracy"),
        tooltip=[alt.Tooltip("low:Q", format=".2f"), alt.Tooltip("high:Q", format=".2f"), "count:Q",
                 alt.Tooltip("accuracy:Q", format=".3f"), alt.Tooltip("confidence:Q", format=".3f")],
    )
    diagonal = alt.Chart(pd.DataFrame({"x": [0, 1], "y": [0, 1]})).mark_line(strokeDash=[4, 4], color="gray").encode(x="x:Q", y="y:Q")
    return (bars + diagonal).properties(height=300)
