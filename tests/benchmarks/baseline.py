"""The straightforward pipeline users write first: the end-to-end peer of ``DigitReader``.

    >>> read_plain(frame_bgr, classifier)      # -> "4031 887", strings top to bottom

Global Otsu threshold, external contours, each bounding box resized to 28x28 as it is (no
MNIST normalization: no 20-pixel box, no centre of mass), argmax of the same int8 model,
boxes grouped into lines by their vertical centres. Only what a tutorial shows, plus the
line grouping without which no two-line frame could ever match.
"""
from __future__ import annotations

import cv2
import numpy as np

MIN_HEIGHT_FRACTION = 0.02  #: boxes shorter than this fraction of the frame are specks


def read_plain(frame: np.ndarray, classifier) -> str:
    """The digit strings of a BGR frame, joined by spaces, read the straightforward way."""
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY) if frame.ndim == 3 else frame
    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    min_height = MIN_HEIGHT_FRACTION * gray.shape[0]
    boxes = [box for box in map(cv2.boundingRect, contours) if box[3] >= min_height]
    if not boxes:
        return ""
    crops = np.stack([cv2.resize(mask[y:y + h, x:x + w], (28, 28), interpolation=cv2.INTER_AREA)
                      for x, y, w, h in boxes])
    values = classifier.classify(crops).argmax(axis=1)
    lines: list[list[tuple[int, int]]] = []  # per line: (x, value)
    centres: list[float] = []
    heights: list[float] = []
    for (x, y, w, h), value in sorted(zip(boxes, values), key=lambda item: item[0][1] + item[0][3] / 2):
        centre = y + h / 2
        if lines and abs(centre - centres[-1]) < 0.5 * max(h, heights[-1]):
            lines[-1].append((x, int(value)))
        else:
            lines.append([(x, int(value))])
            centres.append(centre)
            heights.append(h)
    return " ".join("".join(str(v) for _, v in sorted(line)) for line in lines)
