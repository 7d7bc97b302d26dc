#!/usr/bin/env bash
# One command for the Excel import benchmark: builds kaiji and the calamine floor in release
# mode, makes sure openpyxl is there, and prints the ratios.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -q -p kaiji-cli -p kaiji-xlsx --bin kaiji --example calamine_floor --example kaiji_read
python3 -c "import openpyxl" 2>/dev/null || python3 -m pip install -q openpyxl
exec python3 bench/xlsx-import/bench.py "$@"
