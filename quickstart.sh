#!/usr/bin/env bash
# One entry point for newcomers and CI on Debian 12:
#   ./quickstart.sh          install what is missing, build, scan this machine, print the summary
#   ./quickstart.sh test     install what is missing, build, run the whole test suite
#   ./quickstart.sh test --sanitize   the same in an ASan+UBSan build (build-asan/)
#   ./quickstart.sh fuzz [SECONDS]    build the libFuzzer harnesses (clang, build-fuzz/)
#                                     and run each for SECONDS (default 20): CI's smoke
# Idempotent: packages are installed only when missing, builds are incremental.
set -euo pipefail
cd "$(dirname "$0")"

mode="${1:-run}"
sanitize=0
[ "$mode" = test ] && [ "${2:-}" = "--sanitize" ] && sanitize=1

# help2man makes the man page; file is what CPack's .deb generator needs to
# find the binaries whose libraries become Depends (the package test).
# libpq-dev: the PostgreSQL store backend (USAGE_WITH_POSTGRES, on by default).
# libjs-chart.js: Chart.js, compiled into the dashboard that `serve` answers.
packages=(
  build-essential cmake ninja-build pkg-config ca-certificates tzdata
  libcurl4-openssl-dev nlohmann-json3-dev libsqlitecpp-dev libsqlite3-dev libyaml-cpp-dev
  libboost-dev doctest-dev libsimdjson-dev libzstd-dev zlib1g-dev libcli11-dev
  libhowardhinnant-date-dev libssl-dev libpq-dev libjs-chart.js help2man file
)
# The PostgreSQL store's tests start a throwaway server of their own (initdb,
# postgres; and the postgres user to run it as when the tests run as root);
# the dashboard's tests load the page in a headless chromium, and drive it
# (typing, clicking) through chromedriver; the metrics tests check /metrics
# with the Prometheus project's own text parser.
[ "$mode" = test ] && packages+=(postgresql chromium chromium-driver python3-prometheus-client)
# The fuzz harnesses need clang and its libFuzzer runtime.
[ "$mode" = fuzz ] && packages+=(clang libclang-rt-14-dev)

install_missing() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {
  local dir="$1"; shift
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DUSAGE_WERROR=ON "$@" >/dev/null
  else
    cmake -S . -B "$dir" -DUSAGE_WERROR=ON "$@" >/dev/null
  fi
  cmake --build "$dir" -j "$(nproc)"
}

install_missing
case "$mode" in
  run)
    build build
    ./build/agent/usage-agent sync --once
    ./build/agent/usage-agent report summary --no-scan
    ;;
  test)
    if [ "$sanitize" = 1 ]; then
      build build-asan -DUSAGE_SANITIZE=ON -DUSAGE_BUILD_BENCH=OFF
      cd build-asan
    else
      build build
      cd build
    fi
    ctest --output-on-failure -j "$(nproc)" --timeout 600
    ;;
  fuzz)
    seconds="${2:-20}"
    if [ ! -f build-fuzz/CMakeCache.txt ]; then
      cmake -S . -B build-fuzz -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo -DUSAGE_FUZZ=ON -DUSAGE_BUILD_TESTS=OFF -DUSAGE_BUILD_BENCH=OFF \
        -DUSAGE_WERROR=ON >/dev/null
    fi
    cmake --build build-fuzz --target fuzz -j "$(nproc)"
    fuzz/run_fuzzers.sh "$seconds" build-fuzz
    ;;
  *)
    echo "usage: $0 [run | test [--sanitize] | fuzz [SECONDS]]" >&2
    exit 2
    ;;
esac
