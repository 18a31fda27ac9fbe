"""The Model page's headline figures: two rows of metrics, each with how it was measured on hover."""

from __future__ import annotations

import streamlit as st


def show(evaluation: dict, config: dict) -> None:
    """MNIST, canvas and Semeion figures, then photos, numbers, the segment model and continental 1s and 7s."""
    test, robustness = evaluation["test"], evaluation["robustness"]
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
    photos, numbers = robustness["photos"], robustness["numbers"]
    drawn, shot = robustness.get("numbers_with_strokes"), robustness.get("numbers_photographed")
    ruled, squared, desk, pale, light = (robustness.get(f"photos_{kind}")
                                         for kind in ("ruled", "squared", "on_a_desk", "on_a_pale_desk", "light_ink"))
    cols[0].metric("Phone photos", f"{photos['accuracy']:.2%}", help=f"{photos['n']:,} test digits: {photos['how']}."
                   + (f" On ruled notebook paper: {ruled['accuracy']:.2%}; on squared paper: {squared['accuracy']:.2%}."
                      if ruled and squared else "")
                   + (f" A page photographed lying on a desk: {desk['accuracy']:.2%}." if desk else "")
                   + (f" On a pale desk (white or light wood): {pale['accuracy']:.2%}." if pale else "")
                   + (f" Written in pencil or a light-coloured pen: {light['accuracy']:.2%}." if light else ""))
    cols[1].metric("Whole numbers", f"{numbers['whole_number_accuracy']:.1%}", help=f"{numbers['n']:,} numbers: {numbers['how']}."
                   + (f" Given their pen strokes, as on the Draw page: {drawn['whole_number_accuracy']:.1%} whole, "
                      f"{drawn['digit_accuracy']:.1%} of digits." if drawn else "")
                   + (f" Photographed on paper: {shot['whole_number_accuracy']:.1%} whole, "
                      f"{shot['digit_accuracy']:.1%} of digits." if shot else ""))
    cols[2].metric("Digits within numbers", f"{numbers['digit_accuracy']:.1%}", help="A number cut into the wrong count of digits scores none of its digits.")
    if segmenter := config.get("segmenter"):
        cols[3].metric("Segment model", f"{segmenter['validation_accuracy']:.1%}", help="Tells a whole digit from a part of one "
                       f"when numbers are cut; {segmenter['validation_candidates']:,} candidates from numbers of validation digits.")
    if continental := robustness.get("continental_ones_and_sevens"):
        cols[4].metric("Continental 1s and 7s", f"{continental['accuracy']:.1%}",
                       help=f"{continental['n']:,} test 1s and 7s: {continental['how']}. 1s {continental['ones_accuracy']:.1%}, "
                            f"7s {continental['sevens_accuracy']:.1%}.")
