# local_endpoint.sh — sourced by the bench scripts that push: starts the real
# `usage-agent serve --ingest` on 127.0.0.1 (a port the kernel picks) with a
# fresh state dir under $work, and sets token (a member's), url and serve_pid.
# Needs $agent and $work; the caller's EXIT trap stops $serve_pid.
start_local_endpoint() {
    local state=$work/server
    token=$("$agent" --state-dir "$state" serve token add --user bench --role member 2>/dev/null | head -n 1)
    "$agent" --state-dir "$state" serve --listen 127.0.0.1:0 --ingest >"$work/serve.out" 2>"$work/serve.err" &
    serve_pid=$!
    for _ in $(seq 1 200); do grep -q '^listening on' "$work/serve.out" 2>/dev/null && break; sleep 0.05; done
    url=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$work/serve.out")
    [[ -n $url ]] || { echo "$(basename "$0"): serve did not start: $(cat "$work/serve.err")" >&2; exit 1; }
}
