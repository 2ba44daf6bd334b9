#!/usr/bin/env bash
# bench_daemon.sh — what `usage-agent run` costs and how fast it delivers:
# idle RSS, idle CPU seconds over a quiet period, and the latency from
# appending a Claude Code line to its arrival at a local `serve --ingest`
# (median and max over N appends).
#
#   bench/bench_daemon.sh [--events N] [--idle S] [--appends A]
#
# --events N   calls already in the home when the agent starts (default 20,000, 100 transcripts)
# --idle S     quiet seconds over which idle CPU is measured (default 60)
# --appends A  appends timed one by one (default 100)
#
# Builds nothing: expects $BUILD_DIR (default: build) to hold agent/usage-agent.
# Targets (issue: background agent): median <= 300 ms, max <= 1 s, idle RSS
# <= 20 MB, idle CPU <= 0.1 s per minute. Exits 1 when one is missed.
set -euo pipefail

events=20000
idle=60
appends=100
while (($#)); do
    case "$1" in
        --events) events=${2:?}; shift 2 ;;
        --idle) idle=${2:?}; shift 2 ;;
        --appends) appends=${2:?}; shift 2 ;;
        -h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench_daemon.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done
agent=$(realpath "${BUILD_DIR:-build}/agent/usage-agent")
[[ -x $agent ]] || { echo "bench_daemon.sh: $agent not found; build first" >&2; exit 2; }
command -v curl >/dev/null || { echo "bench_daemon.sh: needs curl (apt-get install curl)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/usage-bench-daemon.XXXXXX")
serve_pid=""
run_pid=""
cleanup() {
    [[ -n $run_pid ]] && kill "$run_pid" 2>/dev/null && wait "$run_pid" 2>/dev/null
    [[ -n $serve_pid ]] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
now_ns() { date +%s%N; }

# One assistant line of Claude Code's shape: message id N, session S.
claude_line() {
    printf '{"parentUuid":null,"isSidechain":false,"userType":"external","cwd":"/w/bench","sessionId":"s%03d","version":"2.0.64","gitBranch":"main","message":{"id":"msg_%07d","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"ok"}],"stop_reason":null,"usage":{"input_tokens":3,"cache_creation_input_tokens":10,"cache_read_input_tokens":100,"output_tokens":7}},"requestId":"req_%07d","type":"assistant","uuid":"u%07d","timestamp":"2026-01-10T10:00:00.000Z"}\n' \
        "$2" "$1" "$1" "$1"
}

# --- a home with $events calls -------------------------------------------------
home=$work/home
project=$home/.claude/projects/-w-bench
mkdir -p "$project" "$home/.config/usage-agent"
awk -v n="$events" -v dir="$project" 'BEGIN {
    for (i = 0; i < n; i++) {
        f = sprintf("%s/s%03d.jsonl", dir, i % 100)
        printf("{\"cwd\":\"/w/bench\",\"sessionId\":\"s%03d\",\"message\":{\"id\":\"msg_%07d\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"usage\":{\"input_tokens\":3,\"cache_creation_input_tokens\":10,\"cache_read_input_tokens\":100,\"output_tokens\":7}},\"requestId\":\"req_%07d\",\"type\":\"assistant\",\"timestamp\":\"2026-01-10T10:00:00.000Z\"}\n", i % 100, i, i) > f
    }
}'

# --- the endpoint ----------------------------------------------------------------
source "$(dirname "$0")/local_endpoint.sh"
start_local_endpoint
remote_events() {
    curl -s -H "Authorization: Bearer $token" "$url/api/v1/summary" | grep -o '"events":[0-9]*' | head -1 | grep -o '[0-9]*$'
}

# --- the agent -------------------------------------------------------------------
printf '%s\n' "$token" >"$home/.config/usage-agent/token"
chmod 600 "$home/.config/usage-agent/token"
printf 'sync:\n  endpoint: %s\n  token_file: %s\n' "$url" "$home/.config/usage-agent/token" \
    >"$home/.config/usage-agent/config.yaml"
env -u CLAUDE_CONFIG_DIR -u XDG_CONFIG_HOME -u XDG_STATE_HOME -u XDG_DATA_HOME -u CODEX_HOME -u USAGE_AGENT_TOKEN \
    HOME="$home" USAGE_AGENT_STATE_DIR="$work/agent" "$agent" run >"$work/run.out" 2>"$work/run.err" &
run_pid=$!

start=$(now_ns)
for _ in $(seq 1 6000); do [[ $(remote_events) == "$events" ]] && break; sleep 0.05; done
first_ms=$((($(now_ns) - start) / 1000000))
[[ $(remote_events) == "$events" ]] || { echo "bench_daemon.sh: the first scan never arrived: $(cat "$work/run.err")" >&2; exit 1; }

# --- idle ------------------------------------------------------------------------
ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$run_pid/stat"; }
sleep 2 # let the first push's connection settle
before=$(cpu_ticks)
sleep "$idle"
after=$(cpu_ticks)
idle_cpu=$(awk -v t=$((after - before)) -v hz="$ticks" 'BEGIN { printf "%.2f", t / hz }')
idle_cpu_per_min=$(awk -v t=$((after - before)) -v hz="$ticks" -v s="$idle" 'BEGIN { printf "%.3f", t / hz * 60 / s }')
rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$run_pid/status")
hwm_kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$run_pid/status")

# --- append to arrival -----------------------------------------------------------
latencies=()
for i in $(seq 1 "$appends"); do
    want=$((events + i))
    t0=$(now_ns)
    claude_line $((events + i)) $((i % 100)) >>"$project/s$(printf %03d $((i % 100))).jsonl"
    until [[ $(remote_events) == "$want" ]]; do
        (($(now_ns) - t0 > 10000000000)) && { echo "bench_daemon.sh: append $i not delivered in 10 s" >&2; exit 1; }
        sleep 0.005
    done
    latencies+=($((($(now_ns) - t0) / 1000000)))
done
sorted=$(printf '%s\n' "${latencies[@]}" | sort -n)
median=$(echo "$sorted" | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)) }')
max=$(echo "$sorted" | tail -1)
min=$(echo "$sorted" | head -1)
final_rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$run_pid/status")

echo "home:                 $events calls in 100 transcripts (first scan and push: ${first_ms} ms)"
echo "idle RSS:             $((rss_kb / 1024)) MB (peak during the first scan: $((hwm_kb / 1024)) MB; after the appends: $((final_rss_kb / 1024)) MB)"
echo "idle CPU:             ${idle_cpu} s over ${idle} s = ${idle_cpu_per_min} s per minute"
echo "append to arrival:    median ${median} ms, max ${max} ms, min ${min} ms over ${appends} appends (curl polling every ~5 ms included)"

fail=0
((median <= 300)) || { echo "MISSED: median > 300 ms"; fail=1; }
((max <= 1000)) || { echo "MISSED: max > 1 s"; fail=1; }
((rss_kb <= 20 * 1024)) || { echo "MISSED: idle RSS > 20 MB"; fail=1; }
awk -v c="$idle_cpu_per_min" 'BEGIN { exit !(c <= 0.1) }' || { echo "MISSED: idle CPU > 0.1 s per minute"; fail=1; }
((fail == 0)) && echo "all targets met"
exit "$fail"
