#!/usr/bin/env bash
# API fuzzing (docs/RELIABILITY.md, "API fuzzing"): Schemathesis, pinned in
# tests/fuzz/requirements.txt and installed into .venv-fuzz/, runs every operation of the OpenAPI
# document the server serves, as each role, with a few examples each, on SQLite and on PostgreSQL.
# The server is the debug binary `cargo test` builds, on a throwaway data directory (and a
# throwaway PostgreSQL database, created and dropped here) loaded with the demo. Fails on any
# response of status 500 or above, and on any response whose status, content type or body the
# document does not describe.
#
# Phases: the schema's examples, coverage (boundary and type-violating values of every schema; on
# SQLite only, see below) and fuzzing (positive and negative data); not the stateful phase (links
# between operations are not described). Schemathesis runs through tests/fuzz/schemathesis_cli.py, which guards against a
# CPython 3.11 bug that otherwise stops an operation's run at random.
#
#   bash tests/fuzz/run.sh                      # both backends, 6 examples per operation
#   FUZZ_BACKENDS=sqlite FUZZ_MAX_EXAMPLES=20 bash tests/fuzz/run.sh
#   FUZZ_ROLES="agent" bash tests/fuzz/run.sh   # one role
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
target=${CARGO_TARGET_DIR:-$root/target}
bin=$target/debug/achat-ouvert
examples=${FUZZ_MAX_EXAMPLES:-6}
# The coverage phase's cases come from the schemas alone, the same on both backends: it runs on
# SQLite; PostgreSQL gets the examples and the fuzzing (which reach its own SQL as much), to keep
# the whole run within about 5 minutes.
phases_sqlite=${FUZZ_PHASES:-examples,coverage,fuzzing}
phases_postgres=${FUZZ_PHASES:-examples,fuzzing}
backends=${FUZZ_BACKENDS:-sqlite postgres}
postgres=${FUZZ_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
roles=${FUZZ_ROLES:-anonymous supplier-member supplier-owner committee-member committee-chair agent administrator}
checks=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance

# Python with venv and pip (Debian's python3 needs python3-venv for them).
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  echo "installing python3-venv and python3-pip"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q python3-venv python3-pip >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null && apt-get install -y -q python3-venv python3-pip >/dev/null; }
fi
venv=$root/.venv-fuzz
if [ ! -x "$venv/bin/schemathesis" ] || ! cmp -s tests/fuzz/requirements.txt "$venv/requirements.txt"; then
  echo "installing Schemathesis into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r tests/fuzz/requirements.txt
  cp tests/fuzz/requirements.txt "$venv/requirements.txt"
fi

if [ ! -x "$bin" ]; then
  cargo build --locked --bin achat-ouvert
fi

work=$(mktemp -d)
server=""
database=""
stop_server() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=""
  fi
}
cleanup() {
  stop_server
  if [ -n "$database" ]; then
    psql "$postgres/postgres" -q -c "DROP DATABASE IF EXISTS $database" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

failed=0
summary=()
started=$(date +%s)
for backend in $backends; do
  data=$work/$backend
  mkdir -p "$data"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  base=http://127.0.0.1:$port
  export DATA_DIR=$data BIND=127.0.0.1:$port PUBLIC_URL=$base RUST_LOG=${RUST_LOG:-warn}
  phases=$phases_sqlite
  if [ "$backend" = postgres ]; then
    phases=$phases_postgres
    database=achat_fuzz_$$
    psql "$postgres/postgres" -q -c "CREATE DATABASE $database" >/dev/null
    export DATABASE_URL=$postgres/$database
  else
    unset DATABASE_URL
  fi
  "$bin" demo >"$data/demo.txt"
  "$bin" serve >"$data/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 120); do
    if curl -fs "$base/health" >/dev/null 2>&1; then break; fi
    sleep 0.5
  done
  curl -fs "$base/health" >/dev/null || { cat "$data/server.log"; exit 1; }
  "$venv/bin/python" tests/fuzz/tokens.py "$base" "$data/demo.txt" "$data/outbox" >"$data/tokens.txt"

  for role in $roles; do
    auth=()
    if [ "$role" != anonymous ]; then
      token=$(awk -v r="$role" '$1 == r { print $2 }' "$data/tokens.txt")
      [ -n "$token" ] || { echo "no token for $role"; exit 1; }
      auth=(-H "Authorization: Bearer $token")
    fi
    # Operations that can take the role's own rights away (revoking its token, handing over the
    # organisation, changing or disabling a user, the caller included) run after all the others.
    last=(--include-name "DELETE /api/v1/me/tokens/{id}" --include-name "PUT /api/v1/organisation/owner"
          --include-name "PUT /api/v1/admin/users/{id}/roles" --include-name "PUT /api/v1/admin/users/{id}/disabled")
    first=("${last[@]/--include-name/--exclude-name}")
    for pass in first last; do
      if [ $pass = first ]; then filter=("${first[@]}"); else filter=("${last[@]}"); fi
      report=$data/$role-$pass.ndjson
      set +e
      # From the data directory: Schemathesis keeps its cache (.schemathesis/) where it runs.
      (cd "$data" && "$venv/bin/python" "$root/tests/fuzz/schemathesis_cli.py" run "$base/api/v1/openapi.json" --url "$base" "${auth[@]}" "${filter[@]}" \
        --checks "$checks" --max-examples "$examples" --phases "$phases" \
        --seed 16 --no-shrink --workers 2 --request-timeout 30 --suppress-health-check all \
        --report ndjson --report-ndjson-path "$report" >"$data/$role-$pass.log" 2>&1)
      status=$?
      set -e
      if [ $status -ne 0 ]; then
        failed=1
        echo "== $backend, $role ($pass pass): FAILED"
        sed -n '/^=* \(FAILURES\|ERRORS\) =*$/,$p' "$data/$role-$pass.log"
        mkdir -p "$target/fuzz-logs"
        cp "$data/$role-$pass.log" "$data/$role-$pass.ndjson" "$target/fuzz-logs/" 2>/dev/null || true
      fi
    done
    figures=$("$venv/bin/python" tests/fuzz/summary.py "$data/$role-first.ndjson" "$data/$role-last.ndjson")
    echo "$backend, $role: $figures"
    summary+=("$backend, $role: $figures")
  done
  stop_server
  if [ "$backend" = postgres ]; then
    psql "$postgres/postgres" -q -c "DROP DATABASE IF EXISTS $database" >/dev/null
    database=""
  fi
done

echo
echo "API fuzzing, $examples examples per operation (fuzzing phase), in $(($(date +%s) - started)) s:"
printf '  %s\n' "${summary[@]}"
echo "  all: $("$venv/bin/python" tests/fuzz/summary.py "$work"/*/*.ndjson)"
if [ $failed -ne 0 ]; then
  echo "API fuzzing FAILED: a response of status 500 or more, or one the OpenAPI document does not describe"
  exit 1
fi
echo "API fuzzing passed: no response of status 500 or more, every response as documented"
