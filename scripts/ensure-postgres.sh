#!/usr/bin/env bash
# Makes sure the PostgreSQL server named by DATABASE_URL answers, installing and starting it if needed,
# and that its database exists (pytest-django creates test_<name> beside it).
set -euo pipefail
url="${1:?usage: ensure-postgres.sh postgres://user@host:port/name}"

rest="${url#*://}"; creds="${rest%%@*}"; hostpart="${rest#*@}"
user="${creds%%:*}"; hostport="${hostpart%%/*}"; dbname="${hostpart#*/}"; dbname="${dbname%%\?*}"
host="${hostport%%:*}"; port="${hostport##*:}"; [[ "$port" == "$host" ]] && port=5432

SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "Installing PostgreSQL"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends postgresql
fi

if ! pg_isready -q -h "$host" -p "$port"; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 30); do pg_isready -q -h "$host" -p "$port" && break; sleep 1; done
fi
pg_isready -h "$host" -p "$port"

if ! psql "postgres://${creds}@${hostport}/postgres" -tAc "select 1" >/dev/null 2>&1; then
  # A freshly installed cluster asks passwords on TCP: let the local superuser in without one.
  hba=$(ls /etc/postgresql/*/main/pg_hba.conf | sort -V | tail -n 1)
  $SUDO sed -i -E 's/^(host\s+all\s+all\s+127\.0\.0\.1\/32\s+)\S+/\1trust/' "$hba"
  $SUDO sed -i -E 's/^(host\s+all\s+all\s+::1\/128\s+)\S+/\1trust/' "$hba"
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main reload
fi

exists=$(psql "postgres://${creds}@${hostport}/postgres" -tAc "select 1 from pg_database where datname='${dbname}'")
[[ "$exists" == "1" ]] || createdb -h "$host" -p "$port" -U "$user" "$dbname"
echo "PostgreSQL ready: ${host}:${port}/${dbname}"
