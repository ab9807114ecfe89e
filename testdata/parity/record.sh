#!/bin/sh
# Re-records the n8n parity fixtures: runs every cases/*.json (or only the case files given as
# arguments) through the peer oracle (real n8n + the Chatwoot community node, see
# ../shared/peer/README.md) and writes the oracle's stdout, untouched, to the .out.json next to it.
# Exits non-zero if any case failed to record or index.json does not list exactly the case files.
#
#   PEER=/tmp/peer testdata/parity/record.sh                 # use an installed harness
#   testdata/parity/record.sh                                # copy ../shared/peer, npm ci, record
#   PEER=/tmp/peer testdata/parity/record.sh testdata/parity/cases/500-*.json
#
# Then `git diff testdata/parity` shows what changed (t_ms of batching cases always jitters).
set -u

here=$(cd "$(dirname "$0")" && pwd) || exit 1
repo=$(cd "$here/../.." && pwd) || exit 1

# The oracle's recording server is on 127.0.0.1; never send its traffic through an env proxy.
unset HTTP_PROXY HTTPS_PROXY http_proxy https_proxy ALL_PROXY all_proxy
NO_PROXY=127.0.0.1,localhost; no_proxy=$NO_PROXY; export NO_PROXY no_proxy

install_peer() { # $1 = source folder; prints the installed copy's path
  dir=$(mktemp -d "${TMPDIR:-/tmp}/noderun-peer.XXXXXX") || return 1
  echo "record.sh: copying $1 to $dir and running npm ci --ignore-scripts (takes a few minutes)" >&2
  cp -R "$1/." "$dir/" && rm -rf "$dir/node_modules" \
    && (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund >&2) || return 1
  echo "$dir"
}

peer=${PEER:-}
if [ -z "$peer" ]; then
  peer=$(install_peer "$repo/../shared/peer") || { echo "record.sh: cannot install the peer harness" >&2; exit 1; }
elif [ ! -d "$peer/node_modules" ]; then
  peer=$(install_peer "$peer") || { echo "record.sh: cannot install the peer harness from $PEER" >&2; exit 1; }
fi
[ -f "$peer/oracle.js" ] || { echo "record.sh: no oracle.js in $peer" >&2; exit 1; }
peer=$(cd "$peer" && pwd)

if [ $# -eq 0 ]; then
  set -- "$here"/cases/*.json
fi

ok=0 failed=0
for f in "$@"; do
  case "$f" in *.out.json) continue ;; esac
  f=$(cd "$(dirname "$f")" && pwd)/$(basename "$f")
  out=${f%.json}.out.json
  # The oracle exits 0 whenever n8n ran (also when the node failed: see "error" in the output).
  if (cd "$peer" && node oracle.js "$f") >"$out.tmp" 2>"$out.err" \
     && node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$out.tmp"; then
    mv "$out.tmp" "$out"; rm -f "$out.err"; ok=$((ok + 1)); echo "ok   ${f#"$here"/}"
  else
    echo "FAIL ${f#"$here"/}" >&2; sed 's/^/     /' "$out.err" | tail -n 20 >&2
    rm -f "$out.tmp" "$out.err"; failed=$((failed + 1))
  fi
done

# index.json must list every case file exactly once (and nothing else).
if ! node - "$here" <<'EOF'
const fs = require('fs'), path = require('path');
const dir = process.argv[2];
const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8'));
const listed = index.cases.map((c) => c.file).sort();
const onDisk = fs.readdirSync(path.join(dir, 'cases'))
  .filter((f) => f.endsWith('.json') && !f.endsWith('.out.json')).map((f) => `cases/${f}`).sort();
const extra = listed.filter((f) => !onDisk.includes(f)), unlisted = onDisk.filter((f) => !listed.includes(f));
const missingOut = onDisk.filter((f) => !fs.existsSync(path.join(dir, f.replace(/\.json$/, '.out.json'))));
for (const f of extra) console.error(`index.json lists a missing case: ${f}`);
for (const f of unlisted) console.error(`case not in index.json: ${f}`);
for (const f of missingOut) console.error(`case without a recording: ${f}`);
process.exit(extra.length || unlisted.length || missingOut.length ? 1 : 0);
EOF
then failed=$((failed + 1)); fi

echo "record.sh: $ok recorded, $failed failed (peer: $peer)"
[ "$failed" -eq 0 ]
