"""The paper a digit is written on, as a phone photographs it: a page lying on a desk (the page kept, the
desk around it blanked) and the ruled or squared lines of notebook paper (taken out). MNIST's digits were
written on blank forms and scanned, so neither is anything the model has seen."""

from __future__ import annotations

import functools
import math

import numpy as np
from PIL import Image
from scipy import ndimage

from .imaging import closing, max_pool, median, otsu_threshold
from .ink import INK_FLOOR

PAGE_MAP_SIDE = 128
"""A photographed page is looked for on a copy about this many pixels across."""

PAGE_SHARE = (0.10, 0.97)
"""A page photographed on a desk fills between these shares of the frame."""

PAGE_BORDER = 0.7
"""What lies around a page (a desk) runs along at least this share of the frame's edge. A shadow
across a sheet that fills the frame does not: the lit part of the sheet reaches the edge."""

PAGE_RECTANGULAR = 0.85
"""A page is a rectangle, seen a little askew: its area is at least this share of the smallest
turned rectangle around it (an ellipse, such as a light 0 on a dark ground, is 0.79)."""

PAGE_DESK = 0.75
"""What lies around a page is at most this share of the page's lightness: clearly darker."""

PAGE_SHADES = (0.4, 0.2, 0.1)
"""Paper in shadow is still paper: the page is what is lighter than the desk by one of these shares of
the way from the desk's grey to the paper's. Where a shadow falls across the page (a phone held over
it), only a lower share takes in its shaded part; the most rectangular region found is the page."""

PAGE_WRITING = 0.001
"""A page holds writing: at least this share of it is as dark as ink."""

PAGE_HOLES = 0.25
"""Writing on a page covers less than this share of it."""

PAGE_STROKE = (0.08, 0.2)
"""A stroke written up to the page's edge cuts a notch into the light region taken for the page. A notch
whose ink is at most the first share of the page's shorter side thick (from its middle to its nearest
edge: half a pen's width, not a shadow's or the desk's) and reaches at least the second share of it in
from the page's edge (a digit's stroke runs into the page; the rim of a shadow or of the page itself
lies along its edge) is the writing, and is given back to the page."""


NOTCHED_BOLDER = 1.5
"""Where no region passes as a page without them (``_notched_page``), strokes written off the note are given back
while up to this many times as thick as ``PAGE_STROKE`` allows: a digit written large is written bold."""

NOTCHED_RECTANGULAR = 0.92
"""A note found only once the strokes written off it are given back (``_notched_page``) is then all but a
rectangle (0.96-0.99 of its smallest turned rectangle, seen a little askew). A light digit on a dark ground, its
outline notched by its own strokes, passes as a page once they are given back, but is less rectangular
(0.85-0.90)."""


def _hull_corners(mask: np.ndarray) -> np.ndarray | None:
    """The corners (x, y) of the mask's convex hull, in order; None where the mask has no area (a line)."""
    from scipy.spatial import ConvexHull, QhullError

    points = np.argwhere(mask & ~ndimage.binary_erosion(mask))[:, ::-1].astype(np.float64)  # its edge holds every corner
    try:
        return points[ConvexHull(points).vertices]
    except (QhullError, ValueError):
        return None


def _rectangularity(mask: np.ndarray) -> float:
    """The mask's area over that of the smallest turned rectangle holding it (1 for a rectangle)."""
    corners = _hull_corners(mask)
    if corners is None:
        return 0.0
    sides = np.diff(np.vstack([corners, corners[:1]]), axis=0)
    best = np.inf
    for angle in np.arctan2(sides[:, 1], sides[:, 0]):  # the smallest rectangle has a side along the hull's
        cos, sin = np.cos(angle), np.sin(angle)
        turned = corners @ np.array([[cos, -sin], [sin, cos]])  # each side in turn laid level
        best = min(best, float(np.prod(np.ptp(turned, axis=0) + 1.0)))
    return float(mask.sum()) / best


