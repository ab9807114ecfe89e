#!/usr/bin/env bash
# Benchmarks noderun against n8n (through ../shared/peer's oracle, when an
# installed copy is given with PEER=dir) and against a bare net/http loop,
# on the same local echo server. Extra arguments go to `nrbench compare`:
#   bench/run.sh -n 1000,10000 -runs 5 -n8n-runs 1 -million
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out
go build -o bench/out/noderun ./cmd/noderun
go build -o bench/out/nrbench ./bench/nrbench
args=(-noderun bench/out/noderun)
if [ -n "${PEER:-}" ]; then args+=(-peer "$PEER"); fi
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(go version | cut -d' ' -f3), $(date -u +%F)"
exec bench/out/nrbench compare "${args[@]}" "$@"
