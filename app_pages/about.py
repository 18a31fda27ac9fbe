"""About: what the app does, how it prepares an image (pictured), its limits, and privacy."""

import numpy as np
import streamlit as st

from hdr_core import preprocess_steps
from ui import resources
from ui.example import example_photo
from ui.result import enlarge

st.title("About")
st.markdown(
    """
This app reads handwritten digits. Draw one on the **Draw** page, or upload a photo or scan on
the **Upload** page (or take the photo there with your camera): it shows the digit it reads, how
sure it is, the probability of every digit, and the 28x28 image the model actually saw. A whole
number, such as a year or a price, is read digit by digit, with a box around each. The **Batch**
page reads many files at once into a table you can download, and **History** lists what was read
in this session. The **Model** page shows how the model was trained and how well it does, with
every figure read from the files the training run wrote.

The model is a small convolutional network trained on MNIST, 60,000 digits written by
American census staff and students. A model trained on MNIST has only ever seen digits made
one way, so every image is first put through the same recipe MNIST itself was made with.
When the model is unsure of a digit, it also reads it made a little narrower and a little wider
and averages the three readings, since people write narrower and wider digits than MNIST's writers.
A low-resolution black-and-white scan, as digit collections store digits, is read by networks
trained on more such scans.
"""
)

st.header("How an image is prepared")
steps = preprocess_steps(example_photo())
pictures = [
    (steps.upright, "1. The photo, turned upright (EXIF) and laid on white if transparent"),
    (steps.gray, "2. Grey levels; a desk around a photographed page blanked"),
    (steps.ink, "3. Ink made white on black, as in MNIST (dark ink on paper is inverted)"),
    (steps.flattened, "4. Uneven light evened out (the paper divided by its own brightness, looked at again over a few pen widths "
                      "where the first look took shading for ink), notebook lines taken out"),
    (steps.cleaned, "5. Paper, specks and faint shading removed; ink at full strength"),
    (steps.cropped, "6. Cropped to the ink"),
    (enlarge(steps.boxed), "7. Scaled to fit 20x20 pixels, aspect ratio kept, anti-aliased"),
    (enlarge(steps.result), "8. Placed in 28x28 with its centre of mass in the middle"),
]
for column, (picture, caption) in zip(st.columns(len(pictures)), pictures):
    column.image(np.clip(picture, 0, 1) if isinstance(picture, np.ndarray) and picture.dtype != np.uint8 else picture,
                 caption=caption, width="stretch")

st.header("Limits")
robustness = resources.artifact("evaluation")["robustness"]
continental = robustness.get("continental_ones_and_sevens")
numbers = robustness.get("numbers_with_strokes", robustness["numbers"])
styles = (f"a 1 with a long flag is read right only {continental['ones_accuracy']:.0%} of the time (to a model that "
          f"learned American 1s it looks like a 7), a 7 with a bar across it {continental['sevens_accuracy']:.0%}"
          if continental else "a 1 with a long flag, a crossed 7")
st.markdown(
    f"""
- It knows only the digits 0-9 as MNIST writes them. Unusual styles are read less surely: {styles}.
  A plain stroke for a 1 is safest; if you write your 1s with a flag and cross your 7s, say so in the
  sidebar (**I write 1 with a flag and cross my 7s**): such 1s are then read right far more often.
- Letters and symbols are read as the digit they most resemble.
- A whole number is cut into digits: {numbers['whole_number_accuracy']:.0%} of test numbers drawn on the
  number canvas are read right in full. Digits that touch or overlap are the hard case: leave a gap.
  A decimal point or comma, a minus in front and a hyphen between digits are read too; in a photo,
  keep the number level, or a digit leaning over the point may hide it.
- Photos need the digit to stand out from the paper: very faint pencil, busy backgrounds or
  strong glare can hide it. The lines of ruled or squared notebook paper are taken out, as long as
  the ink is darker than they are. A note photographed lying on a desk, dark or pale, is cut out
  from it; a digit whose strokes run off the note's edge is read less surely: leave a margin.

The **Model** page has every figure, measured on images the model never trained on.
"""
)

st.header("Privacy")
st.markdown("Nothing you draw, upload or photograph is stored. The camera is asked for only once you choose it "
            "on the Upload page, and only the photo you take is read. Images are read in memory for your session "
            "and forgotten, unless you press **Right** or **Wrong** under a reading: that sends the image, what the "
            "model saw and read, and your answer, to help improve the model.")
