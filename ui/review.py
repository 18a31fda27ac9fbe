"""The Review page's content: the corrections people sent, for the people who run the app."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from hdr_core.batch import thumbnail_url
from hdr_core.feedback import FeedbackStore
from hdr_core.metrics import confusion_matrix

from . import charts, touch


def auth_configured() -> bool:
    """Whether st.login (OIDC) is set up in secrets; without it the Review page is hidden."""
    try:
        return "auth" in st.secrets
    except Exception:
        return False


def admins() -> set[str]:
    try:
        return {email.lower() for email in st.secrets.get("admins", [])}
    except Exception:
        return set()


def show(store: FeedbackStore) -> None:
    records = store.records()
    if not records:
        st.info("No corrections have been sent yet.", icon=":material/rate_review:")
        return
    wrong = [r for r in records if not r.correct]
    cols = st.columns(3)
    cols[0].metric("Corrections", len(records))
    cols[1].metric("Model was wrong", len(wrong))
    cols[2].metric("Model was right", len(records) - len(wrong))
    shown = wrong if st.toggle("Only wrong predictions", key="review.wrong_only") else records
    st.dataframe(pd.DataFrame([{"input": thumbnail_url(r.model_input), "id": r.id, "time": r.created_at, "source": r.source,
                                "read": r.predicted, "is": r.label, "confidence": r.confidence, "model": r.model_version,
                                "style": r.style} for r in shown]),
                 hide_index=True, width="stretch", column_config={"input": st.column_config.ImageColumn("model input")})
    st.subheader("What people said, against what the model read")
    said = confusion_matrix([r.label for r in records], [r.predicted for r in records])
    st.altair_chart(charts.confusion_chart(said, narrow=touch.on_a_phone()))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "feedback.npz"
        count = store.export_npz(path)
        st.download_button(f"Export {count} corrections (.npz, MNIST layout)", path.read_bytes(), file_name="feedback.npz",
                           mime="application/octet-stream", icon=":material/download:", key="review.export")
    st.caption("Fine-tune with them: `python train.py --feedback feedback.npz`.")
