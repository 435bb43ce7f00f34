#!/usr/bin/env bash
# Runs trafilatura (from PyPI, in a throwaway venv under /tmp) and refwatch's reader over the
# same benchmark pages in one run, and prints their scores and speed side by side. Both are
# scored by `refwatch bench read` (trafilatura's output goes in through --predictions), and
# both run on one core (taskset, when present). lxml_html_clean is installed beside it: the
# lxml that pip picks no longer ships lxml.html.clean, which justext (trafilatura's) imports.
#
# Usage: bench/compare.sh [DIR…]
#   default DIRs: ../shared/benchmarks/extraction/{scrapinghub-article-extraction-benchmark,wcxb/dev}
#   TRAFILATURA_VERSION=2.0.0 pins the PyPI version (default: the newest).
#   REFWATCH_BIN=path/to/refwatch uses that binary instead of building one.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -eq 0 ]; then
    shared=$root/../shared/benchmarks/extraction
    set -- "$shared/scrapinghub-article-extraction-benchmark" "$shared/wcxb/dev"
fi

work=$(mktemp -d /tmp/refwatch-compare.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "installing trafilatura into $work/venv …" >&2
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check "trafilatura${TRAFILATURA_VERSION:+==$TRAFILATURA_VERSION}" lxml_html_clean
version=$("$work/venv/bin/python" -c 'import trafilatura; print(trafilatura.__version__)')

if [ -n "${REFWATCH_BIN:-}" ]; then
    bin=$REFWATCH_BIN
else
    echo "building refwatch (profile release-lto) …" >&2
    cargo build --quiet --profile release-lto -p refwatch --manifest-path "$root/Cargo.toml"
    bin=${CARGO_TARGET_DIR:-$root/target}/release-lto/refwatch
fi

one_core=()
if command -v taskset >/dev/null; then one_core=(taskset -c 0); fi

# The value after a label on the line that holds it, e.g. figure "$out" "^body (4" F1.
figure() { grep -E "$2" <<<"$1" | head -1 | sed -E "s/.*$3 ([0-9.]+).*/\1/"; }
speed() { grep -E '^read:' <<<"$1" | sed -E 's/.* = ([0-9]+) pages\/s.*/\1/'; }

for dir in "$@"; do
    echo "running both on $dir …" >&2
    ours=$("${one_core[@]}" "$bin" bench read "$dir")
    "${one_core[@]}" "$work/venv/bin/python" "$root/bench/trafilatura_predict.py" "$dir" >"$work/predictions.json"
    theirs=$("$bin" bench read "$dir" --predictions "$work/predictions.json")

    echo
    grep '^dataset:' <<<"$ours"
    printf '%-28s %12s %16s\n' "" "refwatch" "trafilatura $version"
    for label in F1 precision recall accuracy; do
        printf '%-28s %12s %16s\n' "body $label (4-word shingles)" \
            "$(figure "$ours" '^body \(4' "$label")" "$(figure "$theirs" '^body \(4' "$label")"
    done
    printf '%-28s %12s %16s\n' "body F1 (bag of words)" \
        "$(figure "$ours" '^body \(bag' F1)" "$(figure "$theirs" '^body \(bag' F1)"
    if grep -q '^metadata' <<<"$ours"; then
        for label in title author date; do
            printf '%-28s %12s %16s\n' "$label (exact match)" \
                "$(figure "$ours" '^metadata' "$label")" "$(figure "$theirs" '^metadata' "$label")"
        done
    fi
    ours_speed=$(speed "$ours")
    theirs_speed=$(speed "$theirs")
    printf '%-28s %12s %16s\n' "pages/s (one core)" "$ours_speed" "$theirs_speed"
    if [ -n "$theirs_speed" ] && [ "$theirs_speed" -gt 0 ]; then
        echo "refwatch is $(( ours_speed / theirs_speed ))× trafilatura's speed; $(grep -oE 'peak memory [0-9]+ MB' <<<"$ours")"
    fi
done
