#!/usr/bin/env bash
# Ingest throughput and database size, SQLite and PostgreSQL (issue 4's closing report).
#
#   bench/ingest.sh [N_PAGES]            default 10000
#
# The dev corpus (CORPUS, default /work/shared/corpus/dev/*.txt) is repeated to N_PAGES files;
# each copy gets a numbered line appended, so every page has its own content hash and is
# stored (no "unchanged" shortcut). Each backend ingests the same folder once, timed with the
# wall clock (`refwatch ingest`, all cores, default batch); then the database size is taken:
# SQLite: the .db file plus its -wal after the process exits; PostgreSQL: the total size of the
# schema's tables, their TOAST and indexes (pg_total_relation_size).
#
# Environment: REFWATCH_BIN (default target/release/refwatch), BENCH_POSTGRES (a server URL;
# PostgreSQL is skipped when unset; a throwaway schema is created and dropped), CORPUS,
# BENCH_KEY=1 to configure a data key first (names then go into sealed case files, as in
# production with a key).
set -euo pipefail

N=${1:-10000}
BIN=${REFWATCH_BIN:-target/release/refwatch}
CORPUS=${CORPUS:-/work/shared/corpus/dev}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
[ -x "$BIN" ] || { echo "no refwatch binary at $BIN (cargo build --release -p refwatch, or set REFWATCH_BIN)" >&2; exit 1; }

python3 - "$CORPUS" "$WORK/pages" "$N" <<'PY'
import os, sys, glob
corpus, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
files = sorted(glob.glob(os.path.join(corpus, "*.txt")))
if not files:
    sys.exit(f"no .txt pages in {corpus}")
pages = [open(f, "rb").read() for f in files]
for i in range(n):
    sub = os.path.join(out, f"{i // 1000:02d}")
    os.makedirs(sub, exist_ok=True)
    with open(os.path.join(sub, f"{i:05d}.txt"), "wb") as f:
        f.write(pages[i % len(pages)] + f"\n\nBench copy {i}.\n".encode())
print(f"{n} pages from {len(files)} corpus files, {sum(len(p) for p in pages) // len(pages)} bytes on average")
PY

export REFWATCH_PASSPHRASE=${REFWATCH_PASSPHRASE:-bench pass phrase}
run() { # run LABEL DB
    local label=$1 db=$2
    if [ "${BENCH_KEY:-0}" = 1 ]; then "$BIN" --db "$db" keys init >/dev/null; else unset REFWATCH_PASSPHRASE; fi
    local start end
    start=$(date +%s.%N)
    "$BIN" --db "$db" ingest "$WORK/pages" 2>/dev/null | grep "^read " || true
    end=$(date +%s.%N)
    python3 -c "import sys; s=float(sys.argv[2])-float(sys.argv[1]); print(f'$label: {$N} pages in {s:.1f} s = {$N/s:.0f} pages/s')" "$start" "$end"
}
size_line() { # size_line LABEL BYTES
    python3 -c "import sys; b=int(sys.argv[1]); print(f'$1: {b/1e6:.1f} MB in all, {b/1e6/($N/1000):.2f} MB per 1,000 pages')" "$2"
}

run sqlite "$WORK/bench.db"
bytes=$(( $(stat -c %s "$WORK/bench.db") + $(stat -c %s "$WORK/bench.db-wal" 2>/dev/null || echo 0) ))
size_line sqlite "$bytes"

if [ -n "${BENCH_POSTGRES:-}" ]; then
    schema="bench_$$"
    psql -q "$BENCH_POSTGRES" -c "CREATE SCHEMA $schema"
    trap 'psql -q "$BENCH_POSTGRES" -c "SET client_min_messages = warning" -c "DROP SCHEMA IF EXISTS '"$schema"' CASCADE"; rm -rf "$WORK"' EXIT
    sep='?'; case "$BENCH_POSTGRES" in *\?*) sep='&';; esac
    run postgres "${BENCH_POSTGRES}${sep}options=-csearch_path%3D$schema"
    bytes=$(psql -qtA "$BENCH_POSTGRES" -c "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '$schema' AND c.relkind = 'r'")
    size_line postgres "$bytes"
else
    echo "postgres: skipped (set BENCH_POSTGRES=postgres://…)"
fi
