"""Model: how the model was trained and how well it reads, all read from models/*.json."""

import base64

import pandas as pd
import streamlit as st

from ui import charts, resources

evaluation, history, config = (resources.artifact(name) for name in ("evaluation", "history", "train_config"))
test, robustness = evaluation["test"], evaluation["robustness"]

st.title("The model")
ensemble = config.get("ensemble")
what = (f"The average of {ensemble['members']} convolutional networks trained with different seeds "
        f"({config['parameters']:,} parameters in all)" if ensemble else
        f"A {config['parameters']:,}-parameter convolutional network")
st.caption(f"{what}, trained on MNIST by `python train.py`. Every figure on this page is read from `models/*.json`.")

cols = st.columns(4)
cols[0].metric("MNIST test accuracy", f"{test['accuracy']:.2%}", help=f"All {test['n']:,} MNIST test images; never used for training or tuning.")
cols[1].metric("Test loss", f"{test['loss']:.4f}")
cols[2].metric("Canvas-style drawings", f"{robustness['canvas']['accuracy']:.2%}",
               help=f"{robustness['canvas']['n']:,} test digits redrawn as on the Draw page: {robustness['canvas']['how']}.")
semeion = robustness.get("semeion")
cols[3].metric("Semeion handwriting", f"{semeion['accuracy']:.2%}" if semeion else "not measured",
               help=f"{semeion['n']:,} digits by about 80 writers: {semeion['how']}. Commonest mistakes: "
                    + ", ".join(f"{m['true']} read as {m['read']} ({m['count']})" for m in semeion.get("most_confused", []))
               if semeion else None)

cols = st.columns(5)
photos, numbers, drawn, segmenter = (robustness["photos"], robustness["numbers"], robustness.get("numbers_with_strokes"),
                                     config.get("segmenter"))
cols[0].metric("Phone photos", f"{photos['accuracy']:.2%}", help=f"{photos['n']:,} test digits: {photos['how']}.")
cols[1].metric("Whole numbers", f"{numbers['whole_number_accuracy']:.1%}", help=f"{numbers['n']:,} numbers: {numbers['how']}."
               + (f" Given their pen strokes, as on the Draw page: {drawn['whole_number_accuracy']:.1%} whole, "
                  f"{drawn['digit_accuracy']:.1%} of digits." if drawn else ""))
cols[2].metric("Digits within numbers", f"{numbers['digit_accuracy']:.1%}", help="A number cut into the wrong count of digits scores none of its digits.")
if continental := robustness.get("continental_ones_and_sevens"):
    cols[4].metric("Continental 1s and 7s", f"{continental['accuracy']:.1%}",
                   help=f"{continental['n']:,} test 1s and 7s: {continental['how']}. 1s {continental['ones_accuracy']:.1%}, "
                        f"7s {continental['sevens_accuracy']:.1%}.")
if segmenter:
    cols[3].metric("Segment model", f"{segmenter['validation_accuracy']:.1%}", help="Tells a whole digit from a part of one "
                   f"when numbers are cut; {segmenter['validation_candidates']:,} candidates from numbers of validation digits.")

training, errors, calibration, architecture = st.tabs(["Training", "Errors", "Calibration", "Architecture and settings"])

with training:
    st.altair_chart(charts.history_chart(history))
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
        st.altair_chart(charts.confusion_chart(test["confusion_matrix"]))
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
    if ensemble:
        st.write(f"Each of the {ensemble['members']} members has these layers; their probabilities are averaged.")
    st.dataframe(pd.DataFrame(config["layers"]), hide_index=True, width="stretch")
    st.subheader("Training settings")
    st.json({k: v for k, v in config.items() if k not in ("layers",)}, expanded=False)
