"""Other ways to read digits, measured beside the reader by ``python -m export.devsets --compare``.

- :func:`rapidocr_reader`: a general on-device OCR, RapidOCR 3.x (PP-OCRv6 small detection
  and recognition, ONNX models shipped in its wheel). Not a dependency of the project:
  ``.venv/bin/pip install "rapidocr>=3,<4" onnxruntime`` first.
- :func:`contours_reader`: the straightforward pipeline: Otsu's threshold, external
  contours, each box normalized the MNIST way and classified by our model.

Both return a function of a BGR frame to its strings, top to bottom, ``?`` for a rejected
digit: the same form as the reader's, judged by the same :func:`export.devsets.judge`.
"""
from __future__ import annotations

import cv2
import numpy as np


def _lines(boxes: list) -> list:
    """Group (x0, y0, x1, y1, text) boxes into lines, top to bottom: a box joins the line
    whose vertical span holds its centre and overlaps it by half the smaller height; each
    line is sorted left to right."""
    lines: list = []
    for box in sorted(boxes, key=lambda b: (b[1] + b[3]) / 2):
        x0, y0, x1, y1, _ = box
        centre = (y0 + y1) / 2
        for line in lines:
            ly0, ly1 = min(b[1] for b in line), max(b[3] for b in line)
            overlap = min(y1, ly1) - max(y0, ly0)
            if ly0 <= centre <= ly1 and overlap >= 0.5 * min(y1 - y0, ly1 - ly0):
                line.append(box)
                break
        else:
            lines.append([box])
    lines.sort(key=lambda line: min(b[1] for b in line) + max(b[3] for b in line))
    return [sorted(line, key=lambda b: b[0]) for line in lines]


LOOKALIKES = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1"})


def digits_of(text: str, lookalikes: bool = True) -> str:
    """The digits of an OCR text line (see :func:`rapidocr_reader`)."""
    if lookalikes:
        text = " ".join(token.translate(LOOKALIKES) if 3 * sum(ch.isdigit() for ch in token) >= 2 * len(token)
                        else token for token in text.split())
    return "".join(ch for ch in text if ch in "0123456789")


def rapidocr_reader(threads: int = 1, lookalikes: bool = True):
    """RapidOCR as a reader of digit strings.

    How its output is made into strings (the fair reading of a general OCR): in a word
    of its text that is mostly digits (two thirds of its characters), the look-alikes a word-reading OCR gives for handwritten digits are taken as digits (``O``
    ``o`` -> 0, ``I`` ``l`` ``|`` -> 1; ``lookalikes=False`` keeps digits alone); then each
    line keeps only its digits (``Tel: 0123`` -> ``0123``; a line with no digit is dropped;
    its own score threshold, 0.5, is its rejection); lines on the same row
    (vertical overlap of half the smaller line) are joined left to right into one
    string, as the detector may cut one written number at a wide gap; rows are ordered top
    to bottom like the reader's. Raises ImportError with the install line when absent.
    """
    try:
        from rapidocr import RapidOCR
    except ImportError as exc:
        raise ImportError('the rapidocr comparison needs: .venv/bin/pip install "rapidocr>=3,<4" '
                          'onnxruntime') from exc
    engine = RapidOCR(params={"Global.log_level": "error",
                              "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                              "EngineConfig.onnxruntime.inter_op_num_threads": 1})

    def read(image: np.ndarray) -> list:
        result = engine(image)
        if result is None or result.txts is None:
            return []
        boxes = []
        for quad, text in zip(result.boxes, result.txts):
            digits = digits_of(text, lookalikes)
            if digits:
                quad = np.asarray(quad, np.float32)
                boxes.append((*quad.min(axis=0), *quad.max(axis=0), digits))
        return ["".join(b[4] for b in line) for line in _lines(boxes)]

    return read


def contours_reader(model_path=None, threshold: float = 0.7):
    """The straightforward pipeline with our classifier: grayscale, Otsu's threshold
    (dark ink), external contours at least 12 px tall and below 80% of the frame, each
    box's ink normalized the MNIST way and classified in one batch; the not-a-digit class
    is dropped, digits below ``threshold`` are ``?``; boxes grouped into rows like
    RapidOCR's lines. Returns (read function, classifier to close)."""
    from edge_digits.classify import DigitClassifier
    from edge_digits.normalize import normalize_digit

    classifier = DigitClassifier(model_path)
    values = [int(v) if str(v).isdigit() and len(str(v)) == 1 else None for v in classifier.labels]

    def read(image: np.ndarray) -> list:
        gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
        contours, _ = cv2.findContours(ink, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        height = gray.shape[0]
        boxes, patches = [], []
        for contour in contours:
            x, y, w, h = cv2.boundingRect(contour)
            if h < 12 or h > 0.8 * height or w > 1.5 * h:
                continue
            mask = np.zeros((h, w), np.uint8)
            cv2.drawContours(mask, [contour], -1, 255, -1, offset=(-x, -y))
            patches.append(normalize_digit(cv2.bitwise_and(ink[y:y + h, x:x + w], mask)))
            boxes.append((x, y, x + w, y + h))
        if not patches:
            return []
        probabilities = classifier.classify(np.stack(patches))
        found = []
        for box, row in zip(boxes, probabilities):
            value = values[int(row.argmax())]
            if value is None:
                continue
            found.append((*box, str(value) if row.max() >= threshold else "?"))
        return ["".join(b[4] for b in line) for line in _lines(found)]

    return read, classifier
