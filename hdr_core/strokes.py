"""Render the Draw page's canvas from its stroke JSON on the server.

The canvas component (Fabric.js) sends every stroke as a path: much less to send than a PNG of
the canvas, and quicker to turn into pixels here than to encode in the browser. Each path is
drawn as the pen drew it: round caps, round joins, its own width and colour.
"""

from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np
from PIL import Image, ImageColor, ImageDraw

from .errors import EmptyImageError, InvalidDrawingError

CURVE_STEPS = 6
"""Points sampled on each quadratic or cubic segment of a path."""

MAX_COMMANDS = 50_000
"""Path commands a drawing may hold in all: a minute of drawing makes a few thousand. The drawing
comes from the browser, so its size and shape are checked before it is painted."""

MOST_STROKES = 100
"""Pen strokes a drawing may hold to be read stroke by stroke (``stroke_masks``): a digit takes one to three,
a long number a few dozen. Each stroke gets a mask the size of the canvas, and the number's cut weighs each
one's pieces, so this bounds the memory and time a drawing sent by the browser can take."""

TOO_MANY_STROKES = (f"The drawing has more than {MOST_STROKES} pen strokes, too many to read as a number. "
                    "Undo some, or clear the canvas and draw again.")

UNREADABLE = "The drawing could not be read. Clear the canvas and draw again."
"""What a person is told when the drawing's data is not what the canvas sends."""

ARGUMENTS = {"M": 2, "L": 2, "Q": 4, "C": 6, "Z": 0, "z": 0}
"""The path commands the canvas sends, and how many numbers each takes."""

TAP = 1.0
"""A drawing whose pen path spans less than this many pen widths every way is a tap, not a digit."""

FLAT = (0.6, 0.1)
"""A drawing is a level line, not a digit, where its pen path rises and falls by no more than the first
share of a pen width plus the second of its length (its ink then no thicker than a dash: ``marks.MARK_PEN``),
and is too long for a tap (``TAP``)."""


def _finite(value: Any, default: float | None = None) -> float:
    """A number from the drawing's JSON; InvalidDrawingError if it is not a finite one."""
    if value is None and default is not None:
        return default
    if isinstance(value, (int, float)) and math.isfinite(value):
        return float(value)
    raise InvalidDrawingError(UNREADABLE)


