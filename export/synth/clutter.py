"""Seeded frames with no digit in them: what a camera sees around and instead of digits.

    >>> frame = clutter_frame(rng, letters=femnist_letters, fonts=printed_fonts())

Paper on a table (wood grain, fabric, a dark desk), ruled and squared paper, printed forms
with boxes and labels, printed words and sentences, handwritten words (letters by
training writers), scribbles, ticks and crosses, shadows, glare, specks, blur, noise and
JPEG. Hard-negative mining (:mod:`export.mining`) runs the locate stage on them: every
crop it hands over is, by construction, not a digit. Written apart from the frames the
reader is measured on (``frames.py``, ``scenes.py``, and the strangers' scenes).
"""
from __future__ import annotations

import math

import cv2
import numpy as np

#: printed words (no digits): labels of forms, place names, sentences
WORDS = ("Name", "Tel:", "Date", "Street", "Uppsala", "Total", "Invoice", "Room", "Signature",
         "Postcode", "Order", "Customer", "Address", "Kitchen", "Monday", "Amount", "City",
         "Received", "Please write clearly", "Notes", "Reference", "Delivered by", "Page",
         "Hamburg", "Marseille", "Kyoto", "Budapest", "Springfield", "Phone", "E-mail",
         "Remarks", "Qty", "Price", "Batch", "Sender", "Recipient", "Weight", "To:", "From:")
SIZE = (640, 480)


