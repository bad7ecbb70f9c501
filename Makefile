# edge-digits: the two set-up commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# Offline MNIST (Keras .npz): EDGE_DIGITS_MNIST wins, else ../shared/data/mnist.npz if present,
# else the export falls back to keras.datasets.mnist.load_data() (needs internet once).
MNIST ?= $(or $(EDGE_DIGITS_MNIST),$(wildcard ../shared/data/mnist.npz))
MNIST_FLAG := $(if $(MNIST),--mnist $(MNIST),)
THREADS ?= 1

.PHONY: run install install-host test export export-reference export-quick bench bench-smoke pi-check clean

$(VENV)/.runtime: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

$(VENV)/.host: pyproject.toml $(VENV)/.runtime
	$(PY) -m pip install -q -e '.[host,dev,web]'
	touch $@

install: $(VENV)/.runtime      ## runtime only (numpy, OpenCV, ai-edge-litert) + test tools
install-host: $(VENV)/.host    ## + TensorFlow and matplotlib for export/

run: install                   ## read the bundled sample frames with the bundled model
	$(VENV)/bin/edge-digits read edge_digits/samples --annotate annotated

test: install-host             ## the test suite (the README's and CI's test command)
	$(PY) -m pytest

# The bundled default is the reference design at 1.5x width (24/48 filters, 96 units) with
# an 11th output, 'none' (not a digit), trained on generated non-digits: it rejects marks,
# fragments and touching pairs that the 10-class network reads as confident digits, and
# reads camera-like crops better (README, "The bundled model").
export: install-host           ## train, quantize, evaluate, bundle the default model
	$(PY) -m export $(MNIST_FLAG) --threads 2 --none-class --width 1.5 --out artifacts/export \
	    --bundle-dir edge_digits/models

export-reference: install-host ## the reference network exactly (10 classes), not bundled
	$(PY) -m export $(MNIST_FLAG) --threads 2 --no-bundle --out artifacts/reference

export-quick: install-host     ## a 1-epoch export on a subset, into artifacts/quick (no bundling)
	$(PY) -m export $(MNIST_FLAG) --quick --out artifacts/quick

bench: install-host            ## benchmarks + BENCHMARKS.md (tflite-runtime in its own venv: numpy < 2)
	test -x artifacts/tflite-venv/bin/python || { $(PYTHON) -m venv artifacts/tflite-venv && \
	    artifacts/tflite-venv/bin/pip install -q "tflite-runtime==2.14.0" "numpy<2"; } || \
	    { rm -rf artifacts/tflite-venv; echo "bench: no tflite-runtime wheel here: its figures are skipped"; }
	$(PY) -m pytest tests/benchmarks --benchmarks --benchmark-enable \
	    --benchmark-json=artifacts/benchmarks.json
	$(PY) -m tests.benchmarks.report artifacts/benchmarks.json BENCHMARKS.md

bench-smoke: install-host      ## every benchmark once, untimed (CI: they cannot rot)
	$(PY) -m pytest tests/benchmarks --benchmarks --benchmark-disable -q

pi-check: install              ## the runtime's tests on emulated arm64 Debian Bookworm
	bash devices/pi-check/run.sh

clean:
	rm -rf $(VENV) artifacts annotated .pytest_cache .benchmarks build *.egg-info
