#!/usr/bin/env bash
# bench_push.sh — end-to-end time to push N events (default 100,000) from one
# machine to one `usage-agent serve --ingest` on 127.0.0.1, batches of 500.
#
#   bench/bench_push.sh [--events N] [--batch B]
#
# Builds nothing: expects $BUILD_DIR (default: build) to hold agent/usage-agent.
# Writes a Claude Code home of N calls (100 transcripts) under a temp dir,
# scans it with `sync --once --no-push` (timed apart), then times the push
# alone (`sync --once`), and checks the endpoint holds exactly N events.
set -euo pipefail

events=100000
batch=500
while (($#)); do
    case "$1" in
        --events) events=${2:?}; shift 2 ;;
        --batch) batch=${2:?}; shift 2 ;;
        -h | --help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench_push.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done
agent=$(realpath "${BUILD_DIR:-build}/agent/usage-agent")
[[ -x $agent ]] || { echo "bench_push.sh: $agent not found; build first" >&2; exit 2; }
command -v curl >/dev/null || { echo "bench_push.sh: needs curl (apt-get install curl)" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/usage-bench-push.XXXXXX")
serve_pid=""
cleanup() {
    [[ -n $serve_pid ]] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# --- a home of $events calls ---------------------------------------------------
home=$work/home
mkdir -p "$home/.claude/projects/-w-bench" "$home/.config/usage-agent"
awk -v n="$events" -v dir="$home/.claude/projects/-w-bench" 'BEGIN {
    for (i = 0; i < n; i++) {
        f = sprintf("%s/s%03d.jsonl", dir, i % 100)
        printf("{\"parentUuid\":null,\"isSidechain\":false,\"userType\":\"external\",\"cwd\":\"/w/bench\",\"sessionId\":\"s%03d\",\"version\":\"2.0.64\",\"gitBranch\":\"main\",\"message\":{\"id\":\"msg_%07d\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"stop_reason\":null,\"usage\":{\"input_tokens\":3,\"cache_creation_input_tokens\":10,\"cache_read_input_tokens\":100,\"output_tokens\":%d}},\"requestId\":\"req_%07d\",\"type\":\"assistant\",\"uuid\":\"u%07d\",\"timestamp\":\"2026-01-10T10:%02d:%02d.000Z\"}\n", i % 100, i, 1 + i % 50, i, i, (i / 60) % 60, i % 60) > f
    }
}'

# --- the endpoint ----------------------------------------------------------
source "$(dirname "$0")/local_endpoint.sh"
start_local_endpoint

# --- the machine -----------------------------------------------------------
printf '%s\n' "$token" >"$home/.config/usage-agent/token"
chmod 600 "$home/.config/usage-agent/token"
printf 'sync:\n  endpoint: %s\n  token_file: %s\n  batch_size: %s\n' "$url" "$home/.config/usage-agent/token" "$batch" \
    >"$home/.config/usage-agent/config.yaml"
run_agent() { env -u CLAUDE_CONFIG_DIR -u XDG_CONFIG_HOME -u XDG_STATE_HOME -u USAGE_AGENT_TOKEN HOME="$home" \
    USAGE_AGENT_STATE_DIR="$work/agent" "$agent" "$@"; }

start=$(now_ms)
run_agent sync --once --no-push >/dev/null
scan_ms=$(($(now_ms) - start))
start=$(now_ms)
run_agent sync --once --json >"$work/push.json"
push_ms=$(($(now_ms) - start))

sent=$(grep -o '"sent": [0-9]*' "$work/push.json" | grep -o '[0-9]*$')
remote=$(curl -s -H "Authorization: Bearer $token" "$url/api/v1/summary" | grep -o '"events":[0-9]*' | head -1 | grep -o '[0-9]*$')
echo "events:            $events (batches of $batch)"
echo "scan (no push):    ${scan_ms} ms"
echo "push end to end:   ${push_ms} ms = $((events * 1000 / (push_ms > 0 ? push_ms : 1))) events/s (sync --once with nothing new to scan)"
echo "sent / at endpoint: $sent / $remote"
[[ $sent == "$events" && $remote == "$events" ]] || { echo "bench_push.sh: MISMATCH" >&2; exit 1; }
