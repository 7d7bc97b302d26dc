#!/usr/bin/env bash
# schemathesis against the served OpenAPI document (issue 12): `kaiji serve --demo` on a temporary SQLite
# file on 127.0.0.1 and a free port; one bounded run as a vendor owner and one as a hospital owner (signed
# in with the demo logins the server prints), checks `not_a_server_error` and
# `response_schema_conformance`; any finding fails. Called by .ci/run after the tests; runs alone too:
#   bash .ci/schemathesis.sh          (uses target/debug/kaiji, building it if missing)
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned: a new schemathesis release can find new things; bump it on purpose.
SCHEMATHESIS_VERSION=4.32.5
# Per run (two runs): examples per operation and the time budget, well under five minutes in all.
MAX_EXAMPLES=${KAIJI_ST_EXAMPLES:-20}
MAX_TIME=${KAIJI_ST_SECONDS:-75}

venv=target/schemathesis-venv
if ! "$venv/bin/schemathesis" --version 2> /dev/null | grep -qF "$SCHEMATHESIS_VERSION"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
"$venv/bin/schemathesis" --version

kaiji=target/debug/kaiji
[ -x "$kaiji" ] || cargo build --quiet -p kaiji-cli

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2> /dev/null || true
    wait "$server_pid" 2> /dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
"$kaiji" serve --demo --lang en --database-url "sqlite:$work/kaiji.db" --bind "127.0.0.1:$port" \
  > "$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
  grep -q "^listening" "$work/serve.log" && curl -fsS "$base/api/openapi.json" -o "$work/openapi.json" 2> /dev/null && break
  kill -0 "$server_pid" 2> /dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.2
done
[ -s "$work/openapi.json" ] || { echo "kaiji serve did not start" >&2; cat "$work/serve.log" >&2; exit 1; }
# The served document is the checked-in one (the test suite checks that it is the generated one).
cmp -s "$work/openapi.json" schemas/openapi.json || { echo "served document differs from schemas/openapi.json" >&2; exit 1; }

# One run per side: sign in with the first demo owner of that kind, pass the cookie and CSRF token on
# every request and name the caller's organisation as {org}. Logging out would end the run's session,
# so that one operation is left out.
# Both sessions first: the runs' failed logins lock 127.0.0.1 out of logging in for 15 minutes (the throttle),
# but sessions already made stay valid.
declare -A csrfs orgs sessions emails
for kind in vendor hospital; do
  read -r email password < <(awk -v k="$kind" '$1 == k && $2 == "owner" {print $3, $4; exit}' "$work/serve.log")
  [ -n "${email:-}" ] || { echo "no $kind owner among the demo logins" >&2; cat "$work/serve.log" >&2; exit 1; }
  login=$(curl -fsS -c "$work/cookies.$kind" -H 'content-type: application/json' \
    -d "{\"email\": \"$email\", \"password\": \"$password\"}" "$base/api/v1/session")
  emails[$kind]=$email
  csrfs[$kind]=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["csrf_token"])' <<< "$login")
  orgs[$kind]=$(python3 -c 'import json, sys; print(json.load(sys.stdin)["memberships"][0]["org"])' <<< "$login")
  sessions[$kind]=$(awk '$6 == "kaiji_session" {print $7}' "$work/cookies.$kind")
done
status=0
for kind in vendor hospital; do
  email=${emails[$kind]} csrf=${csrfs[$kind]} org=${orgs[$kind]} session=${sessions[$kind]}
  cat > "$work/schemathesis.$kind.toml" << EOF
[parameters]
"path.org" = "$org"
EOF
  echo "== schemathesis as the $kind owner $email (organisation $org)"
  PYTHONPATH=.ci SCHEMATHESIS_HOOKS=schemathesis_media \
    "$venv/bin/schemathesis" --config-file "$work/schemathesis.$kind.toml" run "$work/openapi.json" \
    --url "$base" \
    --header "Cookie: kaiji_session=$session" \
    --header "X-CSRF-Token: $csrf" \
    --exclude-operation-id logout \
    --checks not_a_server_error,response_schema_conformance \
    --max-examples "$MAX_EXAMPLES" \
    --max-time "$MAX_TIME" \
    --seed 12 \
    --generation-database none \
    --no-color \
    --report junit --report-dir "$work/report.$kind" \
    || status=1
done
if [ "$status" != 0 ]; then
  echo "schemathesis found problems (above); the server's log:" >&2
  tail -50 "$work/serve.log" >&2
fi
exit "$status"
