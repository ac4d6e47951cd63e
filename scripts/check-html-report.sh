#!/usr/bin/env bash
# Renders the conformance suite's HTML report in headless Chromium (Debian: apt-get install -y
# chromium), checks that the rendered DOM has a matrix row for every operation of the spec, and
# leaves a screenshot to look at. Run from the repository root:
#   scripts/check-html-report.sh [OUT_DIR]        (default: target/html-report)
set -euo pipefail
out="${1:-target/html-report}"
chromium="${HOOKSPEC_CHROMIUM:-/usr/bin/chromium}"
[ -x "$chromium" ] || { echo "no $chromium: apt-get install -y chromium" >&2; exit 2; }
mkdir -p "$out"
out="$(cd "$out" && pwd)"
cargo run -q -p hookspec-conformance --features cli -- --skip-tag many-hooks \
    --html "$out/report.html" --markdown "$out/report.md" >"$out/run.txt" || {
    echo "the run failed; see $out/run.txt (the report is still written)" >&2
}
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking
       --disable-component-update --disable-sync --no-first-run "--user-data-dir=$profile")
"$chromium" "${flags[@]}" --dump-dom "file://$out/report.html" >"$out/dom.html" 2>/dev/null
"$chromium" "${flags[@]}" --screenshot="$out/report.png" --window-size=1280,2000 \
    --hide-scrollbars "file://$out/report.html" 2>/dev/null
missing=0
for id in $(sed -n 's/^ *operationId: *//p' spec/openapi.yaml); do
    grep -q "data-operation=\"$id\"" "$out/dom.html" || { echo "missing from the matrix: $id"; missing=1; }
done
count=$(sed -n 's/^ *operationId: *//p' spec/openapi.yaml | wc -l)
[ "$missing" = 0 ] && echo "ok: all $count operations in the rendered matrix; screenshot $out/report.png"
exit "$missing"
