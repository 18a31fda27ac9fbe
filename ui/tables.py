"""Column settings the pages' tables of readings share (Batch, History)."""

import streamlit as st

MODEL_INPUT = st.column_config.ImageColumn("model input", width="medium")
"""What the model saw, as a picture: wide enough for a number's digits side by side."""

CONFIDENCE = st.column_config.ProgressColumn("confidence", format="percent", min_value=0.0, max_value=1.0)
"""How sure the model was, as a bar and a percentage."""
