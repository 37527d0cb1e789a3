#!/usr/bin/env bash
# dlkit's tests on the runtimes students have, each in its own venv under .compat/:
#   colab  Python 3.13 with Colab's packages (ipywidgets 7.7.1, NumPy 2.1, Matplotlib 3.10)
#   py310  the oldest supported Python, newest packages
# An interpreter that is not installed is reported and skipped, not failed.
set -euo pipefail
cd "$(dirname "$0")/.."
TESTS="tests/test_activations.py tests/test_checks.py tests/test_data.py tests/test_perceptron.py
       tests/test_plot.py tests/test_widgets.py tests/test_package.py tests/test_text.py"

find_python() {  # a working interpreter for version $1 (pyenv shims may exist but not work)
  for candidate in "python$1" "$HOME"/.pyenv/versions/"$1"*/bin/"python$1"; do
    if "$candidate" -c "" >/dev/null 2>&1; then echo "$candidate"; return; fi
  done
}

run() {  # name, python version, packages...
  local name=$1 version=$2; shift 2
  local py; py=$(find_python "$version")
  if [ -z "$py" ]; then echo "compat $name: python$version not found, skipped"; return; fi
  local venv=.compat/$name
  if [ ! -f "$venv/.ok" ] || [ pyproject.toml -nt "$venv/.ok" ]; then
    rm -rf "$venv"
    "$py" -m venv "$venv"
    "$venv/bin/pip" install -q "$@" pytest 2>&1 | grep -v "is ignored" || true
    "$venv/bin/pip" install -q --no-deps -e . 2>&1 | grep -v "is ignored" || true
    touch "$venv/.ok"
  fi
  echo "compat $name: $("$venv/bin/python" -c 'import sys, numpy, ipywidgets, matplotlib; print(f"Python {sys.version.split()[0]}, numpy {numpy.__version__}, ipywidgets {ipywidgets.__version__}, matplotlib {matplotlib.__version__}")')"
  # shellcheck disable=SC2086
  "$venv/bin/python" -m pytest -q -p no:cacheprovider $TESTS
}

run colab 3.13 "numpy==2.1.*" "matplotlib==3.10.*" "ipywidgets==7.7.1"
run py310 3.10 numpy matplotlib ipywidgets
