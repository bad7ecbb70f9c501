# edge-digits: the two set-up commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# Offline MNIST (Keras .npz): EDGE_DIGITS_MNIST wins, else ../shared/data/mnist.npz if present,
# else the export falls back to keras.datasets.mnist.load_data() (needs internet once).
MNIST ?= $(or $(EDGE_DIGITS_MNIST),$(wildcard ../shared/data/mnist.npz))
MNIST_FLAG := $(if $(MNIST),--mnist $(MNIST),)
THREADS ?= 1
# Training material beyond MNIST (see ../shared/README.md): each used when its file exists,
# or when named by EDGE_DIGITS_FEMNIST / _LETTERS / _HWD1000 / _FONTS.
DATA ?= ../shared/data
FEMNIST ?= $(or $(EDGE_DIGITS_FEMNIST),$(wildcard $(DATA)/femnist_digits.npz))
LETTERS ?= $(or $(EDGE_DIGITS_LETTERS),$(wildcard $(DATA)/femnist_letters.npz))
HWD1000 ?= $(or $(EDGE_DIGITS_HWD1000),$(wildcard $(DATA)/hwd1000_digits.npz))
FONTS ?= $(or $(EDGE_DIGITS_FONTS),$(wildcard $(DATA)/fonts))
EXTRA_FLAGS := $(if $(FEMNIST),--femnist $(FEMNIST),) $(if $(LETTERS),--letters $(LETTERS),) \
	$(if $(HWD1000),--hwd1000 $(HWD1000),) $(if $(FONTS),--fonts $(FONTS),)

.PHONY: run install install-host test measure mutation export bundle export-reference export-quick bench bench-baseline bench-smoke pi-check devsets clean

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

# The suite spreads over every core (pytest-xdist), one test file per worker at a time, so a
# file's fixtures (the development sets, the browser) are made once: TEST_WORKERS=0 runs it
# in this process, one test after another.
TEST_WORKERS ?= auto
test: install-host             ## the test suite (the README's and CI's test command)
	$(PY) -m pytest $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile)

measure: install-host          ## re-measure every fixed accuracy set: paste the output into tests/expected.py
	$(PY) -m tests.measure --check

MUTANTS ?= 60
mutation: install-host         ## mutation run: issue 15's mutants + $(MUTANTS) generated ones, kill rate
	nice $(PY) -m tests.mutation.run --sample $(MUTANTS) --json artifacts/mutation.json

# The bundled default is the reference design at 1.5x width (24/48 filters, 96 units) with
# an 11th output, 'none' (not a digit), trained on generated non-digits: it rejects marks,
# fragments and touching pairs that the 10-class network reads as confident digits, and
# reads camera-like crops better (README, "The bundled model").
export: install-host           ## train, quantize, evaluate into artifacts/export (never bundles)
	$(PY) -m export $(MNIST_FLAG) $(EXTRA_FLAGS) --threads 2 --none-class --width 1.5 --out artifacts/export

bundle: install                ## copy artifacts/export's checked model + manifest into edge_digits/models
	$(PY) -m export.bundle artifacts/export

export-reference: install-host ## the reference network exactly (10 classes, its graph as trained), not bundled
	$(PY) -m export $(MNIST_FLAG) --threads 2 --no-bundle --plain-graph --out artifacts/reference

export-quick: install-host     ## a 1-epoch export on a subset, into artifacts/quick (no bundling)
	$(PY) -m export $(MNIST_FLAG) --quick --out artifacts/quick

.PHONY: fuzz soak
fuzz: install-host             ## the large generated-input run (>= 10,000 cases, ~2 min)
	$(PY) -m pytest -m fuzz -s -q tests/test_fuzz.py

soak: install-host             ## 100,000 frames through the reader and serve (~15 min)
	OMP_NUM_THREADS=1 $(PY) -m pytest -m soak -s -q tests/test_soak.py

bench: install-host            ## benchmarks + BENCHMARKS.md (tflite-runtime in its own venv: numpy < 2)
	test -x artifacts/tflite-venv/bin/python || { $(PYTHON) -m venv artifacts/tflite-venv && \
	    artifacts/tflite-venv/bin/pip install -q "tflite-runtime==2.14.0" "numpy<2"; } || \
	    { rm -rf artifacts/tflite-venv; echo "bench: no tflite-runtime wheel here: its figures are skipped"; }
	$(PY) -m pytest tests/benchmarks --benchmarks --benchmark-enable \
	    --benchmark-json=artifacts/benchmarks.json $(BENCH_COMPARE)
	$(PY) -m tests.benchmarks.report artifacts/benchmarks.json BENCHMARKS.md

# A stored run of this kind of machine (tests/benchmarks/stored/<arch>-<cores>cores-<cpu>/...,
# made by `make bench-baseline`): make bench fails when a benchmark's median is more than
# twice the baseline's (a large slowdown; the machine is shared, smaller changes are noise).
# Where no baseline of this kind of machine is stored, nothing is compared (the CPU's model
# is in the name: an Intel Xeon of this size ran 2.5-3x slower than an AMD EPYC; and its
# family and model number: an "AMD EPYC" of family 25 (no AVX-512) classified 7-8x slower
# than one of family 26, whose int8 kernels use AVX-512 VNNI).
CPU_FAMILY := $(shell sed -n 's/^cpu family[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)
CPU_MODEL := $(shell sed -n 's/^model[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)
CPU_NAME := $(shell sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1 | \
	tr -cs 'A-Za-z0-9' '-' | sed 's/-$$//')$(if $(CPU_FAMILY),-family$(CPU_FAMILY)-model$(CPU_MODEL))
BENCH_DIR := tests/benchmarks/stored/$(shell uname -m)-$(shell nproc)cores$(if $(CPU_NAME),-$(CPU_NAME))
BENCH_STORAGE := file://$(CURDIR)/$(BENCH_DIR)
BENCH_COMPARE = $(if $(wildcard $(BENCH_DIR)/*/0001_*.json),--benchmark-storage=$(BENCH_STORAGE) \
	--benchmark-compare=0001 --benchmark-compare-fail=median:100%)

bench-baseline: install-host   ## store this machine's benchmark run as the baseline make bench compares with
	rm -rf $(BENCH_DIR)
	$(PY) -m pytest tests/benchmarks --benchmarks --benchmark-enable \
	    --benchmark-storage=$(BENCH_STORAGE) --benchmark-save=baseline

bench-smoke: install-host      ## every benchmark once, untimed (CI: they cannot rot)
	$(PY) -m pytest tests/benchmarks --benchmarks --benchmark-disable -q

pi-check: install              ## the runtime's tests on emulated arm64 Debian Bookworm
	bash devices/pi-check/run.sh

devsets: install-host           ## development-set figures: strangers' frames, digit-free scenes (docs/devsets.md)
	$(PY) -m export.devsets

clean:
	rm -rf $(VENV) artifacts annotated .pytest_cache .benchmarks build *.egg-info
