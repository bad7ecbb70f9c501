"""Seeded whole-envelope and postcard frames with a handwritten postal code, for postcode tests.

    >>> from export.synth.envelopes import EnvelopeGenerator, load_mnist_test
    >>> images, labels = load_mnist_test("../shared/data/mnist.npz")
    >>> generator = EnvelopeGenerator(images, labels, seed=0)
    >>> envelope = generator.envelope("fr", "boxes")     # or generator.batch(100)
    >>> envelope.image.shape, envelope.code, envelope.layout
    ((720, 1280, 3), '22630', 'boxes')

A camera frame (default 1280x720, BGR uint8) showing an envelope or postcard on a table:
sender and recipient addresses in handwriting-like (Hershey script) and printed (Hershey
simplex/duplex/complex) fonts, house numbers in MNIST digits, a stamp, postmark rings and
wavy cancellation lines, sometimes a barcode, and the postal code written with MNIST *test*
digits, either in a row of pre-printed boxes (red, orange, green, grey or black; digits
sometimes touching or crossing the lines) or free-form at the start or end of the city line
(``4000 Debrecen``, ``22630 EVRAN``, ``SPRINGFIELD IL 62704-1234``, ``100-0001 TOKYO``).
Then a perspective warp, uneven light, blur, noise and sometimes JPEG artifacts.

Only numpy and OpenCV; everything follows from the seed. The ground truth of each frame is
an :class:`Envelope`: the code (digits only), the profile, the layout and the code's box.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from edge_digits.postcode.profiles import load_profile

#: (profile, layout) pairs the generator draws
PAIRS: tuple[tuple[str, str], ...] = (
    ("jp", "boxes"), ("fr", "boxes"), ("jp", "city_start"), ("fr", "city_start"),
    ("de", "city_start"), ("hu", "city_start"), ("us", "city_end"),
)
#: each pair with the code lengths it draws: the profile's own (edge_digits/postcode/profiles)
LAYOUTS: dict[tuple[str, str], tuple[int, ...]] = {
    pair: load_profile(pair[0]).lengths for pair in PAIRS}


def hyphen_at(profile: str, length: int) -> int | None:
    """Where the profile's format for codes of ``length`` digits has its hyphen (the digit
    index it stands before), or None."""
    for fmt in load_profile(profile).formats:
        if fmt.count("N") == length and "-" in fmt:
            return fmt.index("-")
    return None

FIRST_NAMES = ["Anna", "Peter", "Marie", "Kenji", "Laura", "Janos", "Eva", "Tom", "Claire",
               "Hans", "Yuki", "Robert", "Ilona", "Sophie", "Max", "Emma"]
LAST_NAMES = ["Kovacs", "Dupont", "Schmidt", "Tanaka", "Smith", "Nagy", "Martin", "Muller",
              "Suzuki", "Johnson", "Bernard", "Weber", "Horvath", "Brown"]
STREETS = ["Rue de la Paix", "Main Street", "Hauptstrasse", "Petofi utca", "Oak Avenue",
           "Chemin Vert", "Bahnhofstr.", "Kossuth ter", "Elm Road", "Sakura-dori"]
CITIES = {
    "jp": ["TOKYO", "Osaka", "Kyoto", "Sapporo", "Nagoya"],
    "fr": ["EVRAN", "Paris", "LYON", "Rennes", "Dinan"],
    "de": ["Berlin", "MUNCHEN", "Koln", "Hamburg", "Dresden"],
    "hu": ["Debrecen", "BUDAPEST", "Szeged", "Pecs", "Gyor"],
    "us": ["SPRINGFIELD IL", "Portland OR", "Austin TX", "BOSTON MA", "Denver CO"],
}
COUNTRIES = {"jp": "JAPAN", "fr": "FRANCE", "de": "GERMANY", "hu": "HUNGARY", "us": "USA"}
SCRIPT_FONTS = [cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, cv2.FONT_HERSHEY_SCRIPT_COMPLEX]
PRINTED_FONTS = [cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_COMPLEX,
                 cv2.FONT_HERSHEY_TRIPLEX]
#: pre-printed box colours (BGR): red, orange, vermilion, green, grey, black
BOX_COLOURS = [(40, 40, 210), (30, 120, 245), (50, 70, 230), (70, 150, 60), (150, 150, 150),
               (40, 40, 40)]
#: pen colours (BGR): black, blue ballpoint, dark blue
INK_COLOURS = [(35, 30, 30), (140, 50, 20), (90, 30, 20)]


@dataclass(frozen=True)
class Envelope:
    """One generated frame and its ground truth."""

    image: np.ndarray  #: (H, W, 3) uint8 BGR camera frame
    code: str  #: the postal code, digits only ("1000001")
    profile: str  #: profile name the code follows ("jp", "fr", "de", "hu", "us")
    layout: str  #: "boxes", "city_start" or "city_end"
    code_box: tuple[int, int, int, int]  #: (x, y, w, h) of the code in frame pixels
    seed: int  #: the seed that reproduces this frame with :meth:`EnvelopeGenerator.envelope`


def load_mnist_test(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """MNIST *test* images and labels from a Keras-format ``mnist.npz``."""
    with np.load(path) as data:
        return data["x_test"], data["y_test"]


class EnvelopeGenerator:
    """Seeded envelope frames built from MNIST test digits.

    Parameters
    ----------
    images : (N, 28, 28) uint8 ndarray
        MNIST test digits (white ink on black).
    labels : (N,) int ndarray
    seed : int
        Base seed; frame ``i`` of :meth:`batch` uses ``seed * 100003 + i``.
    size : (width, height)
        Frame size.
    """

    def __init__(self, images: np.ndarray, labels: np.ndarray, seed: int = 0,
                 size: tuple[int, int] = (1280, 720)) -> None:
        self.images = images
        self.labels = np.asarray(labels)
        self.by_label = [np.flatnonzero(self.labels == d) for d in range(10)]
        self.seed = seed
        self.size = size

    # ----------------------------------------------------------------------------- public
    def batch(self, count: int, pairs: list[tuple[str, str]] | None = None) -> list[Envelope]:
        """``count`` envelopes cycling through ``pairs`` (default: every layout)."""
        pairs = pairs or list(LAYOUTS)
        return [self.envelope(*pairs[i % len(pairs)], seed=self.seed * 100003 + i)
                for i in range(count)]

    def envelope(self, profile: str, layout: str, seed: int | None = None,
                 code: str | None = None, extra_code: str | None = None,
                 blank: bool = False) -> Envelope:
        """One envelope. ``extra_code`` adds a second, different code (a bad-input case);
        ``blank`` leaves the code out (and the recipient's city line gets no digits)."""
        if (profile, layout) not in LAYOUTS:
            raise ValueError(f"unknown (profile, layout) {(profile, layout)}; expected one of "
                             f"{list(LAYOUTS)}")
        seed = self.seed if seed is None else seed
        rng = np.random.default_rng(seed)
        if code is None:
            length = int(rng.choice(LAYOUTS[(profile, layout)]))
            code = "".join(str(d) for d in rng.integers(0, 10, length))
        portrait = layout == "boxes" and profile == "jp"
        card_w, card_h = (460, 680) if portrait else (1000, 580)
        paper = np.array(rng.choice([(245, 248, 250), (225, 238, 245), (200, 220, 235),
                                     (235, 235, 230)]), np.float32) + rng.normal(0, 4, 3)
        grain = rng.normal(0, 2.0, (card_h, card_w, 1)).astype(np.float32)  # paper grain
        # uint8: OpenCV 5 draws text on 8-bit images only
        card = np.clip(paper + grain, 0, 255).astype(np.uint8)
        ink = np.array(INK_COLOURS[rng.integers(len(INK_COLOURS))], np.float32)
        code_box = self._draw_envelope(card, rng, profile, layout, code, ink, portrait, blank)
        if extra_code is not None:
            # a second code, bottom left (as a sender's code written by hand)
            self._draw_free_code(card, rng, extra_code, ink, 40, card.shape[0] - 110, 36)
        image, matrix = self._photograph(card, rng)
        x, y, w, h = code_box
        corners = np.array([[[x, y]], [[x + w, y]], [[x, y + h]], [[x + w, y + h]]], np.float32)
        warped = cv2.perspectiveTransform(corners, matrix)[:, 0]
        x0, y0 = np.floor(warped.min(axis=0)).astype(int)
        x1, y1 = np.ceil(warped.max(axis=0)).astype(int)
        return Envelope(image, "" if blank else code, profile, layout,
                        (int(x0), int(y0), int(x1 - x0), int(y1 - y0)), seed)

    # -------------------------------------------------------------------------- drawing
    def _draw_envelope(self, card, rng, profile, layout, code, ink, portrait, blank):
        card_h, card_w = card.shape[:2]
        self._draw_stamp(card, rng, card_w - 150, 25)
        self._draw_postmark(card, rng, card_w - 260, 95)
        if not portrait and rng.random() < 0.5:
            self._draw_barcode(card, rng, card_w - 560, card_h - 45)
        # sender: small printed lines, top left (no postal code: that is the bad-input case)
        font = PRINTED_FONTS[rng.integers(len(PRINTED_FONTS))]
        for row, text in enumerate(self._name_street(rng, printed=True)):
            self._text(card, text, 30, 40 + 22 * row, font, 0.55, (60, 60, 60), 1)
        script = rng.random() < 0.6  # recipient in handwriting-like or printed letters
        font = SCRIPT_FONTS[rng.integers(2)] if script else PRINTED_FONTS[rng.integers(4)]
        digit_h = int(rng.integers(30, 44))
        line_h = int(digit_h * rng.uniform(1.5, 1.9))
        scale = digit_h / 22.0 * rng.uniform(0.9, 1.1)
        thickness = int(rng.integers(1, 3)) + (1 if digit_h > 38 else 0)
        if portrait:
            x0, y0 = 40, 300
        else:
            x0 = int(rng.integers(int(card_w * 0.30), int(card_w * 0.42)))
            y0 = int(rng.integers(int(card_h * 0.42), int(card_h * 0.52)))
        city = CITIES[profile][rng.integers(len(CITIES[profile]))]
        if not portrait:  # keep the widest line (city and code) on the card
            city_w = cv2.getTextSize(city, font, scale, thickness)[0][0]
            need = city_w + int(len(code) * digit_h * 1.05) + 2 * digit_h
            x0 = max(30, min(x0, card_w - 30 - need))
        name, street = self._name_street(rng, printed=not script)
        self._text(card, name, x0, y0, font, scale, ink, thickness)
        # street: MNIST house number (1-3 digits) then the street name
        number = "".join(str(d) for d in rng.integers(1, 10, int(rng.integers(1, 4))))
        end = self._draw_digits(card, rng, number, x0, y0 + line_h - digit_h, digit_h, ink)[0]
        self._text(card, street, end + digit_h // 2, y0 + line_h, font, scale, ink, thickness)
        city_y = y0 + 2 * line_h
        code_box = (0, 0, 1, 1)
        if layout == "boxes":
            size = int(rng.integers(40, 50)) if portrait else int(rng.integers(38, 52))
            if portrait:
                bx, by = 0, 175  # x: right-aligned by _draw_box_field
                self._text(card, city, x0, city_y, font, scale, ink, thickness)
            else:
                bx, by = x0, city_y - size + 6
                self._text(card, city, x0 + 5 * int(size * 1.1) + digit_h, city_y, font, scale,
                           ink, thickness)
            code_box = self._draw_box_field(card, rng, code, bx, by, size, ink, portrait, blank)
        elif layout == "city_start":
            if blank:
                self._text(card, city, x0, city_y, font, scale, ink, thickness)
            else:
                end, code_box = self._draw_free_code(card, rng, code, ink, x0,
                                                     city_y - digit_h, digit_h,
                                                     hyphen_at=hyphen_at(profile, len(code)))
                self._text(card, city, end + int(digit_h * rng.uniform(0.7, 1.3)), city_y,
                           font, scale, ink, thickness)
        else:  # city_end
            city_w = cv2.getTextSize(city, font, scale, thickness)[0][0]
            self._text(card, city, x0, city_y, font, scale, ink, thickness)
            if not blank:
                _, code_box = self._draw_free_code(
                    card, rng, code, ink, x0 + city_w + int(digit_h * rng.uniform(0.8, 1.4)),
                    city_y - digit_h, digit_h, hyphen_at=hyphen_at(profile, len(code)))
        if rng.random() < 0.5:
            self._text(card, COUNTRIES[profile], x0, city_y + line_h, font, scale, ink, thickness)
        return code_box

    def _name_street(self, rng, printed):
        first = FIRST_NAMES[rng.integers(len(FIRST_NAMES))]
        last = LAST_NAMES[rng.integers(len(LAST_NAMES))]
        street = STREETS[rng.integers(len(STREETS))]
        name = f"{first} {last}".upper() if printed and rng.random() < 0.5 else f"{first} {last}"
        return name, street

    @staticmethod
    def _text(card, text, x, y, font, scale, colour, thickness):
        cv2.putText(card, text, (int(x), int(y)), font, scale, tuple(float(c) for c in colour),
                    thickness, cv2.LINE_AA)

    def _digit_ink(self, rng, digit: int, height: int) -> np.ndarray:
        """One MNIST test digit as float ink 0..1 cropped to its ink box, ``height`` tall."""
        index = int(rng.choice(self.by_label[digit]))
        patch = self.images[index]
        rows = np.flatnonzero(patch.max(axis=1) > 30)
        cols = np.flatnonzero(patch.max(axis=0) > 30)
        crop = patch[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1].astype(np.float32) / 255.0
        scale = height / crop.shape[0]
        width = max(2, int(round(crop.shape[1] * scale * rng.uniform(0.9, 1.1))))
        ink = cv2.resize(crop, (width, height), interpolation=cv2.INTER_LINEAR)
        if height > 34 and rng.random() < 0.5:  # a bolder pen on larger writing
            ink = cv2.dilate(ink, np.ones((2, 2), np.uint8))
        return np.clip(ink * 1.3, 0, 1)

    @staticmethod
    def _stamp_ink(card, ink_map, x, y, colour):
        """Blend ``ink_map`` (0..1) into ``card`` at (x, y), clipped to the card."""
        h, w = ink_map.shape
        x0, y0 = max(0, x), max(0, y)
        x1, y1 = min(card.shape[1], x + w), min(card.shape[0], y + h)
        if x1 <= x0 or y1 <= y0:
            return
        alpha = ink_map[y0 - y:y1 - y, x0 - x:x1 - x, None] * 0.92
        region = card[y0:y1, x0:x1].astype(np.float32)
        card[y0:y1, x0:x1] = np.clip(region * (1 - alpha) + alpha * colour, 0, 255)

    def _draw_digits(self, card, rng, digits, x, y, height, ink, hyphen_at=None):
        """Write ``digits`` at (x, y) top-left; returns (right end, box)."""
        cursor, top, bottom = x, y + height, y
        for position, character in enumerate(digits):
            if hyphen_at is not None and position == hyphen_at:
                gap = int(height * rng.uniform(0.15, 0.3))
                length = int(height * rng.uniform(0.3, 0.5))
                mid = y + height // 2 + int(rng.integers(-3, 4))
                cv2.line(card, (cursor + gap, mid), (cursor + gap + length, mid + int(rng.integers(-2, 3))),
                         tuple(float(c) for c in ink), int(rng.integers(2, 4)), cv2.LINE_AA)
                cursor += 2 * gap + length
            h = int(height * rng.uniform(0.85, 1.1))
            digit = self._digit_ink(rng, int(character), h)
            dy = y + (height - h) // 2 + int(rng.integers(-2, 3))
            self._stamp_ink(card, digit, cursor, dy, ink)
            top, bottom = min(top, dy), max(bottom, dy + h)
            cursor += digit.shape[1] + int(height * rng.uniform(0.12, 0.35))
        return cursor, (x, top, cursor - x, bottom - top)

    def _draw_free_code(self, card, rng, code, ink, x, y, height, hyphen_at=None):
        if hyphen_at is not None and rng.random() < 0.25:
            hyphen_at = None  # the hyphen is optional
        return self._draw_digits(card, rng, code, x, y, height, ink, hyphen_at)

    def _draw_box_field(self, card, rng, code, x, y, size, ink, portrait, blank):
        colour = BOX_COLOURS[rng.integers(len(BOX_COLOURS))]
        if portrait and rng.random() < 0.7:
            colour = BOX_COLOURS[int(rng.integers(0, 3))]  # Japanese postcards: red
        thickness = int(rng.integers(1, 4))
        joined = (not portrait) and rng.random() < 0.6
        gap = 0 if joined else int(size * rng.uniform(0.05, 0.2 if portrait else 0.25))
        if portrait:  # right-aligned under the stamp, as on Japanese postcards
            total = len(code) * (size + gap) - gap + int(size * 0.3)
            x = max(8, card.shape[1] - total - int(rng.integers(12, 40)))
        lefts = []
        cursor = x
        for i in range(len(code)):
            if portrait and i == 3:
                cursor += int(size * 0.3)  # JP: 3 boxes, a wider gap (or hyphen), 4 boxes
                if rng.random() < 0.5:
                    cv2.line(card, (cursor - int(size * 0.3), y + size // 2),
                             (cursor - int(size * 0.08), y + size // 2), colour, 2)
            lefts.append(cursor)
            cursor += size + gap
        for left in lefts:
            cv2.rectangle(card, (left, y), (left + size, y + size), colour, thickness)
        if blank:
            return (x, y, cursor - x, size)
        for left, character in zip(lefts, code):
            h = int(size * rng.uniform(0.6, 0.92))
            digit = self._digit_ink(rng, int(character), h)
            dx = left + (size - digit.shape[1]) // 2 + int(rng.integers(-4, 5))
            dy = y + (size - h) // 2 + int(rng.integers(-4, 5))
            if rng.random() < 0.3:  # touching or crossing a line
                side = rng.integers(3)
                if side == 0:
                    dy = y + size - h + int(size * rng.uniform(0.05, 0.2))  # crosses the bottom
                elif side == 1:
                    dy = y - int(size * rng.uniform(0.05, 0.2))  # crosses the top
                else:
                    dx = left + size - digit.shape[1] + int(size * rng.uniform(0.0, 0.12))
            self._stamp_ink(card, digit, dx, dy, ink)
        return (x, y, cursor - x, size)

    def _draw_stamp(self, card, rng, x, y):
        w, h = int(rng.integers(90, 120)), int(rng.integers(100, 130))
        base = rng.integers(40, 220, 3).astype(float)
        cv2.rectangle(card, (x, y), (x + w, y + h), tuple(base), -1)
        for _ in range(6):  # a picture: coloured blobs and lines
            colour = tuple(rng.integers(0, 256, 3).astype(float))
            cx, cy = int(x + rng.integers(10, w - 10)), int(y + rng.integers(10, h - 10))
            cv2.circle(card, (cx, cy), int(rng.integers(5, 25)), colour, -1)
        cv2.putText(card, str(int(rng.integers(1, 300))), (x + 8, y + h - 10),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.6, (20, 20, 20), 2)
        paper = tuple(float(v) for v in card[max(0, y - 3), max(0, x - 3)])
        for px in range(x, x + w, 8):  # perforations
            cv2.circle(card, (px, y), 3, paper, -1)
            cv2.circle(card, (px, y + h), 3, paper, -1)
        for py in range(y, y + h, 8):
            cv2.circle(card, (x, py), 3, paper, -1)
            cv2.circle(card, (x + w, py), 3, paper, -1)

    def _draw_postmark(self, card, rng, x, y):
        colour = tuple(float(c) for c in rng.choice([(60, 60, 60), (120, 40, 40), (40, 40, 150)]))
        radius = int(rng.integers(35, 50))
        cv2.circle(card, (x, y), radius, colour, 2, cv2.LINE_AA)
        cv2.circle(card, (x, y), radius - 10, colour, 1, cv2.LINE_AA)
        date = f"{rng.integers(1, 29):02d}.{rng.integers(1, 13):02d}.{rng.integers(0, 30):02d}"
        cv2.putText(card, date, (x - 28, y + 5), cv2.FONT_HERSHEY_SIMPLEX, 0.4, colour, 1,
                    cv2.LINE_AA)
        for row in range(4):  # wavy cancellation lines
            xs = np.arange(x + radius + 5, x + radius + 180)
            ys = y - 30 + 18 * row + 5 * np.sin(xs / 9.0 + row)
            points = np.stack([xs, ys], axis=1).astype(np.int32)
            cv2.polylines(card, [points], False, colour, 2, cv2.LINE_AA)

    def _draw_barcode(self, card, rng, x, y):
        cursor = x
        while cursor < x + 420:
            width = int(rng.integers(1, 4))
            tall = int(rng.choice([14, 24]))
            cv2.rectangle(card, (cursor, y + 24 - tall), (cursor + width - 1, y + 24),
                          (30, 30, 30), -1)
            cursor += width + int(rng.integers(2, 6))

    # ------------------------------------------------------------------------- camera
    def _photograph(self, card, rng):
        """Warp the card into a camera frame on a table; light, blur, noise, JPEG."""
        width, height = self.size
        card_h, card_w = card.shape[:2]
        fill = rng.uniform(0.8, 0.97)
        scale = min(width * fill / card_w, height * fill / card_h)
        w, h = card_w * scale, card_h * scale
        cx = width / 2 + rng.uniform(-1, 1) * (width - w) / 2
        cy = height / 2 + rng.uniform(-1, 1) * (height - h) / 2
        angle = np.deg2rad(rng.uniform(-4, 4))
        corners = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]])
        rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
        corners = corners @ rotation.T + [cx, cy]
        corners += rng.normal(0, 0.02 * min(w, h), corners.shape)  # perspective
        source = np.array([[0, 0], [card_w, 0], [card_w, card_h], [0, card_h]], np.float32)
        matrix = cv2.getPerspectiveTransform(source, corners.astype(np.float32))
        table = np.array(rng.choice([(60, 80, 110), (40, 40, 45), (120, 130, 140),
                                     (90, 110, 90)]), np.float32)
        frame = np.empty((height, width, 3), np.float32)
        frame[:] = table
        frame += rng.normal(0, 6, (height, width, 1)).astype(np.float32)
        frame = cv2.warpPerspective(card.astype(np.float32), matrix, (width, height), dst=frame,
                                    flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_TRANSPARENT)
        # uneven light: a smooth gradient and sometimes a soft shadow
        yy, xx = np.mgrid[0:height:8, 0:width:8].astype(np.float32)
        gx, gy = rng.uniform(-1, 1, 2)
        light = 1.0 + 0.25 * (gx * (xx / width - 0.5) + gy * (yy / height - 0.5))
        light *= rng.uniform(0.75, 1.05)
        if rng.random() < 0.35:
            edge = rng.uniform(0.2, 0.8) * width
            light *= 1 - 0.3 / (1 + np.exp(-(xx - edge) / 40.0))
        light = cv2.resize(light, (width, height), interpolation=cv2.INTER_LINEAR)
        frame *= light[..., None]
        if rng.random() < 0.4:
            frame = cv2.GaussianBlur(frame, (0, 0), rng.uniform(0.5, 1.1))
        frame += rng.normal(0, rng.uniform(1, 4), frame.shape).astype(np.float32)
        image = np.clip(frame, 0, 255).astype(np.uint8)
        if rng.random() < 0.3:
            quality = int(rng.integers(55, 90))
            ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
            image = cv2.imdecode(encoded, cv2.IMREAD_COLOR)
        return image, matrix


def main(argv: list[str] | None = None) -> int:
    """Write a few envelopes as PNGs: ``python -m export.synth.envelopes MNIST OUT [COUNT]``."""
    import sys
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2:
        print("usage: python -m export.synth.envelopes MNIST.npz OUT_DIR [COUNT]", file=sys.stderr)
        return 2
    images, labels = load_mnist_test(args[0])
    out = Path(args[1])
    out.mkdir(parents=True, exist_ok=True)
    count = int(args[2]) if len(args) > 2 else 14
    for i, envelope in enumerate(EnvelopeGenerator(images, labels, seed=0).batch(count)):
        name = f"{i:03d}_{envelope.profile}_{envelope.layout}_{envelope.code}.png"
        cv2.imwrite(str(out / name), envelope.image)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
