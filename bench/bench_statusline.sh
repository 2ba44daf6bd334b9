#!/usr/bin/env bash
# bench_statusline.sh — how long `usage-agent statusline` takes on a big
# store, as Claude Code runs it: a new process per message, the statusline
# JSON on stdin. Two series of N runs: each run recording a larger session
# cost and a new 5-hour percent (a ledger and a limit write every time) and
# each run repeating the last figures (read only). Prints p50/p95/max per
# series, and the same for `usage-agent --version` (starting the process and
# nothing else: the floor every run pays before the statusline does anything).
#
#   bench/bench_statusline.sh [--runs N] [--home DIR] [--state DIR] [--budgets]
#
# --runs N     runs per series (default 200)
# --home DIR   the home whose transcripts fill the store (default: the corpus
#              `run_bench.sh --keep` leaves, /tmp/usage-bench/corpus/home)
# --state DIR  the store to use; synced from --home first when it has none
#              (default: a temporary one, synced and removed)
# --budgets    run with a config of three budgets covering the session (a
#              day, a week and a month), so the line carries their share
#
# Builds nothing: expects $BUILD_DIR (default: build) to hold agent/usage-agent.
# Target (issue 15): p95 <= 20 ms in both series. Exits 1 when missed.
set -euo pipefail

runs=200
home=/tmp/usage-bench/corpus/home
state=""
budgets=0
while (($#)); do
    case "$1" in
        --runs) runs=${2:?}; shift 2 ;;
        --home) home=${2:?}; shift 2 ;;
        --state) state=${2:?}; shift 2 ;;
        --budgets) budgets=1; shift ;;
        -h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench_statusline.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done
agent=$(realpath "${BUILD_DIR:-build}/agent/usage-agent")
[[ -x $agent ]] || { echo "bench_statusline.sh: $agent not found; build first" >&2; exit 2; }
[[ -d $home ]] || { echo "bench_statusline.sh: $home: no such home (bench/run_bench.sh --keep makes one)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/usage-bench-statusline.XXXXXX")
trap 'rm -rf "$work"' EXIT
[[ -n $state ]] || state=$work/state
mkdir -p "$state"
if ((budgets)); then
    mkdir -p "$work/config/usage-agent"
    cat >"$work/config/usage-agent/config.yaml" <<'YAML'
budgets:
  - {name: claude-daily, period: day, limit_usd: 20, filter: {source: claude-code}}
  - {name: weekly, period: week, limit_usd: 100}
  - {name: opus-monthly, period: month, limit_usd: 400, filter: {model: opus}}
YAML
fi

if [[ ! -f $state/usage.db ]]; then
    echo "syncing $home into $state ..." >&2
    HOME=$home XDG_CONFIG_HOME=$work/config "$agent" --state-dir "$state" sync --once --no-push >/dev/null
fi
events=$(HOME=$home XDG_CONFIG_HOME=$work/config "$agent" --state-dir "$state" report --no-scan --json |
    sed -n 's/^    "events": \([0-9]*\),$/\1/p' | head -1)
size=$(du -m "$state/usage.db" | cut -f1)

# Claude Code's statusline JSON, with the cost given (micro-dollars) and the
# plan windows of a Claude.ai plan: the 5-hour window's percent follows the
# cost, so the growing series also writes a limit reading every run.
input() {
    printf '{"hook_event_name":"Status","session_id":"bench-statusline-session","transcript_path":"%s/.claude/projects/-w-bench/bench.jsonl","cwd":"/w/bench","model":{"id":"claude-opus-4-1-20250805","display_name":"Opus 4.1"},"workspace":{"current_dir":"/w/bench","project_dir":"/w/bench"},"version":"2.1.81","output_style":{"name":"default"},"cost":{"total_cost_usd":%d.%06d,"total_duration_ms":412870,"total_api_duration_ms":96310,"total_lines_added":214,"total_lines_removed":38},"context_window":{"total_input_tokens":48211,"total_output_tokens":9930,"context_window_size":200000,"used_percentage":31.4,"remaining_percentage":68.6},"exceeds_200k_tokens":false,"rate_limits":{"five_hour":{"used_percentage":%d,"resets_at":1796443200},"seven_day":{"used_percentage":41.2,"resets_at":1796875200}}}\n' \
        "$home" $(($1 / 1000000)) $(($1 % 1000000)) $(($1 / 10000 % 100))
}

# Milliseconds (3 decimals) per run of `statusline` on the inputs in $1/*.json
# (of `--version` when $2 is "version").
time_series() {
    local dir=$1 f start end
    for f in "$dir"/*.json; do
        start=$EPOCHREALTIME
        if [[ ${2:-} == version ]]; then
            "$agent" --version >/dev/null
        else
            HOME=$home XDG_CONFIG_HOME=$work/config "$agent" --state-dir "$state" statusline <"$f" >"$work/line"
        fi
        end=$EPOCHREALTIME
        echo "$start $end"
    done | awk '{ printf("%.3f\n", ($2 - $1) * 1000) }'
}

percentiles() {  # stdin: one number per line -> "p50 X ms, p95 Y ms, max Z ms"
    sort -n | awk '{ v[NR] = $1 } END {
        p50 = v[int((NR - 1) * 0.50) + 1]; p95 = v[int((NR - 1) * 0.95) + 1]
        printf("p50 %.1f ms, p95 %.1f ms, max %.1f ms\n", p50, p95, v[NR]) }'
}

mkdir -p "$work/grow" "$work/same"
for ((i = 0; i < runs; i++)); do
    input $((1000000 + i * 10000)) >"$work/grow/$(printf '%05d' "$i").json"
    input $((1000000 + (runs - 1) * 10000)) >"$work/same/$(printf '%05d' "$i").json"
done
# One run first so both series time a warm page cache, as Claude Code's do.
HOME=$home "$agent" --state-dir "$state" statusline <"$work/grow/00000.json" >/dev/null

grow=$(time_series "$work/grow" | percentiles)
line=$(cat "$work/line")
same=$(time_series "$work/same" | percentiles)
floor=$(time_series "$work/same" version | percentiles)
echo "statusline, $runs runs per series, store of $events events ($size MB):"
echo "  recording a larger cost each run: $grow"
echo "  the same cost again (no write):   $same"
echo "  --version (process start only):   $floor"
echo "  line: $line"
fail=0
for series in "$grow" "$same"; do
    p95=$(sed 's/.*p95 \([0-9.]*\) ms.*/\1/' <<<"$series")
    awk -v p="$p95" 'BEGIN { exit !(p > 20) }' && fail=1
done
((fail == 0)) || { echo "bench_statusline.sh: p95 above the 20 ms target" >&2; exit 1; }
