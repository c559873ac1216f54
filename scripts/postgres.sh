#!/usr/bin/env bash
# Provide the PostgreSQL server the ledger tests use: 127.0.0.1:5432, trust authentication, user postgres,
# database `test` (Debian or Ubuntu, as root). Idempotent: when a server already answers there, it does nothing.
#   scripts/postgres.sh           # install (apt-get) if absent, start the cluster, allow trust on 127.0.0.1, create `test`
# The tests read FOOTPRINT_TEST_POSTGRES (default postgresql://postgres@127.0.0.1:5432/test) and never skip
# for want of a server when CI is set.
set -euo pipefail

answers() {
    if command -v pg_isready >/dev/null 2>&1; then
        pg_isready -q -h 127.0.0.1 -p 5432 -t 3
    else
        (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null
    fi
}

if answers; then
    echo "postgres.sh: a PostgreSQL server already answers on 127.0.0.1:5432; nothing to do"
    exit 0
fi

if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    echo "postgres.sh: installing PostgreSQL (Debian package postgresql)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q postgresql
fi

version=$(ls /etc/postgresql | sort -V | tail -n 1)
hba="/etc/postgresql/${version}/main/pg_hba.conf"
if ! grep -Eq '^host[[:space:]]+all[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
    echo "postgres.sh: trust authentication for 127.0.0.1 in $hba"
    sed -i '1i host    all             all             127.0.0.1/32            trust' "$hba"
fi

echo "postgres.sh: starting cluster ${version}/main"
pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster --skip-systemctl-redirect "$version" main reload

for _ in $(seq 1 30); do
    answers && break
    sleep 1
done
answers || { echo "postgres.sh: PostgreSQL does not answer on 127.0.0.1:5432" >&2; exit 1; }

if ! psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'test'" | grep -q 1; then
    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE test"
fi
echo "postgres.sh: PostgreSQL ${version} answers on 127.0.0.1:5432 (database test)"
