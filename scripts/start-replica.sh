#!/usr/bin/env bash
# Start a streaming hot standby of the local PostgreSQL cluster on port 5433, for the replica tests.
#
#   scripts/start-replica.sh          # idempotent: creates the standby once, then only starts it
#   scripts/start-replica.sh --stop   # stop it (the cluster stays, so the next start is quick)
#
# Needs root (it runs pg_basebackup as the postgres user and may add one line to the primary's
# pg_hba.conf: replication connections from 127.0.0.1 with trust, as the local primary already
# trusts 127.0.0.1). The standby is a physical copy: every database on the primary, including
# pytest's test_<name> databases, appears on it once replayed.
set -euo pipefail

version="${PG_VERSION:-$(ls /etc/postgresql | sort -n | tail -1)}"
primary_port="${PRIMARY_PORT:-5432}"
replica_port="${REPLICA_PORT:-5433}"
cluster=replica
primary_hba="/etc/postgresql/$version/main/pg_hba.conf"
datadir="/var/lib/postgresql/$version/$cluster"

running() { pg_lsclusters -h | awk -v c="$cluster" -v v="$version" '$1 == v && $2 == c {print $4}' | grep -q '^online'; }

if [[ "${1:-}" == "--stop" ]]; then
  running && pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" stop
  exit 0
fi

# 1. The primary accepts replication connections from 127.0.0.1 (wal_level=replica is the default).
if ! grep -qE '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$primary_hba"; then
  echo "host replication all 127.0.0.1/32 trust" >>"$primary_hba"
  psql -q -h 127.0.0.1 -p "$primary_port" -U postgres -c "SELECT pg_reload_conf()" >/dev/null
fi

exists() { pg_lsclusters -h | awk '{print $1 " " $2}' | grep -qx "$version $cluster"; }

# 2. The standby cluster: created by copying the primary (pg_basebackup -R writes standby.signal and
#    primary_conninfo), with the primary's pg_hba.conf so local connections are trusted the same way.
create() {
  pg_createcluster "$version" "$cluster" --port "$replica_port" >/dev/null
  cp "$primary_hba" "/etc/postgresql/$version/$cluster/pg_hba.conf"
  rm -rf "$datadir"
  install -d -o postgres -g postgres -m 700 "$datadir"
  su postgres -c "pg_basebackup -h 127.0.0.1 -p $primary_port -U postgres -D $datadir -R -X stream -c fast"
}

# 3. Running, accepting read-only connections, and streaming from the primary.
start() {
  running || pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p "$replica_port" && break; sleep 1; done
}
streaming() {
  for _ in $(seq 1 15); do
    status=$(psql -tA -h 127.0.0.1 -p "$replica_port" -U postgres -c "SELECT status FROM pg_stat_wal_receiver" 2>/dev/null || true)
    [[ "$status" == "streaming" ]] && return 0
    sleep 1
  done
  return 1
}

exists || create
start
if ! streaming; then
  # Stopped for long enough that the primary recycled the WAL it needs (there is no replication
  # slot, so a forgotten standby can never fill the primary's disk): copy the primary afresh.
  echo "The standby on port $replica_port is not streaming; rebuilding it from the primary." >&2
  pg_dropcluster --stop "$version" "$cluster"
  create
  start
  streaming || { echo "The rebuilt standby is not streaming either; see its log in /var/log/postgresql." >&2; exit 1; }
fi
in_recovery=$(psql -tA -h 127.0.0.1 -p "$replica_port" -U postgres -c "SELECT pg_is_in_recovery()")
if [[ "$in_recovery" != "t" ]]; then
  echo "The cluster on port $replica_port is not a standby (pg_is_in_recovery() = $in_recovery)." >&2
  exit 1
fi
echo "Hot standby of port $primary_port running on port $replica_port."
