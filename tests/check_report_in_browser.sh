#!/usr/bin/env bash
# Renders a report in headless Chromium (Debian's package) and checks that a browser shows it:
# the rendered DOM holds the four inline SVG figures and the fit table, and a screenshot of the
# page is not blank. Usage: check_report_in_browser.sh path/to/signrate
set -euo pipefail
cli=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$cli" sweep --d 16,64 --T 64:1024:x4 --replicates 4 --out "$work/s.json" >/dev/null
"$cli" report "$work/s.json" --theorem thm1 --bootstrap 200 -o "$work/r.html" >/dev/null
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
  echo "FAIL: chromium is not installed (scripts/install-deps.sh installs it)"
  exit 1
fi
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync "--user-data-dir=$work/profile")
timeout 120 "$chromium" "${flags[@]}" --dump-dom "file://$work/r.html" >"$work/dom.html" 2>"$work/chromium.log"
svgs=$(grep -o "<svg" "$work/dom.html" | wc -l)
if [ "$svgs" -lt 4 ] || ! grep -q "95% CI" "$work/dom.html"; then
  echo "FAIL: the rendered page has $svgs SVG figures (expected 4) or no fit table"
  exit 1
fi
timeout 120 "$chromium" "${flags[@]}" --window-size=1200,2600 --screenshot="$work/shot.png" "file://$work/r.html" \
  >>"$work/chromium.log" 2>&1
size=$(stat -c %s "$work/shot.png")
# A blank 1200x2600 page compresses to about 10 KB; four figures with text take several times that.
if [ "$size" -lt 40000 ]; then
  echo "FAIL: the screenshot is $size bytes: the page looks blank"
  exit 1
fi
echo "report renders in Chromium: $svgs SVG figures, screenshot $size bytes"
