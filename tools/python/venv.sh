#!/usr/bin/env bash
# The Python the Python SDK's tests run with, as a user's would be: a venv with `pulumi` from PyPI
# and the generated SDK's other dependencies, cached outside the repository and reused. Prints the
# venv's directory. `pulumi` is the oldest the generated SDK accepts (schema.json's
# language.python.requires), 3.260.0: older ones print a stack's exported secrets under `--debug`
# (pulumi/pulumi#24479). It need not match the CLI this repository builds (3.259.0).
# The SDK itself (sdk/python) is installed into it by the test, fresh each run.
set -euo pipefail
PULUMI_PY="3.260.0"
venv="${XDG_CACHE_HOME:-$HOME/.cache}/anthropic-pulumi/python-venv-$PULUMI_PY"
if [ ! -x "$venv/bin/python" ] || [ ! -f "$venv/.ready" ]; then
  command -v python3 >/dev/null || { echo "venv.sh: python3 is needed for the Python SDK's tests" >&2; exit 1; }
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input \
    "pulumi==$PULUMI_PY" "parver>=0.2.1" "semver>=2.8.1" "setuptools>=61" wheel >&2
  touch "$venv/.ready"
fi
echo "$venv"
