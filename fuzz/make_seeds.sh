#!/usr/bin/env bash
# Builds the harnesses' seed corpora in OUT_DIR/<target>/ from what the tree
# already holds: the plugins' test fixtures (each file whole and each of its
# lines), the small hand-written seeds in fuzz/seeds/, and requests and gzip
# bodies made from those. ../shared/fixtures (real transcripts) is added when
# present; nothing from it is ever copied into the tree.
#
#   fuzz/make_seeds.sh OUT_DIR
set -euo pipefail

out=${1:?usage: make_seeds.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
shared=${USAGE_SHARED_DIR:-$root/../shared}/fixtures
# add TARGET < bytes: one seed named by its content, as libFuzzer names them.
add() {
    local dir="$out/$1" tmp
    mkdir -p "$dir"
    tmp=$(mktemp "$dir/.new.XXXXXX")
    cat >"$tmp"
    if [[ -s $tmp ]]; then
        mv "$tmp" "$dir/$(sha1sum <"$tmp" | cut -c1-40)"
    else
        rm -f "$tmp"
    fi
}

# add_file_and_lines TARGET FILE: the file whole, and each line on its own
# (split: one process per file, not per line).
files_split=0
add_file_and_lines() {
    add "$1" <"$2"
    files_split=$((files_split + 1))
    split -l 1 -a 5 "$2" "$out/$1/$files_split-$(basename "$2")."
}

# fixtures TARGET DIR NAME-PATTERN...: every matching file under DIR.
fixtures() {
    local target=$1 dir=$2 file
    shift 2
    [[ -d $dir ]] || return 0
    local patterns=()
    for p in "$@"; do patterns+=(-o -name "$p"); done
    while IFS= read -r -d '' file; do
        add_file_and_lines "$target" "$file"
    done < <(find "$dir" -type f \( -false "${patterns[@]}" \) -print0 | sort -z)
}

rm -rf "$out"
mkdir -p "$out"

# Committed hand-written seeds, as they are.
for dir in "$here"/seeds/*/; do
    target=$(basename "$dir")
    for file in "$dir"*; do add "$target" <"$file"; done
done

fixtures claude_line "$root/plugins/claude_code/tests/fixtures" '*.jsonl'
fixtures codex_lines "$root/plugins/codex_cli/tests/fixtures" '*.jsonl'
fixtures gemini_records "$root/plugins/gemini_cli/tests/fixtures" '*.json' '*.jsonl'
fixtures cursor_csv "$root/plugins/cursor/tests/fixtures" '*.csv'
fixtures claude_line "$shared/claude-code" '*.jsonl'
fixtures codex_lines "$shared/codex-cli" '*.jsonl'
fixtures gemini_records "$shared/gemini-cli" '*.json'
fixtures cursor_csv "$shared/cursor" '*.csv'
fixtures opencode_message "$shared/opencode/storage/message" '*.json'
fixtures qwen_chat "$shared/new-sources/qwen-code" '*.jsonl'
fixtures amp_thread "$shared/new-sources/amp" '*.json'
# Expected results are JSON the decoders have not seen: a change of shape.
fixtures sync_protocol "$root/plugins" 'expected.json'

# gzip: a two-byte output limit, then a gzip body (see fuzz_gzip.cpp).
for file in "$here"/seeds/sync_protocol/* "$root"/plugins/cursor/tests/fixtures/*/usage.csv; do
    { printf '\xff\xff'; gzip -c <"$file"; } | add gzip
    { printf '\x00\x40'; gzip -c <"$file"; } | add gzip
done
printf '\x00\x00' | add gzip

# http_session: 'L' (local mode) or 'T' (team mode), then the connection's bytes.
admin="ua_fuzzadmin000000000000000000000000000000000"
member="ua_fuzzmember00000000000000000000000000000000"
batch=$(cat "$here/seeds/sync_protocol/batch.json")
request() { # MODE METHOD TARGET [HEADER...] -- BODY
    local mode=$1 method=$2 target=$3 body="" headers=()
    shift 3
    while (($#)); do
        if [[ $1 == -- ]]; then body=$2; break; fi
        headers+=("$1")
        shift
    done
    {
        printf '%s%s %s HTTP/1.1\r\nHost: localhost:8787\r\n' "$mode" "$method" "$target"
        for h in "${headers[@]}"; do printf '%s\r\n' "$h"; done
        if [[ -n $body ]]; then printf 'Content-Length: %d\r\n' "${#body}"; fi
        printf '\r\n%s' "$body"
    } | add http_session
}
request L GET /healthz
request L HEAD /
request L GET /assets/dashboard.css
request L GET '/api/v1/summary?range=30d&tz=Europe%2FParis'
request L GET '/api/v1/timeseries?bucket=hour&range=7d&source=claude-code'
request L GET '/api/v1/sessions?limit=5&offset=1&model=claude-sonnet-4-5'
request L GET /api/v1/by-model
request L GET /api/v1/insights
request L GET '/api/usage/daily?since=2026-01-01&until=2026-12-31'
request L GET /acme/sessions/analytics/cost-breakdown
request L POST /api/usage/refresh 'Content-Type: application/json' -- '{}'
request L GET /healthz 'Host: evil.example'
request T GET /api/v1/summary "Authorization: Bearer $admin"
request T GET '/api/v1/sessions?user=alice' "Cookie: usage_session=$member"
request T POST /api/v1/session 'Content-Type: application/json' -- "{\"token\":\"$admin\"}"
request T DELETE /api/v1/session "Cookie: usage_session=$admin"
request T POST /v1/ingest "Authorization: Bearer $member" 'Content-Type: application/json' -- "$batch"
request T POST /v1/ingest "Authorization: Bearer $admin" 'Expect: 100-continue' -- "$batch"
request T POST /v1/ingest 'Authorization: Bearer ua_wrong' -- '{}'
# A gzip upload, a chunked one and two pipelined requests: bodies with bytes
# that do not survive shell variables are written directly.
{
    gz=$(mktemp)
    printf '%s' "$batch" | gzip -c >"$gz"
    printf 'TPOST /v1/ingest HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n' "$admin"
    printf 'Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n' "$(stat -c %s "$gz")"
    cat "$gz"
    rm -f "$gz"
} | add http_session
printf 'TPOST /v1/ingest HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n0\r\n\r\n' \
    "$admin" "${#batch}" "$batch" | add http_session
printf 'LGET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /api/v1/by-source HTTP/1.0\r\nHost: [::1]\r\nConnection: keep-alive\r\n\r\n' |
    add http_session

find "$out" -mindepth 1 -maxdepth 1 -type d | sort | while read -r dir; do
    printf '%-18s %4d seeds\n' "$(basename "$dir")" "$(find "$dir" -type f | wc -l)"
done
