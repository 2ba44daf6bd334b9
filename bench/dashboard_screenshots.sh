#!/bin/sh
# dashboard_screenshots.sh STORE OUTDIR: the dashboard of STORE (a store
# folder or postgresql:// URI) in headless chromium, light and dark, at a
# desktop (1440 px) and a phone (375 px) width: OUTDIR/dashboard-{light,dark}-{desktop,phone}.png.
# The README's screenshot is the light desktop one of bench_read's synthetic
# team (build/bench/bench_read --dir /tmp/b1m --runs 1).
set -eu
[ $# -eq 2 ] || { echo "usage: $0 STORE OUTDIR" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
store=$1
out=$2
mkdir -p "$out"
tmp=$(mktemp -d)
"$root/build/agent/usage-agent" serve --store "$store" --listen 127.0.0.1:0 >"$tmp/out" 2>/dev/null &
serve=$!
trap 'kill $serve 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
for _ in $(seq 50); do grep -q listening "$tmp/out" && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' "$tmp/out")
shot() {  # name width height scheme
  # The virtual-time budget lets the page's fetches and charts finish.
  HOME=$tmp chromium --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars \
    --user-data-dir="$tmp/profile-$1" --window-size="$2,$3" --virtual-time-budget=20000 \
    --blink-settings="preferredColorScheme=$4" --screenshot="$out/$1.png" \
    "$url/?range=all&tz=UTC" >/dev/null 2>&1
  echo "$out/$1.png"
}
# preferredColorScheme: 0 dark, 1 light.
shot dashboard-light-desktop 1440 1250 1
shot dashboard-dark-desktop 1440 1800 0
shot dashboard-light-phone 375 2400 1
shot dashboard-dark-phone 375 2400 0