def _convex_hull(mask: np.ndarray) -> np.ndarray:
    """The mask with its convex hull filled in (the mask itself where it has no area)."""
    from PIL import ImageDraw

    corners = _hull_corners(mask)
    if corners is None:
        return mask
    hull = Image.new("1", mask.shape[::-1])
    ImageDraw.Draw(hull).polygon([tuple(corner) for corner in corners], fill=1, outline=1)
    return np.asarray(hull) | mask


def _stroke_limits(page: np.ndarray) -> tuple[float, float]:
    """How thick a pen's stroke on the page may be (from its middle to its nearest edge), and how far into the
    page a stroke written up to its edge reaches at least (``PAGE_STROKE``), in pixels of the page's map."""
    rows, cols = np.nonzero(page)
    side = min(np.ptp(rows), np.ptp(cols)) + 1
    return PAGE_STROKE[0] * side, PAGE_STROKE[1] * side


def _writing_at_the_edge(page: np.ndarray, dark: np.ndarray, bolder: float = 1.0) -> np.ndarray:
    """The notches that writing cuts into the page, to be given back to it (see ``PAGE_STROKE``; ``bolder``
    times as thick a stroke allowed).

    MNIST's forms had nothing but paper around the writing, so all the writing must stay on the page.
    A digit written large on a note often runs to the note's edge, and its strokes then join the desk
    around it: the light region taken for the page has a notch there, and the strokes (with a loop
    they close, a 0's or a 9's) would be blanked with the desk. Each notch (the page's convex hull less
    the page) whose ink (``dark``: ink-dark pixels) is as thin as a pen's stroke and runs well into the
    page is put back. A notch that a shadow or the desk makes is broad, and the rim of a shadow or of
    the page lies along its edge: they stay out.
    """
    hull = _convex_hull(page)
    notches, count = ndimage.label(hull & ~page)
    given_back = np.zeros_like(page)
    if not count:
        return given_back
    thickest, shallowest = _stroke_limits(page)
    thickest *= bolder
    depth = ndimage.distance_transform_edt(np.pad(hull, 1))[1:-1, 1:-1]  # from the page's edge (its hull's)
    for box, k in zip(ndimage.find_objects(notches), range(1, count + 1)):
        notch = notches[box] == k
        ink = notch & dark[box]
        if not ink.any() or float(depth[box][ink].max()) < shallowest:
            continue
        if float(ndimage.distance_transform_edt(np.pad(ink, 1)).max()) <= thickest:  # padded: the box's edge is no edge of the ink
            given_back[box] |= notch
    return given_back


def _frame_edge(values: np.ndarray) -> np.ndarray:
    """The pixels along the four sides of an image, in one row."""
    return np.concatenate([values[0], values[-1], values[:, 0], values[:, -1]])


def _largest_region(light: np.ndarray) -> np.ndarray:
    """The largest connected region of a mask, its holes filled."""
    labels, _ = ndimage.label(light)
    return ndimage.binary_fill_holes(labels == 1 + int(np.argmax(np.bincount(labels.ravel())[1:])))


def _page_region(light: np.ndarray, rectangular: float = PAGE_RECTANGULAR) -> tuple[np.ndarray, float] | None:
    """The largest light region of a reduced photo, holes filled, and its rectangularity, if it could be
    a page on a desk: it fills a plausible share of the frame, the desk runs along most of the frame's
    edge, writing leaves only small holes in it, and it is rectangular (at least ``rectangular``). None otherwise."""
    if not light.any():
        return None
    page = _largest_region(light)
    if not (PAGE_SHARE[0] <= page.mean() <= PAGE_SHARE[1]) or (~_frame_edge(page)).mean() < PAGE_BORDER:
        return None
    if (page & ~light).sum() > PAGE_HOLES * page.sum():
        return None
    rectangularity = _rectangularity(page)
    return (page, rectangularity) if rectangularity >= rectangular else None


