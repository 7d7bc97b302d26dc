#!/usr/bin/env bash
# One command for the review benchmark: builds kaiji in release mode, makes sure PyYAML is there
# for the Python baseline, and prints the figures.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -q -p kaiji-cli --bin kaiji
python3 -c "import yaml" 2>/dev/null || python3 -m pip install -q pyyaml
exec python3 bench/review/bench.py "$@"
