#!/usr/bin/env bash
# kill_soak.sh — "never lose data" under SIGKILL, on a large home: a mixed
# corpus of all five sources is generated, synced once undisturbed into a
# reference store, then `usage-agent sync --once --full-rescan` (pushing to
# a local `serve --ingest`) is killed with SIGKILL at a random moment KILLS
# times and `usage-agent run` (its cursors dropped first, so it reads it all
# again) RUN_KILLS times, each followed by a restart. A last
# undisturbed sync must leave the store (every report total, `store check`)
# and the endpoint exactly equal to the reference.
#
#   bench/kill_soak.sh [--kills N] [--run-kills N] [--bytes N[K|M|G]] [--seed S]
#
# Defaults: 100 kills of sync, 20 of run, 200M corpus. Expects $BUILD_DIR
# (default build) to hold agent/usage-agent and bench/bench_gen_*.
set -euo pipefail

kills=100
run_kills=20
bytes=200M
seed=1
while (($#)); do
    case "$1" in
        --kills) kills=${2:?}; shift 2 ;;
        --run-kills) run_kills=${2:?}; shift 2 ;;
        --bytes) bytes=${2:?}; shift 2 ;;
        --seed) seed=${2:?}; shift 2 ;;
        -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "kill_soak.sh: unknown argument: $1" >&2; exit 2 ;;
    esac
done

build_dir=${BUILD_DIR:-build}
agent=$(realpath "$build_dir/agent/usage-agent")
gen=$(realpath "$build_dir/bench")
work=$(mktemp -d "${TMPDIR:-/tmp}/usage-kill-soak.XXXXXX")
serve_pid=""
failed=0
cleanup() {
    [[ -n $serve_pid ]] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
    if ((failed)); then echo "kept for a look: $work (reference/ and soak/ are state dirs)"; else rm -rf "$work"; fi
}
trap cleanup EXIT
# shellcheck source=bench/local_endpoint.sh
source "$(dirname "${BASH_SOURCE[0]}")/local_endpoint.sh"

to_bytes() {
    local v=$1
    case "$v" in
        *[kK]) echo $((${v%?} << 10)) ;; *[mM]) echo $((${v%?} << 20)) ;;
        *[gG]) echo $((${v%?} << 30)) ;; *) echo $((v)) ;;
    esac
}
total=$(to_bytes "$bytes")
home=$work/home
echo "generating a ${bytes} home of five sources..."
"$gen/bench_gen_claude_tree" "$home/.claude" --bytes $((total * 40 / 100)) --seed "$seed" >/dev/null 2>&1
"$gen/bench_gen_codex" --out "$home" --bytes $((total * 25 / 100)) --seed "$seed" >/dev/null 2>&1
"$gen/bench_gen_gemini" --out "$home" --bytes $((total * 15 / 100)) --seed "$seed" >/dev/null 2>&1
"$gen/bench_gen_opencode" --out "$home" --bytes $((total * 12 / 100)) --seed "$seed" >/dev/null 2>&1
"$gen/bench_gen_cursor" --out "$home" --bytes $((total * 8 / 100)) --seed "$seed" >/dev/null 2>&1

start_local_endpoint
printf '%s\n' "$token" >"$work/token"
chmod 600 "$work/token"
cat >"$work/config.yaml" <<YAML
machine_name: soak
sync:
  endpoint: $url
  token_file: $work/token
YAML

agent_in() { # state-dir args...
    local state=$1; shift
    HOME=$home USAGE_AGENT_STATE_DIR=$state "$agent" --config "$work/config.yaml" "$@"
}
totals() { # state-dir -> the report's totals, one line
    agent_in "$1" report sources --json --no-scan --range all |
        python3 -c 'import json,sys; t=json.load(sys.stdin)["totals"]; print(json.dumps({k: t[k] for k in sorted(t) if k not in ("machines", "users")}))'
}

t0=$(date +%s%N)
agent_in "$work/reference" sync --once --no-push >/dev/null 2>&1
ref_ms=$((($(date +%s%N) - t0) / 1000000))
want=$(totals "$work/reference")
echo "reference: one undisturbed sync in ${ref_ms} ms"

cut=0
for ((i = 1; i <= kills + run_kills; i++)); do
    # Every run reads the whole home again (a full rescan, or run with its
    # cursors dropped), so each kill lands in real work: reading, merging
    # rows that are already stored, committing, pushing what changed.
    if ((i <= kills)); then
        # `( exec ... ) &`: $! is the agent itself, not a subshell that
        # SIGKILL would take away from under a still running agent.
        (HOME=$home USAGE_AGENT_STATE_DIR=$work/soak exec "$agent" --config "$work/config.yaml" \
            sync --once --full-rescan >/dev/null 2>&1) &
    else
        [[ -f $work/soak/usage.db ]] && python3 -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1], timeout=30); c.execute("DELETE FROM cursors"); c.commit()' "$work/soak/usage.db"
        (HOME=$home USAGE_AGENT_STATE_DIR=$work/soak exec "$agent" --config "$work/config.yaml" \
            run >/dev/null 2>&1) &
    fi
    limit=$((ref_ms * 3 / 2 + 100))
    pid=$!
    sleep "$(awk -v r="$RANDOM" -v l="$limit" 'BEGIN { printf "%.3f", r / 32768 * l / 1000 }')"
    if kill -9 "$pid" 2>/dev/null; then cut=$((cut + 1)); fi
    wait "$pid" 2>/dev/null || true
    ((i % 20 == 0)) && echo "  $i runs, $cut killed"
done
echo "killed $cut of $((kills + run_kills)) runs ($kills sync --once, $run_kills run)"

agent_in "$work/soak" sync --once >/dev/null
got=$(totals "$work/soak")
server=$(curl -s -H "Authorization: Bearer $token" "$url/api/v1/summary?range=all" |
    python3 -c 'import json,sys; t=json.load(sys.stdin)["totals"]; print(t["events"], t["total_tokens"], t["failed_requests"])')
mine=$(python3 -c 'import json,sys; t=json.loads(sys.argv[1]); print(t["events"], t["total_tokens"], t["failed_requests"])' "$got")
check=$(agent_in "$work/soak" store check | head -n 1)
echo "store check: $check"
echo "reference: $want"
echo "soaked:    $got"
echo "endpoint (events, tokens, failed): $server; agent: $mine"
if [[ $got != "$want" || $server != "$mine" || $check != ok:* ]]; then
    failed=1
    echo "FAILED: the soaked store or the endpoint differs"
    exit 1
fi
echo "exact: the store and the endpoint equal the undisturbed sync"
