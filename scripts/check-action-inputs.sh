#!/usr/bin/env bash
# The GitHub Action's first step (action.yml), before anything is installed: one `::error::` line
# for each bad input (INPUT_* variables), then exit 2; else the diff base it resolves to.
set -uo pipefail
bad=0
error() {  # a workflow command is one line: escape % CR LF as the runner reads them
  local text=${1//%/%25}
  text=${text//$'\r'/%0D}
  echo "::error title=flaglint input::${text//$'\n'/%0A}"
  bad=1
}

[ -d "$INPUT_PATH" ] || error "path: '$INPUT_PATH' is not a folder of the checkout"
base=$INPUT_DIFF_BASE
if [ -z "$base" ] && [ -n "${GITHUB_BASE_REF:-}" ]; then base="origin/$GITHUB_BASE_REF"; fi
if [ -n "$base" ] && [ -d "$INPUT_PATH" ]; then
  if [[ $base == -* ]] || ! git -C "$INPUT_PATH" rev-parse --quiet --verify "$base^{commit}" \
      >/dev/null 2>&1; then
    error "diff-base: '$base' is not a commit of the checkout (check out with fetch-depth: 0)"
  fi
fi
if [ -n "$INPUT_BASELINE" ] && [ ! -f "$INPUT_BASELINE" ]; then
  error "baseline: no file '$INPUT_BASELINE' (record one with flaglint check --write-baseline)"
fi
case $INPUT_ARGS in *[\"\'\\]*)
  error "args: quotes and backslashes are not supported (it is split on spaces): $INPUT_ARGS" ;;
esac
if [ -z "$INPUT_SARIF_FILE" ] || [ ! -d "$(dirname -- "$INPUT_SARIF_FILE")" ]; then
  error "sarif-file: '$INPUT_SARIF_FILE' is not a file name in an existing folder"
fi
case $INPUT_UPLOAD_SARIF in true | false) ;; *)
  error "upload-sarif: '$INPUT_UPLOAD_SARIF' is not true or false" ;;
esac
case $INPUT_FAIL_ON in error | warning | info | note | never) ;; *)
  error "fail-on: '$INPUT_FAIL_ON' is not error, warning, info (or note) or never" ;;
esac
if [[ $INPUT_PYTHON_VERSION =~ ^(pypy)?3(\.([0-9]+|x))?([.t-]|$) ]]; then
  minor=${BASH_REMATCH[3]:-x}
  if [ "$minor" != x ] && [ "$minor" -lt 10 ]; then
    error "python-version: '$INPUT_PYTHON_VERSION' is older than 3.10, which flaglint needs"
  fi
else
  error "python-version: '$INPUT_PYTHON_VERSION' is not a Python version such as 3.12"
fi
case $INPUT_REQUIREMENT in -* | *$'\n'*)
  error "requirement: '$INPUT_REQUIREMENT' is not one pip requirement or path" ;;
esac
[ "$bad" -eq 0 ] || exit 2
echo "diff-base=$base" >> "${GITHUB_OUTPUT:-/dev/null}"
