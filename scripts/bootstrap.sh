#!/usr/bin/env bash
# Create .venv and install PlanQA (and, with --test, the test tools and Debian's chromium).
# Idempotent: reinstalls only when pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
want_test=0
[ "${1:-}" = "--test" ] && want_test=1

if [ ! -x .venv/bin/python ]; then
  echo "[planqa] creating .venv with $($PY --version)" >&2
  "$PY" -m venv .venv
fi
extras=""
[ $want_test = 1 ] && extras="[test]"
stamp=".venv/.planqa-installed${extras:+-test}"
hash=$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$hash" ]; then
  echo "[planqa] installing planqa$extras (torch pinned to the local CPU wheel)" >&2
  log=.venv/install.log
  {
    .venv/bin/python -m pip install --upgrade pip &&
    # torch first and pinned, so no dependency can pull the CUDA build
    .venv/bin/python -m pip install "torch==2.13.0" &&
    .venv/bin/python -m pip install -e ".$extras"
  } > "$log" 2>&1 || { tail -40 "$log" >&2; echo "[planqa] install failed; full log: $log" >&2; exit 1; }
  .venv/bin/python -c "import planqa, torch; assert torch.__version__.startswith('2.13.0')"
  echo "$hash" > "$stamp"
fi
if [ $want_test = 1 ] && { [ ! -x /usr/bin/chromium ] || [ ! -f /usr/share/unicode/EquivalentUnifiedIdeograph.txt ] ||
  ! fc-list :lang=zh 2>/dev/null | grep -q .; }; then
  if [ "$(id -u)" = 0 ]; then
    echo "[planqa] installing Debian chromium, CJK fonts (browser tests) and unicode-data (radical table test)" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk unicode-data >/dev/null) \
      || echo "[planqa] chromium could not be installed; browser tests will be skipped" >&2
  else
    echo "[planqa] /usr/bin/chromium missing (run as root or apt-get install chromium); browser tests skip" >&2
  fi
fi
