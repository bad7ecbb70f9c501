"""Host side: train the reference CNN on MNIST, quantize it to TFLite, evaluate, bundle.

    make export          # python -m export ... --out artifacts/export (never bundles)
    make bundle          # python -m export.bundle artifacts/export: into edge_digits/models
    make export-quick    # a subset, one epoch, into artifacts/quick, not bundled

One module per stage:

- ``data``: MNIST from a Keras-format .npz or keras.datasets, validated, checksummed.
- ``network``: the reference CNN (Sequential and Functional builders).
- ``augment``: camera-like distortions and generated non-digits, through the runtime's
  ``normalize_digit``.
- ``train``: Adam with warm-up and cosine decay over a pool of precomputed variants.
- ``quantize``: float32, float16, dynamic-range and int8 (input = pixel ^ 0x80) TFLite.
- ``evaluate``: every variant through the runtime's ``DigitClassifier``.
- ``plots``: training curves and the int8 confusion matrix.
- ``artifacts``: atomic writes, the manifest, the export gate.
- ``pipeline``: the stages in order; ``__main__``: the thin CLI.

Only this package imports TensorFlow; the runtime (``edge_digits``) never imports it.
"""
