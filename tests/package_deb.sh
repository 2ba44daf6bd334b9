#!/usr/bin/env bash
# Builds the .deb with CPack from the build tree, unpacks it and checks what a
# user gets from `apt install ./usage-agent_*.deb`: every installed file where
# Debian looks for it, Depends naming the shared libraries, a binary that runs
# from /usr/bin's copy, a man page and completions that know every command.
#   package_deb.sh BUILD_DIR VERSION LIBDIR MAN_PAGE(ON|OFF) [POSTGRES(ON|OFF)]
# Prints USAGE_TEST_SKIPPED (ctest: Skipped) without dpkg-deb or cpack.
set -euo pipefail

build_dir=$1
version=$2
libdir=$3
man_page=$4
postgres=${5:-OFF}
cpack=${CPACK:-cpack}

for tool in dpkg-deb "$cpack"; do
    if ! command -v "$tool" >/dev/null; then
        echo "USAGE_TEST_SKIPPED: $tool not found"
        exit 0
    fi
done
if [ "$man_page" != ON ]; then
    echo "FAIL: the build has no man page: help2man was not found when CMake ran" \
         "(apt-get install help2man, then re-run cmake)" >&2
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Into a temporary directory: the build tree's own packages and
# _CPack_Packages are the developer's, and other tests run alongside.
if ! "$cpack" --config "$build_dir/CPackConfig.cmake" -G DEB -B "$tmp/out" >"$tmp/cpack.log" 2>&1; then
    cat "$tmp/cpack.log" >&2
    fail "cpack -G DEB failed"
fi
debs=("$tmp"/out/*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "expected one .deb, got: ${debs[*]}"
deb=${debs[0]}
echo "package: $(basename "$deb"), $(stat -c %s "$deb") bytes"

# Control fields.
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = usage-agent ] || fail "Package: '$(field Package)'"
[ "$(field Version)" = "$version" ] || fail "Version: '$(field Version)', project() says $version"
for f in Maintainer Section Description Architecture; do
    [ -n "$(field "$f")" ] || fail "$f is empty"
done
depends=$(field Depends)
echo "Depends: $depends"
[ -n "$depends" ] || fail "Depends is empty: CPack fills it with dpkg-shlibdeps (apt-get install dpkg-dev)"
# The libraries the binary links: a Depends without them installs a binary
# that cannot start.
libs=(libc6 libstdc++6 libsqlite3-0 libcurl4 libssl3 libyaml-cpp libsimdjson libdate-tz libzstd1 zlib1g)
# Built with the PostgreSQL store backend, the binary needs libpq as soon as
# a command uses that backend (until then the linker drops the unused library,
# and dpkg-shlibdeps rightly leaves it out).
if [ "$postgres" = ON ] && readelf -d "$build_dir/agent/usage-agent" | grep -q 'NEEDED.*\[libpq\.so'; then
    libs+=(libpq5)
fi
for lib in "${libs[@]}"; do
    [[ ",$depends" == *", $lib"* || ",$depends" == *",$lib"* ]] || fail "Depends does not name $lib"
done

# Files, at the paths Debian's tools look in.
root=$tmp/root
dpkg-deb -x "$deb" "$root"
for path in \
    usr/bin/usage-agent \
    usr/lib/systemd/user/usage-agent.service \
    usr/share/man/man1/usage-agent.1.gz \
    usr/share/bash-completion/completions/usage-agent \
    usr/share/zsh/vendor-completions/_usage-agent \
    "usr/$libdir/libusage.a" \
    "usr/$libdir/pkgconfig/usage.pc" \
    "usr/$libdir/cmake/usage/usageConfig.cmake" \
    "usr/$libdir/cmake/usage/usageConfigVersion.cmake" \
    "usr/$libdir/cmake/usage/usageTargets.cmake" \
    usr/include/usage/store/store.hpp; do
    [ -f "$root/$path" ] || fail "/$path is not in the package"
done
[ -x "$root/usr/bin/usage-agent" ] || fail "/usr/bin/usage-agent is not executable"
if find "$root" -path '*/usr/local*' | grep -q .; then
    fail "files under /usr/local: $(find "$root" -path '*/usr/local*' | head -3)"
fi
grep -qx 'ExecStart=/usr/bin/usage-agent run' "$root/usr/lib/systemd/user/usage-agent.service" ||
    fail "the unit does not start /usr/bin/usage-agent"

# The packaged binary runs, on an empty home, with nothing of the caller's
# environment (XDG_*, a real store) leaking in.
bin=$root/usr/bin/usage-agent
out=$("$bin" --version) || fail "--version exited $?"
[ "$out" = "usage-agent $version" ] || fail "--version printed '$out'"
mkdir "$tmp/home"
if ! env -i PATH=/usr/bin:/bin HOME="$tmp/home" USAGE_AGENT_STATE_DIR="$tmp/state" \
        "$bin" sync --once --no-push >"$tmp/sync.log" 2>&1; then
    cat "$tmp/sync.log" >&2
    fail "sync --once --no-push on an empty home failed"
fi
[ -f "$tmp/state/usage.db" ] || fail "sync made no store in USAGE_AGENT_STATE_DIR"

# Every command the binary lists, in the man page and both completions.
commands=$("$bin" --help | sed -n '/^Subcommands:/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p')
[ -n "$commands" ] || fail "no subcommands found in --help"
gzip -dc "$root/usr/share/man/man1/usage-agent.1.gz" >"$tmp/usage-agent.1"
grep -q '^\.TH USAGE-AGENT "1"' "$tmp/usage-agent.1" || fail "the man page has no .TH header"
for c in $commands; do
    grep -qF ".SS \"usage\\-agent ${c//-/\\-}\"" "$tmp/usage-agent.1" || fail "the man page has no section for '$c'"
    grep -qw -- "$c" "$root/usr/share/bash-completion/completions/usage-agent" || fail "bash completion lacks '$c'"
    grep -qw -- "$c" "$root/usr/share/zsh/vendor-completions/_usage-agent" || fail "zsh completion lacks '$c'"
done
if command -v man >/dev/null; then
    # Renders, and without roff warnings (an unescaped line starting with a dot).
    rendered=$(MANWIDTH=100 man --warnings -l "$tmp/usage-agent.1" 2>"$tmp/man.err") || fail "man -l failed"
    [ ! -s "$tmp/man.err" ] || fail "man -l warned: $(head -3 "$tmp/man.err")"
    grep -q 'usage-agent report' <<<"$rendered" || fail "the rendered man page lacks 'usage-agent report'"
fi
bash -n "$root/usr/share/bash-completion/completions/usage-agent" || fail "bash completion: syntax error"
if command -v zsh >/dev/null; then
    zsh -n "$root/usr/share/zsh/vendor-completions/_usage-agent" || fail "zsh completion: syntax error"
fi

# usage.pc points into the tree it was unpacked with, not the build's prefix.
if command -v pkg-config >/dev/null; then
    cflags=$(PKG_CONFIG_PATH="$root/usr/$libdir/pkgconfig" pkg-config --cflags usage)
    inc=$(sed -n 's/.*-I\([^ ]*\).*/\1/p' <<<"$cflags")
    [ -f "$inc/usage/store/store.hpp" ] || fail "usage.pc's include dir '$inc' does not hold usage/store/store.hpp"
fi

echo "ok: $(basename "$deb") with $(dpkg-deb -c "$deb" | grep -vc '/$') files, Installed-Size $(field Installed-Size) KiB"