def _notched_page(light: np.ndarray, dark: np.ndarray) -> tuple[np.ndarray, float, np.ndarray] | None:
    """The page, where a digit written large on a note has notched it too deeply to pass as one
    (``_page_region``): the largest light region with its writing at the edge given back
    (``_writing_at_the_edge``, strokes up to ``NOTCHED_BOLDER`` times as bold), if that passes and is then all but
    a rectangle (``NOTCHED_RECTANGULAR``); with its rectangularity and the strokes given back. None otherwise.

    A loop that runs off the note (the bottom of a 0) cuts the paper inside it off from the rest, and a bold
    stroke run across a corner cuts the corner off: what is left is too far from a rectangle.
    """
    if not light.any():
        return None
    strokes = _writing_at_the_edge(_largest_region(light), dark, NOTCHED_BOLDER)
    found = _page_region(light | strokes, NOTCHED_RECTANGULAR) if strokes.any() else None
    return (*found, strokes) if found else None


def _page_on_a_desk(gray: np.ndarray, factor: int, small: np.ndarray, light: np.ndarray,
                    pale: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """Where the page lies in a photo of it on a desk (see ``keep_the_page``), in its copy ``small``
    reduced ``factor`` times (split by ``light``): the page less its own edge, and that less its writing (the
    strokes given back to it by ``_writing_at_the_edge``, and any other), its paper alone; or None where no
    page is found.

    On a dark desk the page is the largest region lighter than the desk; on a ``pale`` one (lighter
    than the page), the largest region darker than the desk, taken only where the page is darker
    by more than ``INK_FLOOR`` (its edge would otherwise be read as ink) and holds something darker
    still (a drawing's strokes on a white canvas are darker than the canvas, but hold nothing darker).
    Where no region passes as a page, one that passes once the writing at its edge is given back is taken
    (``_notched_page``): a digit written large on a note.
    """
    if not pale:
        desk, paper = median(small[~light]), median(small[light])
        if desk > PAGE_DESK * paper:
            return None
        ink = (desk + paper) / 2
        regions = [small > desk + shade * (paper - desk) for shade in PAGE_SHADES]
    else:
        if (~_frame_edge(light)).mean() > 1 - PAGE_BORDER:
            return None  # the frame's edge is not mostly pale desk
        desk, paper = median(small[light]), median(small[~light])
        ink = paper - (desk - paper) / 2
        if paper > (1 - INK_FLOOR) * desk or float(gray.min()) >= ink:
            return None
        regions = [small < desk - shade * (desk - paper) for shade in PAGE_SHADES]
    darkest = -max_pool(-gray, factor)
    dark = darkest < ink  # the darkest pixel of each block as dark as ink: thin strokes count
    found = [region for region in map(_page_region, regions) if region]
    if found:
        page = max(found, key=lambda region: region[1])[0]  # the first of equals: the threshold nearest the desk's grey
        strokes = _writing_at_the_edge(page, dark)
    else:  # a digit written large may have notched the note too deeply where it runs off it
        notched = [region for region in (_notched_page(mask, dark) for mask in regions) if region]
        if not notched:
            return None
        page, _, strokes = max(notched, key=lambda region: region[1])
    inner = ndimage.binary_erosion(page | strokes, iterations=2)  # the page's own edge is shaded: blank it too
    writing = inner & dark
    if writing.sum() < max(4, PAGE_WRITING * inner.sum()):
        return None  # a blank patch (a 0 drawn to fill its box, light inside dark ink) is no page
    # The paper alone, its grey to be carried onto the desk: not the strokes given back, nor any other writing
    # (a stroke may end on the page's edge without cutting into it), each with its blurred rim. Writing is what
    # is darker than the paper around it (its grey with strokes closed over) by as much as ink is darker than
    # paper; a shadow is broader than any stroke, and stays paper.
    around = closing(small, 2 * math.ceil(_stroke_limits(page)[0]) + 1)
    written = inner & (darkest < around - abs(paper - ink))
    kept = inner & ~ndimage.binary_dilation(strokes, iterations=2)
    alone = kept & ~ndimage.binary_dilation(written)
    return inner, alone if alone.any() else kept


def keep_the_page(gray: np.ndarray) -> np.ndarray:
    """Blank what lies around a photographed page or note (a desk), so that only paper and ink remain.

    MNIST's digits were scanned from forms that filled the scanner: there was nothing but paper
    around the writing. In a phone photo of a note on a desk, the desk would be read as ink (or
    the note itself, where the desk fills most of the frame). The page is the largest light region
    of a reduced copy (each pixel the lightest of its block, so the writing drops out), its holes
    filled, at whichever of a few thresholds (``PAGE_SHADES``: a shadow across the page) makes it
    most rectangular; when it is clearly lighter than its surroundings, rectangular, and surrounded
    along much of the frame's edge, everything outside it, and its own edge, is given the grey of
    the nearest paper of the page (not of its writing), as if the paper went on; writing that runs to
    the page's edge stays (``_writing_at_the_edge``), and a note it notches too deeply to pass as a rectangle is
    found once it is given back (``_notched_page``). A page darker than a pale desk (a sticky note on a
    white table) is found the same way, light and dark swapped.
    Anything else passes unchanged.
    """
    if min(gray.shape) < 64:
        return gray
    factor = max(1, min(gray.shape) // PAGE_MAP_SIDE)
    small = max_pool(gray, factor)
    light = small > otsu_threshold(small)
    if not light.any() or light.all():
        return gray
    edge = _frame_edge(gray)
    found = None
    if np.count_nonzero(edge < PAGE_DESK * float(gray.max())) >= PAGE_BORDER / 2 * edge.size:
        found = _page_on_a_desk(gray, factor, small, light, pale=False)  # much of the frame's edge is dark: perhaps a desk
    if found is None:
        found = _page_on_a_desk(gray, factor, small, light, pale=True)
    if found is None:
        return gray
    inner, paper = found
    # Outside, the paper's own grey goes on as it was at the nearest point of the page (lit or shaded), not
    # of writing that reaches its edge, which would be drawn on across the desk as a streak of ink.
    nearest = ndimage.distance_transform_edt(~paper, return_distances=False, return_indices=True)
    carried = Image.fromarray(small[nearest[0], nearest[1]].astype(np.float32)).resize(gray.shape[::-1], Image.Resampling.BILINEAR)
    kept = np.asarray(Image.fromarray(inner).resize(gray.shape[::-1], Image.Resampling.NEAREST))
    return np.where(kept, gray, np.asarray(carried, dtype=np.float32))


LINE_MAP_SIDE = 128
"""Ruled lines are looked for on a copy about this many pixels across (each pixel the brightest of its block)."""

LINE_TILT = 12.0
"""Largest tilt of a ruled line, in degrees: a page photographed a little askew."""

LINE_TILT_STEP = 0.25
"""Finest tilt tried, in degrees (first whole degrees, then quarters around the best): over a
1,000-pixel photo a line is then less than a pixel off."""

LINE_COVER = 0.75
"""A ruled line is marked along at least this share of its length; a digit's stroke is far shorter."""

LINE_FAINT = 0.6
"""Printed lines are fainter than the ink written over them: at most this share of its strength."""

LINE_TRACE = 0.08
"""Pixels this share of the ink's strength above the paper count as marked when looking for lines."""


@functools.lru_cache(maxsize=256)
def _tilted_rows(height: int, width: int, degrees: float) -> tuple[np.ndarray, int, int, np.ndarray]:
    """The rows k of a ``height`` x ``width`` map tilted by ``degrees``: row k meets column c at row
    k + shift[c] (k counted from -top), ``length`` of them, and how many columns each crosses inside
    the map. The same for every image of a size, so worked out once."""
    shift = np.round(np.tan(np.deg2rad(degrees)) * (np.arange(width) - width / 2)).astype(int)
    top, length = int(shift.max()), height + int(shift.max() - shift.min())
    span = np.cumsum(np.bincount(top - shift, minlength=length + height)
                     - np.bincount(top - shift + height, minlength=length + height))[:length]
    for table in (shift, span):
        table.setflags(write=False)  # shared between calls: read only
    return shift, top, length, span


def _lines_across(marked: np.ndarray, factor: int) -> tuple[float, list[float], int] | None:
    """Straight lines of marked pixels crossing the map ``marked`` from side to side, nearly level:
    the tilt (rows per column), each line's row at the middle column in full-size pixels (the map is
    ``factor`` times smaller), and how many of them are long (not a corner's), or None."""
    height, width = marked.shape
    marked_rows, marked_cols = np.nonzero(marked)

    def along(degrees: float):
        shift, top, length, span = _tilted_rows(height, width, float(degrees))
        counts = np.bincount(marked_rows - shift[marked_cols] + top, minlength=length)
        cover = counts / np.maximum(span, 1)
        long_lines = np.flatnonzero((span >= width // 3) & (cover >= LINE_COVER))
        # Lines that leave through the top or bottom edge cross a corner only: short, but lines too.
        lines = np.flatnonzero((span >= max(8, width // 10)) & (cover >= LINE_COVER))
        return float(cover[long_lines].sum()), degrees, lines - top, long_lines

    coarse = max((along(d) for d in np.arange(-LINE_TILT, LINE_TILT + 0.5)), key=lambda found: found[0])
    fine = np.arange(-3, 4) * LINE_TILT_STEP + coarse[1]
    score, degrees, rows, long_rows = max((along(d) for d in fine), key=lambda found: found[0])
    if not score:
        return None
    # Neighbouring rows are one line: keep each run's middle.
    slope = float(np.tan(np.deg2rad(degrees)))
    middles = _carried_on([float(run.mean() + 0.5) * factor for run in _runs(rows)], slope, height * factor, width * factor)
    return slope, middles, len(_runs(long_rows))


LINE_EVEN = 0.15
"""Lines are evenly spaced when every gap between neighbours is within this share of their median gap."""


def _carried_on(middles: list[float], slope: float, height: int, width: int) -> list[float]:
    """Evenly spaced lines (at least three) carried on beyond the first and last found, a gap at a time, while
    they still cross the ``height`` x ``width`` image: a line that only cuts a corner is too short to be found.
    Each line's row is given at the middle column; other lines are returned as they are."""
    if len(middles) < 3:
        return middles
    gaps = np.diff(middles)
    gap = float(np.median(gaps))
    if gap <= 0 or np.abs(gaps - gap).max() > LINE_EVEN * gap:
        return middles
    rise = abs(slope) * width / 2  # how far a line climbs or falls from the middle column to either side
    before = [m for m in (middles[0] - gap * k for k in range(1, 1 + int(height // gap) + 2)) if m + rise > 0]
    after = [m for m in (middles[-1] + gap * k for k in range(1, 1 + int(height // gap) + 2)) if m - rise < height]
    return before[::-1] + middles + after


def _runs(indices: np.ndarray) -> list[np.ndarray]:
    """Sorted indices split into runs of neighbours (3, 4, 5, 9, 10 -> [3, 4, 5], [9, 10])."""
    return np.split(indices, np.flatnonzero(np.diff(indices) > 1) + 1)


def remove_ruled_lines(ink: np.ndarray) -> np.ndarray:
    """Take the printed lines of ruled or squared notebook paper out, keeping the ink written over them.

    MNIST's digits were written in boxes on forms and cut out onto a plain ground: no line ever
    crossed one. Faint straight lines that run across the whole image, several of them parallel and
    level give or take ``LINE_TILT`` degrees (and lines running down it, found the same way), are
    each taken out along their length; the darker ink crossing them stays. They are looked for on a
    reduced copy (each pixel the brightest of its block). A drawing without faint marks - the
    canvas, a clean scan - passes unchanged at once.
    """
    factor = max(1, min(ink.shape) // LINE_MAP_SIDE)
    small = max_pool(ink, factor)
    if min(small.shape) < 16:
        return ink
    paper, strongest = median(small), float(ink.max())
    marked = small > paper + LINE_TRACE * (strongest - paper)
    if np.count_nonzero(marked & (small <= LINE_FAINT * strongest)) < min(small.shape):
        return ink  # not even one line's worth of faint marks
    across, down = _lines_across(marked, factor), _lines_across(marked.T, factor)  # both found before either goes
    if not any(found is not None and found[2] >= 2 for found in (across, down)):
        return ink  # one lone line could be a long stroke; ruled paper has many
    out = ink.copy()
    # A lone line is taken out only beside a family of lines the other way: a margin on ruled paper.
    for lines, view in ((across, out), (down, out.T)):
        if lines is not None:
            _lower_lines(view, lines[0], lines[1], strongest, factor)
    return out


LINE_BLOCKS = 8
"""A line's strength is measured in this many stretches along it, as the light along a page varies."""


def _lower_lines(ink: np.ndarray, slope: float, middles: list[float], strongest: float, factor: int) -> None:
    """Take each line across ``ink`` out (in place), undoing how a printed line shows through paper.

    Along a line, its cross-section (the median over the columns of each stretch, which the
    strokes crossing it barely move) less the paper beside it (the cross-section's lowest point)
    is what the line adds to the paper; where ink covers the line the ink alone shows, so a pixel
    ``v`` over a line adding ``p`` to paper ``b`` becomes ``b + (v - b - p) / (1 - p / (strongest - b))``:
    the paper under the line becomes the paper beside it, and the strongest ink stays as strong.
    The lines were found on a copy ``factor`` times smaller. A line along the image's edge, whose paper
    shows on one side only, is measured on the image mirrored beyond that edge.
    """
    reach = factor + 4  # rows either side of a line's estimated centre: the estimate's error, the line's width and blur
    mirrored = np.pad(ink, ((reach, reach), (0, 0)), mode="reflect")
    _lower_lines_inside(mirrored, slope, [middle + reach for middle in middles], strongest, factor, reach)
    ink[...] = mirrored[reach:-reach]


def _lower_lines_inside(ink: np.ndarray, slope: float, middles: list[float], strongest: float, factor: int,
                        reach: int) -> None:
    """``_lower_lines`` on ``ink`` mirrored ``reach`` rows beyond its top and bottom edges."""
    height, width = ink.shape
    cols = np.arange(width)
    offsets = np.arange(-reach, reach + 1)[:, None]
    blocks = np.minimum(cols * LINE_BLOCKS // width, LINE_BLOCKS - 1)
    for middle in middles:
        rows = np.round(middle + slope * (cols - factor * (-(-width // factor)) / 2))[None, :].astype(int) + offsets
        inside = (rows >= 0) & (rows < height)
        crossed = inside.all(axis=0)  # columns where the line and its surroundings are in the image
        if not crossed.any():
            continue
        strip = ink[np.clip(rows, 0, height - 1), cols]
        whole = np.median(strip[:, crossed], axis=1, keepdims=True)
        if whole.max() > LINE_FAINT * strongest:
            continue  # as strong as the ink: a stroke, not a printed line
        line = np.broadcast_to(whole, strip.shape).copy()
        for b in range(LINE_BLOCKS):
            part = (blocks == b) & crossed
            if part.sum() >= reach:
                local = np.median(strip[:, part], axis=1, keepdims=True)
                if local.max() <= LINE_FAINT * strongest:  # else a stroke runs along the line there
                    line[:, blocks == b] = local
        paper = line.min(axis=0, keepdims=True)  # the paper beside the line, which stays as it is
        clean = np.clip(paper + (strip - line) / np.maximum(1.0 - (line - paper) / (strongest - paper), 1e-3), 0.0, None)
        ink[rows[inside], np.broadcast_to(cols, rows.shape)[inside]] = clean[inside]
