#!/usr/bin/env bash
# The browser suite: a throwaway database with examples/ and the canary fixture, an admin and an
# analyst, `refwatch serve` on a free loopback port, then the tests in tests/ (node --test) driving
# headless Debian chromium through playwright-core. Screenshots go to e2e/artifacts/.
#
#   e2e/run.sh            (after `npm ci` in e2e/)
#
# Environment: REFWATCH_BIN (default: $CARGO_TARGET_DIR or target/, debug/refwatch; built when
# missing or when E2E_BUILD=1), CHROMIUM (default /usr/bin/chromium), E2E_ARTIFACTS (default
# e2e/artifacts), E2E_TESTS (test files or folder, default tests/).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")

target=${CARGO_TARGET_DIR:-$root/target}
[[ "$target" = /* ]] || target="$root/$target"
bin=${REFWATCH_BIN:-$target/debug/refwatch}
# CI's test step has just built it; locally E2E_BUILD=1 rebuilds a stale one.
if [[ ! -x "$bin" || "${E2E_BUILD:-}" == 1 ]]; then
    echo "building $bin"
    (cd "$root" && cargo build -q -p refwatch)
fi

export CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [[ ! -x "$CHROMIUM" ]]; then
    echo "error: no chromium at $CHROMIUM (apt-get install chromium)" >&2
    exit 1
fi
if [[ ! -d "$here/node_modules/playwright-core" ]]; then
    echo "error: playwright-core is not installed (run npm ci in $here)" >&2
    exit 1
fi

export E2E_ARTIFACTS=${E2E_ARTIFACTS:-$here/artifacts}
rm -rf "$E2E_ARTIFACTS"
mkdir -p "$E2E_ARTIFACTS"

work=$(mktemp -d "${TMPDIR:-/tmp}/refwatch-e2e.XXXXXX")
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

db="$work/e2e.db"
key="$work/data.key"
# A random 32-byte data-key file (64 hex characters), readable by us only.
(umask 077 && od -An -N32 -tx1 /dev/urandom | tr -d ' \n' >"$key")

# No ambient database, passphrase or password leaks in from the caller's environment.
unset REFWATCH_DB REFWATCH_PASSPHRASE REFWATCH_NEW_PASSPHRASE REFWATCH_PASSWORD
# Until the first user exists, --as is only a name for the audit log; then it must be a user.
rw() { "$bin" --db "$db" --key-file "$key" "$@"; }

echo "preparing $db"
rw --as e2e-admin keys init >"$work/setup.log" 2>&1 || { cat "$work/setup.log"; exit 1; }
rw --as e2e-admin ingest "$root/examples" "$here"/fixtures/canary-*.txt >>"$work/setup.log" 2>&1 \
    || { cat "$work/setup.log"; exit 1; }

export E2E_ADMIN_USER=e2e-admin E2E_ADMIN_PASSWORD="admin-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
export E2E_ANALYST_USER=e2e-analyst E2E_ANALYST_PASSWORD="analyst-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
REFWATCH_PASSWORD=$E2E_ADMIN_PASSWORD rw --as "$E2E_ADMIN_USER" user add "$E2E_ADMIN_USER" --role admin >>"$work/setup.log" 2>&1 \
    || { cat "$work/setup.log"; exit 1; }
REFWATCH_PASSWORD=$E2E_ANALYST_PASSWORD rw --as "$E2E_ADMIN_USER" user add "$E2E_ANALYST_USER" --role analyst >>"$work/setup.log" 2>&1 \
    || { cat "$work/setup.log"; exit 1; }

# A free loopback port: bind port 0, read it, release it (a race with another process is unlikely
# and only makes the wait below fail with the server's log).
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
export E2E_BASE_URL="http://127.0.0.1:$port"

# Started directly (not through the rw function, which would put a subshell between), so that
# $! is the server itself and cleanup stops it.
"$bin" --db "$db" --key-file "$key" --as "$E2E_ADMIN_USER" serve --bind "127.0.0.1:$port" \
    >"$work/server.log" 2>&1 &
server_pid=$!

ready=""
for _ in $(seq 1 150); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
        break
    fi
    if curl -fsS -o /dev/null "$E2E_BASE_URL/public" 2>/dev/null; then
        ready=1
        break
    fi
    sleep 0.2
done
if [[ -z "$ready" ]]; then
    echo "error: refwatch serve did not answer on $E2E_BASE_URL" >&2
    cat "$work/server.log" >&2
    exit 1
fi
echo "refwatch serve on $E2E_BASE_URL"

status=0
(cd "$here" && node --test --test-concurrency=1 --test-reporter=spec ${E2E_TESTS:-tests/}) || status=$?
if [[ $status -ne 0 ]]; then
    echo "--- server log (last 60 lines)"
    tail -n 60 "$work/server.log"
fi
echo "screenshots: $E2E_ARTIFACTS"
exit "$status"