def _path_points(commands: Iterable[list]) -> list[list[tuple[float, float]]]:
    """Flatten SVG-style path commands (M, L, Q, C, Z; absolute) into polylines of points.

    A path must start with M (move to a point), as the canvas's paths do: a line or curve has nowhere to start."""
    lines: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for command in commands:
        if (not isinstance(command, (list, tuple)) or not command or not isinstance(command[0], str)
                or ARGUMENTS.get(command[0]) != len(command) - 1 or (command[0] != "M" and not current)):
            raise InvalidDrawingError(UNREADABLE)
        op, args = command[0], [_finite(v) for v in command[1:]]
        if op == "M":
            if current:
                lines.append(current)
            current = [(args[0], args[1])]
        elif op == "L":
            current.append((args[0], args[1]))
        elif op == "Q":
            (x0, y0), (cx, cy, x1, y1) = current[-1], args
            for k in range(1, CURVE_STEPS + 1):
                t = k / CURVE_STEPS
                current.append(((1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t * t * x1,
                                (1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t * t * y1))
        elif op == "C":
            (x0, y0), (c1x, c1y, c2x, c2y, x1, y1) = current[-1], args
            for k in range(1, CURVE_STEPS + 1):
                t = k / CURVE_STEPS
                u = 1 - t
                current.append((u**3 * x0 + 3 * u * u * t * c1x + 3 * u * t * t * c2x + t**3 * x1,
                                u**3 * y0 + 3 * u * u * t * c1y + 3 * u * t * t * c2y + t**3 * y1))
        elif op in ("Z", "z"):
            current.append(current[0])
    if current:
        lines.append(current)
    return lines


def _placed(lines: list[list[tuple[float, float]]], obj: dict[str, Any]) -> list[np.ndarray]:
    """Move, scale and rotate a path's points to where the object now sits on the canvas.

    Fabric keeps a path's points as drawn and places the object by its left/top, scale and angle
    around the centre of the points' bounding box; a stroke never moved stays where it was drawn.
    """
    arrays = [np.asarray(line, dtype=np.float64) for line in lines]
    every = np.concatenate(arrays)
    low, high = every.min(axis=0), every.max(axis=0)
    path_centre = (low + high) / 2
    scale = np.array([_finite(obj.get("scaleX"), 1.0) or 1.0, _finite(obj.get("scaleY"), 1.0) or 1.0])
    stroke = _finite(obj.get("strokeWidth"), 0.0)
    size = np.array([_finite(obj.get("width"), high[0] - low[0]), _finite(obj.get("height"), high[1] - low[1])])
    origin = np.array([_finite(obj.get("left"), low[0] - stroke / 2), _finite(obj.get("top"), low[1] - stroke / 2)])
    factor = np.array([{"left": 0.0, "center": 0.5, "right": 1.0}.get(str(obj.get("originX", "left")), 0.0),
                       {"top": 0.0, "center": 0.5, "bottom": 1.0}.get(str(obj.get("originY", "top")), 0.0)])
    angle = math.radians(_finite(obj.get("angle"), 0.0))
    rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    with np.errstate(all="ignore"):  # numbers too large to place are refused below
        box = (size + stroke) * scale
        centre = origin + (0.5 - factor) * box  # rotation is about the origin point; small angles only matter here
        placed = [((line - path_centre) * scale) @ rotation.T + centre for line in arrays]
    if not all(np.isfinite(line).all() for line in placed):
        raise InvalidDrawingError(UNREADABLE)
    return placed


def _paths(drawing: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The drawing's pen strokes; InvalidDrawingError if it is not shaped as the canvas sends it."""
    objects = (drawing or {}).get("objects", []) if isinstance(drawing, (dict, type(None))) else None
    if not isinstance(objects, list) or not all(isinstance(o, dict) for o in objects):
        raise InvalidDrawingError(UNREADABLE)
    paths = [o for o in objects if str(o.get("type", "")).lower() == "path" and o.get("path")]
    if not paths:
        raise EmptyImageError("The canvas is empty. Draw a digit.")
    if not all(isinstance(o["path"], list) for o in paths):
        raise InvalidDrawingError(UNREADABLE)
    if sum(len(o["path"]) for o in paths) > MAX_COMMANDS:
        raise InvalidDrawingError("The drawing is too large to read. Clear the canvas and draw again.")
    return paths


def _paint_path(draw: ImageDraw.ImageDraw, stroke: tuple[list[np.ndarray], float], colour) -> None:
    """One pen stroke (``_strokes``) as the canvas drew it: its own width, round caps and joins."""
    lines, pen = stroke
    pen = min(pen, float(sum(draw.im.size)))  # a pen wider than the canvas paints all of it anyway
    for line in lines:
        points = [tuple(p) for p in line]
        if len(points) > 1:
            draw.line(points, fill=colour, width=round(pen), joint="curve")
        r = pen / 2  # round caps at both ends (and a dot for a single tap)
        for x, y in (points[0], points[-1]):
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)


def _pen(obj: dict[str, Any]) -> float:
    return max(1.0, (_finite(obj.get("strokeWidth"), 1.0) or 1.0) * (_finite(obj.get("scaleX"), 1.0) or 1.0))


def _strokes(paths: list[dict[str, Any]]) -> list[tuple[list[np.ndarray], float]]:
    """Each pen stroke's polylines where it now lies on the canvas (``_placed``), and its pen's width."""
    return [(_placed(_path_points(obj["path"]), obj), _pen(obj)) for obj in paths]


def _pen_path(strokes: list[tuple[list[np.ndarray], float]]) -> tuple[np.ndarray, float]:
    """The extent (x, y) of every point the pen went through, and the widest pen."""
    return np.ptp(np.concatenate([line for lines, _ in strokes for line in lines]), axis=0), max(pen for _, pen in strokes)


def is_a_tap(extent: np.ndarray, pen: float) -> bool:
    """Whether the pen went less than ``TAP`` of its width any way in all (``_pen_path``): a stray tap on the
    canvas (a finger brushing it), not a digit, which it would be read as (a round blot is read as a 0 or a 1)."""
    return float(extent.max()) < TAP * pen


def is_a_level_line(extent: np.ndarray, pen: float) -> bool:
    """Whether the drawing is one level line (``FLAT``; ``_pen_path``): a 7's bar drawn first, or a minus alone,
    which would be read as a digit (a level line is read as a 2, not surely) before the rest of the digit is drawn."""
    length, rise = extent
    return length >= TAP * pen and rise <= FLAT[0] * pen + FLAT[1] * length


def render_strokes(drawing: dict[str, Any] | None, width: int, height: int, background: str = "#FFFFFF") -> Image.Image:
    """Paint a Fabric.js canvas JSON (``CanvasResult.json_data``) as an RGB image of ``width`` x ``height``.

    Raises ``EmptyImageError`` when there is no stroke to paint, or only a tap (``is_a_tap``) or a level line
    (``is_a_level_line``).
    """
    paths = _paths(drawing)
    strokes = _strokes(paths)
    extent, pen = _pen_path(strokes)
    if is_a_tap(extent, pen):
        raise EmptyImageError("Only a dot so far: draw the digit (or the number) on the canvas.")
    if is_a_level_line(extent, pen):
        raise EmptyImageError("Only a level line so far, which is no digit: draw the digit (or the number) "
                              "on the canvas.")
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    for obj, stroke in zip(paths, strokes):
        try:
            colour = ImageColor.getrgb(str(obj.get("stroke") or "#000000"))
        except ValueError:
            colour = (0, 0, 0)
        _paint_path(draw, stroke, colour)
    return image


def stroke_masks(drawing: dict[str, Any] | None, width: int, height: int) -> list[np.ndarray]:
    """Where each pen stroke of a canvas JSON lies: one bool (height, width) mask per stroke, in drawing order.

    A person lifts the pen between digits, so a stroke belongs to one digit: ``numbers.segment``
    uses this to separate digits whose ink overlaps. Raises ``EmptyImageError`` when there is none, and
    ``InvalidDrawingError`` for more than ``MOST_STROKES``.
    """
    paths = _paths(drawing)
    if len(paths) > MOST_STROKES:
        raise InvalidDrawingError(TOO_MANY_STROKES)
    masks = []
    for stroke in _strokes(paths):
        mask = Image.new("1", (width, height), 0)
        _paint_path(ImageDraw.Draw(mask), stroke, 1)
        masks.append(np.asarray(mask, dtype=bool))
    return masks
