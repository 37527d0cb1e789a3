# Deep Learning Fundamentals, from scratch: the commands.
#   make        set up .venv, build release/ + solutions/, grade the example submissions
#   make test   set up .venv and run the whole test suite (what CI runs)
#   make lab    open the student notebooks in JupyterLab
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: all setup build grade demo report check publish test test-fast lint lab bench bench-grading compat clean

all: demo

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip 2>/dev/null
	$(BIN)/pip install -q -e ".[dev]" 2>&1 | grep -v "is ignored: it is neither a file nor a directory" || true
	$(BIN)/python -c "import dlkit, nbgrader, nbval" # fail here if the install did not work
	@# rfc3987-syntax builds a grammar on import and costs every nbformat import ~2.5 s;
	@# only jsonschema's optional "iri" format check uses it (see ../shared/TECH_NOTES.md).
	$(BIN)/pip uninstall -q -y rfc3987-syntax 2>/dev/null || true
	@# System packages, installed with apt where we are root: bubblewrap, the sandbox of every
	@# grading kernel (without it autograde refuses to grade and says why), and Chromium for the
	@# real-browser widget test (without it tests/test_browser.py fails saying how to fix it,
	@# or set DLFS_SKIP_BROWSER=1 to skip it).
	@missing=""; command -v bwrap >/dev/null || missing="bubblewrap"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	    || echo "could not install $$missing: see README (grading needs bubblewrap)"; fi
	@# PyTorch is an optional test oracle: installed only where a local CPU build exists.
	@if $(BIN)/pip install -q --no-index --no-deps torch 2>/dev/null; then \
	    $(BIN)/pip install -q torch 2>&1 | grep -v "is ignored" || true; \
	    echo "PyTorch installed: parity tests will run"; \
	else echo "no local PyTorch build: parity tests will be skipped"; fi
	touch $@

build: $(STAMP)
	$(BIN)/python -m course build

grade: $(STAMP)
	$(BIN)/python -m course grade $(SUBMISSIONS)

demo: $(STAMP)
	$(BIN)/python -m course demo

# after grading: grading/report/index.html, what the class got wrong (WORKDIR=... for another)
report: $(STAMP)
	$(BIN)/python -m course report $(if $(WORKDIR),--workdir $(WORKDIR))

check: $(STAMP)
	$(BIN)/python -m course check

# the student repository (release/ + dlkit/, no solutions): make publish [DEST=..] [UPTO=05_optimizers]
DEST ?= ../dlfs-student
publish: $(STAMP)
	$(BIN)/python -m course publish $(DEST) --git $(if $(UPTO),--upto $(UPTO))

test: $(STAMP) lint compat
	$(BIN)/python -m pytest -n 2 --dist loadgroup

# dlkit on the runtimes students have (Colab: Python 3.13, ipywidgets 7.7.1; Python 3.10)
compat:
	tests/compat.sh

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check dlkit course tests bench source
	$(BIN)/ruff format --check dlkit course tests bench

lab: $(STAMP)
	$(BIN)/jupyter lab release/

bench: $(STAMP)
	$(BIN)/python bench/run.py --markdown

# 200 submissions: plain sequential `nbgrader autograde` vs `python -m course autograde`
bench-grading: $(STAMP)
	$(BIN)/python bench/grading.py --n 200

clean:
	rm -rf $(VENV) .compat grading .pytest_cache
