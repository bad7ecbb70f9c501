"""Host side: train the reference CNN on MNIST, quantize it to TFLite, evaluate, bundle."""
