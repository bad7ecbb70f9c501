"""Seeded generators of test and training material composed from MNIST digits.

Only numpy and OpenCV: tests, benchmarks and the runtime's sample frames use it without
TensorFlow. ``frames`` composes digit strings into camera-like frames; ``envelopes`` composes
whole envelopes and postcards with postal codes.

``strangers`` is a second generator, written unlike the first, for measuring only: frames of
development digits (FEMNIST test writers, hwd1000 test, held-out fonts: ``fontsplit``) and
digit-free scenes; it uses Pillow (host side), its parts in ``devsources``, ``pens``,
``surfaces``, ``printing`` and ``camera``.
"""