def _wood(rng, size) -> np.ndarray:
    width, height = size
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(-0.3, 0.3)
    u = xs * math.sin(angle) + ys * math.cos(angle)
    warp = cv2.GaussianBlur(rng.normal(0, 1, (height // 8 + 1, width // 8 + 1)).astype(np.float32),
                            (0, 0), 2)
    warp = cv2.resize(warp, (width, height)) * rng.uniform(10, 40)
    rings = np.sin((u + warp) * rng.uniform(0.08, 0.4)) * 0.5 + 0.5
    fine = cv2.GaussianBlur(rng.normal(0, 1, (height, width)).astype(np.float32), (0, 0), sigmaX=8, sigmaY=0.7)
    base = np.array(rng.uniform([40, 70, 110], [110, 150, 210]), np.float32)
    shade = 0.75 + 0.25 * rings[..., None] + 0.05 * fine[..., None]
    return np.clip(base * shade, 0, 255).astype(np.uint8)


def _fabric(rng, size) -> np.ndarray:
    width, height = size
    period = rng.uniform(3, 9)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    weave = (np.sin(xs * 2 * math.pi / period) * np.sin(ys * 2 * math.pi / period)) * 0.5 + 0.5
    noise = cv2.GaussianBlur(rng.normal(0, 1, (height, width)).astype(np.float32), (0, 0), 1.5)
    base = np.array(rng.uniform(30, 220, 3), np.float32)
    return np.clip(base * (0.85 + 0.15 * weave[..., None] + 0.05 * noise[..., None]), 0, 255).astype(np.uint8)


def _paper(rng, size) -> np.ndarray:
    width, height = size
    tint = rng.uniform([200, 200, 200], [250, 250, 250])
    if rng.random() < 0.2:  # a coloured note or kraft paper
        tint = rng.uniform([120, 150, 160], [230, 250, 255])
    grain = cv2.GaussianBlur(rng.normal(0, rng.uniform(1, 5), (height, width)).astype(np.float32), (0, 0), 1)
    return np.clip(tint[None, None, :] + grain[..., None], 0, 255).astype(np.uint8)


def _text(image: np.ndarray, rng, fonts, words=WORDS, count=None, drop: str = "") -> None:
    """Printed words in random faces and sizes, drawn in place (Pillow); the letters in
    ``drop`` are left out of them."""
    if not fonts:
        return
    from PIL import Image, ImageDraw, ImageFont

    height, width = image.shape[:2]
    picture = Image.fromarray(image)
    draw = ImageDraw.Draw(picture)
    for _ in range(count or int(rng.integers(1, 8))):
        try:
            font = ImageFont.truetype(str(fonts[rng.integers(len(fonts))]), int(rng.integers(10, 48)))
        except OSError:
            continue
        ink = tuple(int(v) for v in rng.uniform(0, 90, 3))
        draw.text((int(rng.uniform(0, width * 0.8)), int(rng.uniform(0, height * 0.9))),
                  "".join(c for c in words[rng.integers(len(words))] if c not in drop) or "#",
                  fill=ink, font=font)
    image[:] = np.asarray(picture)


def _handwritten_words(image: np.ndarray, rng, letters: np.ndarray) -> None:
    """Rows of handwritten letters (no digit look-alikes), drawn like pen on paper."""
    if letters is None or len(letters) == 0:
        return
    height, width = image.shape[:2]
    for _ in range(int(rng.integers(1, 4))):
        size = int(rng.integers(16, 60))
        x, y = int(rng.uniform(0, width * 0.6)), int(rng.uniform(0, height - size - 1))
        ink = np.array(rng.uniform(0, 120, 3), np.float32)
        for _ in range(int(rng.integers(2, 8))):
            glyph = cv2.resize(letters[rng.integers(len(letters))], (size, size), interpolation=cv2.INTER_LINEAR)
            cols = np.flatnonzero(glyph.max(axis=0) > 40)
            if len(cols) == 0:
                continue
            glyph = glyph[:, cols[0]:cols[-1] + 1]
            if x + glyph.shape[1] >= width:
                break
            alpha = glyph.astype(np.float32)[..., None] / 255.0
            region = image[y:y + size, x:x + glyph.shape[1]].astype(np.float32)
            image[y:y + size, x:x + glyph.shape[1]] = (region * (1 - alpha) + ink * alpha).astype(np.uint8)
            x += glyph.shape[1] + int(rng.integers(-size // 8, size // 5))


def _lines(image: np.ndarray, rng) -> None:
    height, width = image.shape[:2]
    kind = rng.integers(4)
    color = tuple(int(v) for v in rng.uniform(60, 200, 3))
    spacing = int(rng.integers(18, 45))
    if kind == 0 or kind == 1:  # ruled or squared paper
        for y in range(int(rng.integers(0, spacing)), height, spacing):
            cv2.line(image, (0, y), (width, y + int(rng.integers(-3, 4))), color, 1, cv2.LINE_AA)
        if kind == 1:
            for x in range(int(rng.integers(0, spacing)), width, spacing):
                cv2.line(image, (x, 0), (x, height), color, 1, cv2.LINE_AA)
    elif kind == 2:  # a form: boxes in a row, a label line
        box = int(rng.integers(24, 60))
        x0, y0 = int(rng.uniform(0, width / 2)), int(rng.uniform(0, height - box - 1))
        for k in range(int(rng.integers(3, 9))):
            cv2.rectangle(image, (x0 + k * box, y0), (x0 + (k + 1) * box, y0 + box), color, int(rng.integers(1, 3)))
    else:  # a table's rules
        for _ in range(int(rng.integers(2, 6))):
            y = int(rng.uniform(0, height))
            cv2.line(image, (0, y), (width, y), color, int(rng.integers(1, 3)))
        for _ in range(int(rng.integers(1, 4))):
            x = int(rng.uniform(0, width))
            cv2.line(image, (x, 0), (x, height), color, int(rng.integers(1, 3)))


def _marks(image: np.ndarray, rng) -> None:
    """Scribbles, ticks, crosses, arrows, specks."""
    height, width = image.shape[:2]
    for _ in range(int(rng.integers(0, 5))):
        color = tuple(int(v) for v in rng.uniform(0, 100, 3))
        centre = np.array([rng.uniform(0, width), rng.uniform(0, height)])
        size = rng.uniform(8, 60)
        kind = rng.integers(4)
        if kind == 0:  # a scribble
            points = centre + np.cumsum(rng.normal(0, size / 4, (int(rng.integers(4, 12)), 2)), axis=0)
            cv2.polylines(image, [points.astype(np.int32)], False, color, int(rng.integers(1, 4)), cv2.LINE_AA)
        elif kind == 1:  # a tick
            a, b, c = centre, centre + [size / 3, size / 3], centre + [size, -size / 2]
            cv2.polylines(image, [np.array([a, b, c], np.int32)], False, color, int(rng.integers(1, 4)), cv2.LINE_AA)
        elif kind == 2:  # a cross
            cv2.line(image, tuple((centre - size / 3).astype(int)), tuple((centre + size / 3).astype(int)), color, 2)
            cv2.line(image, (int(centre[0] - size / 3), int(centre[1] + size / 3)),
                     (int(centre[0] + size / 3), int(centre[1] - size / 3)), color, 2)
        else:  # specks
            for _ in range(int(rng.integers(3, 15))):
                cv2.circle(image, (int(rng.uniform(0, width)), int(rng.uniform(0, height))),
                           int(rng.integers(1, 3)), color, -1)


def _light(image: np.ndarray, rng) -> np.ndarray:
    height, width = image.shape[:2]
    light = np.ones((height, width), np.float32)
    if rng.random() < 0.5:  # a shadow with a soft or sharp edge
        mask = np.zeros((height, width), np.float32)
        points = rng.uniform([0, 0], [width, height], (int(rng.integers(3, 6)), 2)).astype(np.int32)
        cv2.fillPoly(mask, [cv2.convexHull(points)], 1.0)
        mask = cv2.GaussianBlur(mask, (0, 0), rng.uniform(1, 30))
        light *= 1 - rng.uniform(0.2, 0.6) * mask
    if rng.random() < 0.3:  # glare
        mask = np.zeros((height, width), np.float32)
        cv2.ellipse(mask, (int(rng.uniform(0, width)), int(rng.uniform(0, height))),
                    (int(rng.uniform(20, 150)), int(rng.uniform(10, 80))), rng.uniform(0, 180), 0, 360, 1.0, -1)
        light += rng.uniform(0.2, 0.6) * cv2.GaussianBlur(mask, (0, 0), 15)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    gradient = 1 + rng.uniform(-0.3, 0.3) * (xs / width - 0.5) + rng.uniform(-0.3, 0.3) * (ys / height - 0.5)
    return np.clip(image * (light * gradient)[..., None], 0, 255).astype(np.uint8)


def clutter_frame(rng: np.random.Generator, letters: np.ndarray | None = None,
                  fonts: list | None = None, size: tuple = SIZE, drop: str = "") -> np.ndarray:
    """One digit-free BGR frame, (size[1], size[0], 3) uint8; printed words leave out the
    letters in ``drop`` (mining passes the digits' look-alikes: a printed 'o' or 'S'
    alone is a '0' or a '5', which only the word around it can tell)."""
    width, height = size
    background = rng.integers(4)
    table = [_wood, _fabric, _wood, _paper][background](rng, size)
    if background == 1 and rng.random() < 0.3:  # a dark desk or board
        table = (table * rng.uniform(0.2, 0.5)).astype(np.uint8)
    paper = _paper(rng, size)
    if rng.random() < 0.3:
        _lines(paper, rng)
    if rng.random() < 0.7:
        _text(paper, rng, fonts or [], drop=drop)
    if rng.random() < 0.5:
        _handwritten_words(paper, rng, letters)
    if rng.random() < 0.5:
        _marks(paper, rng)
    # the paper covers part of the frame, the table the rest
    mask = np.zeros((height, width), np.uint8)
    if rng.random() < 0.3:
        mask[:] = 1
    else:
        corners = np.array([[rng.uniform(-0.2, 0.5) * width, rng.uniform(-0.2, 0.5) * height],
                            [rng.uniform(0.5, 1.2) * width, rng.uniform(-0.2, 0.5) * height],
                            [rng.uniform(0.5, 1.2) * width, rng.uniform(0.5, 1.2) * height],
                            [rng.uniform(-0.2, 0.5) * width, rng.uniform(0.5, 1.2) * height]], np.int32)
        cv2.fillPoly(mask, [corners], 1)
    image = np.where(mask[..., None] == 1, paper, table)
    if rng.random() < 0.3:
        _text(image, rng, fonts or [], count=2, drop=drop)
    image = _light(image, rng)
    if rng.random() < 0.4:
        image = cv2.GaussianBlur(image, (0, 0), rng.uniform(0.5, 1.5))
    image = np.clip(image + rng.normal(0, rng.uniform(1, 6), image.shape), 0, 255).astype(np.uint8)
    if rng.random() < 0.5:
        ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(40, 95))])
        image = cv2.imdecode(data, cv2.IMREAD_COLOR)
    return image
