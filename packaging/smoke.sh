#!/usr/bin/env bash
# Smoke-tests a built bundle: --version, the operator answering the official SDK, and the GUI
# starting offscreen and quitting cleanly. Usage: packaging/smoke.sh BUNDLE_EXE [PYTHON]
# PYTHON must have the official `uid2-client` SDK installed (the test extra has it).
set -euo pipefail
exe=$(readlink -f "$1")
python=${2:-python3}
work=$(mktemp -d)
trap 'kill "$op_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
op_pid=""

echo "== $exe --version"
"$exe" --version

echo "== operator + official SDK generate"
"$exe" operator --port 0 --data-dir "$work/op" --credentials-out "$work/creds.json" \
  >"$work/operator.log" 2>&1 &
op_pid=$!
for _ in $(seq 1 100); do [ -s "$work/creds.json" ] && break; sleep 0.1; done
[ -s "$work/creds.json" ] || { cat "$work/operator.log"; echo "operator did not start"; exit 1; }
"$python" - "$work/creds.json" <<'PY'
import json, sys
from uid2_client import TokenGenerateInput, Uid2PublisherClient
creds = json.load(open(sys.argv[1]))
pub = creds["publisher"]
client = Uid2PublisherClient(creds["base_url"], pub["api_key"], pub["secret"])
response = client.generate_token(TokenGenerateInput.from_email("smoke@example.com"))
assert response.is_success(), response.status
print("generate:", response.status, response.get_identity().get_advertising_token()[:8] + "...")

# Client-side generation from a localhost page (the origin check reads the bundled
# Public Suffix List).
import time, urllib.request
from uid2_desk.protocol.cstg import build_request, open_reply
from uid2_desk.protocol.normalize import hash_identifier
cstg = creds["cstg"]
sealed = build_request(cstg["server_public_key"], cstg["subscription_id"],
                       {"email_hash": hash_identifier("smoke@example.com")}, int(time.time() * 1000))
request = urllib.request.Request(
    creds["base_url"] + "/v2/token/client-generate", data=json.dumps(sealed.body).encode(),
    headers={"Origin": "http://localhost:3000", "Content-Type": "text/plain"})
with urllib.request.urlopen(request, timeout=30) as reply:
    document = json.loads(open_reply(sealed.key, reply.read()))
assert document["status"] == "success", document
print("client-generate:", document["status"])
PY
kill -INT "$op_pid"; wait "$op_pid"; op_pid=""

echo "== the operator's capture worker (a spawned process of the bundle) journaled both calls"
"$exe" sessions --data-dir "$work/op" | tee "$work/sessions.txt"
grep -Eq "uid2-desk operator +2$" "$work/sessions.txt" || { echo "the capture journaled no calls"; exit 1; }

echo "== GUI offscreen start and quit"
QT_QPA_PLATFORM=offscreen UID2_DESK_EXIT_WHEN=ready UID2_DESK_HOME="$work/desk" \
  timeout 60 "$exe"
echo "== bundle smoke test passed"
