#!/bin/sh
# with_postgres.sh COMMAND...: run COMMAND with PG_URI naming an empty
# database on a throwaway PostgreSQL server (Debian's postgresql package),
# then stop the server and remove its files. For the benchmarks' PostgreSQL
# runs, e.g.
#
#   bench/with_postgres.sh sh -c 'build/bench/bench_read --store "$PG_URI"'
#
# The server keeps PostgreSQL's defaults - fsync and synchronous_commit on,
# as a team's would - except shared_buffers (256 MB) and max_connections
# (200, for several serve replicas). As root it runs as the `postgres` user
# (PostgreSQL refuses root).
set -eu
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin" ] || { echo "with_postgres.sh: install postgresql (apt-get install postgresql)" >&2; exit 1; }
dir=$(mktemp -d /tmp/usage-bench-pg.XXXXXX)
as=""
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$dir"
  as="runuser -u postgres --"
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop() {
  $as "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT INT TERM
$as "$bin/initdb" -D "$dir/data" -U usage --auth=trust >/dev/null
$as "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c shared_buffers=256MB -c max_connections=200" start >/dev/null
$as "$bin/createdb" -h 127.0.0.1 -p "$port" -U usage bench
PG_URI="postgresql://usage@127.0.0.1:$port/bench"
export PG_URI
"$@"
