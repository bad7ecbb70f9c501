"""The straightforward pipeline users write first: the end-to-end peer of ``DigitReader``.

    >>> read_plain(frame_bgr, classifier)      # -> "4031 887", strings top to bottom

Global Otsu threshold, external contours, each bounding box resized to 28x28 as it is (no
MNIST normalization: no 20-pixel box, no centre of mass), argmax of the same int8 model,
boxes grouped into lines by their vertical centres. It lives in :mod:`edge_digits.stages`
so that ``edge-digits bench --stages`` times it beside the stages on a device.
"""
from __future__ import annotations

from edge_digits.stages import PLAIN_MIN_HEIGHT as MIN_HEIGHT_FRACTION  # noqa: F401
from edge_digits.stages import read_plain  # noqa: F401
