#!/bin/sh
# Re-records the resource-locator fixtures with the peer harness's oracle-base.js (real n8n
# 2.41.1 running n8n-nodes-base nodes, see ../shared/peer/README.md), writing its stdout,
# untouched, next to each case; and re-exports the descriptions the replay test loads.
#
#   PEER=/tmp/peer testdata/locators/record.sh
set -u
here=$(cd "$(dirname "$0")" && pwd) || exit 1
peer=${PEER:?set PEER to an installed copy of ../shared/peer (npm ci --ignore-scripts done)}
unset HTTP_PROXY HTTPS_PROXY http_proxy https_proxy ALL_PROXY all_proxy
NO_PROXY=127.0.0.1,localhost; no_proxy=$NO_PROXY; export NO_PROXY no_proxy
fail=0
for f in "$here"/cases/*.json; do
  case $f in *.out.json) continue ;; esac
  (cd "$peer" && node oracle-base.js "$f") > "${f%.json}.out.json" || { echo "record.sh: $f failed" >&2; fail=1; }
done
# The descriptions as n8n holds them; editor-only object iconUrls are left out (another branch
# decodes them), credentials listed as an array.
for n in okta n8n currents gong metabase; do
  (cd "$peer" && node oracle-base.js --describe "n8n-nodes-base.$n") | python3 -c '
import json, sys
d = json.load(sys.stdin)
node = d["node"]
if isinstance(node.get("iconUrl"), dict): del node["iconUrl"]
creds = []
for v in d["credentials"].values():
    if v is None: continue
    if isinstance(v.get("iconUrl"), dict): del v["iconUrl"]
    creds.append(v)
json.dump({"type": d["type"], "typeVersion": d["typeVersion"], "node": node, "credentials": creds}, sys.stdout, indent=1)
' > "$here/descriptions/$n.json" || fail=1
done
exit $fail
