"""Seeded generators of test and training material composed from MNIST digits.

Only numpy and OpenCV: tests, benchmarks and the runtime's sample frames use it without
TensorFlow. ``frames`` composes digit strings into camera-like frames; ``envelopes`` composes
whole envelopes and postcards with postal codes.
"""
