#!/usr/bin/env bash
# Set up (first run only) and serve the PlanQA page on the demo corpus: http://127.0.0.1:7860
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/bootstrap.sh
exec .venv/bin/planqa serve "$@"
