"""Model: how the model was trained and how well it reads, all read from models/*.json."""

import base64

import pandas as pd
import streamlit as st

from ui import charts, model_metrics, resources, touch

evaluation, history, config = (resources.artifact(name) for name in ("evaluation", "history", "train_config"))
test = evaluation["test"]
narrow = touch.on_a_phone()  # charts laid out for a phone held upright

st.title("The model")
ensemble = config.get("ensemble")
what = (f"The average of {ensemble['members']} convolutional networks trained with different seeds "
        f"({config['parameters']:,} parameters in all)" if ensemble else
        f"A {config['parameters']:,}-parameter convolutional network")
st.caption(f"{what}, trained on MNIST by `python train.py`. Every figure on this page is read from `models/*.json`.")

model_metrics.show(evaluation, config)

training, errors, calibration, architecture = st.tabs(["Training", "Errors", "Calibration", "Architecture and settings"])

with training:
    st.altair_chart(charts.history_chart(history, narrow))
    whose = f"the first member's training (seed {config['seed']})" if ensemble else "training"
    st.caption(f"Curves of {whose}; a run keeps its epoch with the best validation accuracy. The served model reads "
               f"{evaluation['validation']['accuracy']:.2%} of the {evaluation['validation']['n']:,} held-out training images.")
    if warm := config.get("warm_start"):
        st.caption(f"Training restarted after epoch {warm['restarted_after_epoch']}: the best model of that first run "
                   f"was trained {config['epochs']} more epochs with a new learning-rate cycle (peak {config['learning_rate']:g}).")

with errors:
    matrix, report = st.columns([1, 1])
    with matrix:
        st.subheader("Confusion matrix")
        st.altair_chart(charts.confusion_chart(test["confusion_matrix"], narrow))
    with report:
        st.subheader("Per digit")
        st.dataframe(pd.DataFrame(test["per_class"]).set_index("digit"), width="stretch",
                     column_config={k: st.column_config.NumberColumn(format="%.4f") for k in ("precision", "recall", "f1")})
    st.subheader(f"The {len(test['misclassified'])} test digits it gets wrong")
    gallery = st.columns(10)
    for i, miss in enumerate(test["misclassified"]):
        gallery[i % 10].image(base64.b64decode(miss["image_png_base64"]), width=56,
                              caption=f"{miss['true']} read as {miss['predicted']} ({miss['confidence']:.0%})")

with calibration:
    st.metric("Expected calibration error", f"{test['calibration']['ece']:.4f}", help="Test set, 15 confidence bins.")
    st.altair_chart(charts.reliability_chart(test["calibration"]["bins"]), width="stretch")
    unsure = evaluation["unsure_below"]
    st.write(f"The Draw and Upload pages add a *not sure* note below **{unsure['threshold']:.0%}** confidence: {unsure['how']}.")
    st.dataframe(pd.DataFrame(test["accuracy_at_confidence"]), hide_index=True)

with architecture:
    st.metric("Parameters", f"{config['parameters']:,}")
    st.caption(f"Served with LiteRT, weights stored as {evaluation.get('weights', 'float32')}: its probabilities differ "
               f"from the Keras model's by at most {evaluation['max_probability_difference_tflite_vs_keras']:.1e} "
               "on 1,000 validation digits." + (f" How digits are read: {evaluation['reader']}." if "reader" in evaluation else ""))
    if scans := config.get("scan_reader"):
        st.caption(f"Uploads that are low-resolution scans (black and white, a grid of a few cells, as Semeion stores "
                   f"digits) are read by a second average, of {scans['members']} networks trained on more such scans: it "
                   f"reads {scans['validation_low_resolution_scans']:.2%} of the validation scans.")
    if ensemble:
        st.write(f"Each of the {ensemble['members']} members has these layers; their probabilities are averaged.")
    st.dataframe(pd.DataFrame(config["layers"]), hide_index=True, width="stretch")
    st.subheader("Training settings")
    st.json({k: v for k, v in config.items() if k not in ("layers",)}, expanded=False)
