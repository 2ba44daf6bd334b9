#!/usr/bin/env bash
# Runs every libFuzzer harness for SECONDS each (default 20), one after the
# other, from its seeds (fuzz/make_seeds.sh) and the corpus earlier runs grew.
# Prints one line per harness; exits 1 when any harness found something
# (crash, sanitizer report, leak, timeout, out-of-memory), 2 on usage errors.
#
#   fuzz/run_fuzzers.sh [SECONDS] [BUILD_DIR]      BUILD_DIR: default build-fuzz
#   FUZZ_TARGETS="gzip config" fuzz/run_fuzzers.sh 60    only these harnesses
#
# Under BUILD_DIR/fuzz-out/: corpus/<target> (kept from run to run),
# crashes/<target>-crash-<sha1> etc., logs/<target>.log. Seeds are rebuilt
# for each invocation in a folder of its own (two may run side by side).
set -uo pipefail

seconds=${1:-20}
build=${2:-build-fuzz}
here=$(cd "$(dirname "$0")" && pwd)
bin="$build/fuzz"
out="$build/fuzz-out"
[[ $seconds =~ ^[0-9]+$ ]] || { echo "usage: $0 [SECONDS] [BUILD_DIR]" >&2; exit 2; }
[[ -d $bin ]] || { echo "$bin: no harnesses; build with -DUSAGE_FUZZ=ON first (fuzz/README.md)" >&2; exit 2; }

# Longest input per harness: a few transcript lines or one document, one
# request target, one --listen value, a connection with a small upload.
declare -A max_len=(
    [claude_line]=16384 [codex_lines]=16384 [gemini_records]=16384 [opencode_message]=4096
    [cursor_values]=4096 [cursor_csv]=8192 [sync_protocol]=16384 [gzip]=8192 [config]=4096
    [query_string]=1024 [listen_address]=128 [http_session]=16384 [qwen_chat]=16384 [amp_thread]=16384)
declare -A dict=(
    [claude_line]=json [codex_lines]=json [gemini_records]=json [opencode_message]=json [cursor_values]=json
    [sync_protocol]=json [config]=yaml [http_session]=http [query_string]=http [qwen_chat]=json [amp_thread]=json)
all="claude_line codex_lines gemini_records opencode_message cursor_values cursor_csv sync_protocol gzip config
     query_string listen_address http_session qwen_chat amp_thread"
targets=${FUZZ_TARGETS:-$all}

mkdir -p "$out/crashes" "$out/logs" "$out/corpus"
seed_root=$(mktemp -d "$out/seeds.XXXXXX")
# The harnesses' scratch folders (fuzz_input.hpp's TempDir), which a crash
# leaves behind, go with this run's own folder on tmpfs.
export TMPDIR
TMPDIR=$(mktemp -d /dev/shm/usage-fuzz-run.XXXXXX 2>/dev/null || mktemp -d)
trap 'rm -rf "$seed_root" "$TMPDIR"' EXIT
"$here/make_seeds.sh" "$seed_root" >/dev/null || { echo "make_seeds.sh failed" >&2; exit 2; }

# libFuzzer stops a run at the first finding; UB aborts (-fno-sanitize-recover).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

status=0
for target in $targets; do
    exe="$bin/fuzz_$target"
    if [[ ! -x $exe || -z ${max_len[$target]:-} ]]; then
        printf '%-17s missing: %s\n' "$target" "$exe"
        status=1
        continue
    fi
    corpus="$out/corpus/$target"
    seeds="$seed_root/$target"
    log="$out/logs/$target.log"
    mkdir -p "$corpus" "$seeds"
    args=(-max_total_time="$seconds" -max_len="${max_len[$target]}" -rss_limit_mb=2048 -timeout=30
          -print_final_stats=1 -artifact_prefix="$out/crashes/$target-")
    [[ -n ${dict[$target]:-} ]] && args+=(-dict="$here/dicts/${dict[$target]}.dict")
    start=$(date +%s)
    "$exe" "${args[@]}" "$corpus" "$seeds" >"$log" 2>&1
    rc=$?
    took=$(($(date +%s) - start))
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -aoE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
    artifact=$(grep -aoE "Test unit written to [^ ]+" "$log" | tail -1 | sed 's/Test unit written to //')
    if ((rc == 0)); then
        result=ok
    else
        status=1
        # The first report says most: UB, an uncaught exception, ASan/LSan, else libFuzzer's.
        kind=$(grep -aoE "runtime error: .{0,80}|terminate called after throwing an instance of '[^']+'|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer): [a-z-]+( signal)?" "$log" | head -1)
        result="FOUND (${kind:-exit $rc}) ${artifact:-see $log}"
    fi
    printf '%-17s runs=%-10s secs=%-5s %-22s %s\n' "$target" "${runs:-?}" "$took" "${cov:-cov: ?}" "$result"
done
exit $status
