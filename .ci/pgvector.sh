#!/usr/bin/env bash
# Install the pgvector extension into the running PostgreSQL, once (idempotent).
#
# Debian bookworm ships no postgresql-NN-pgvector package, so this builds it from the Debian
# trixie *source* package (only a deb-src line is added: no trixie binaries are installed).
# Skipped when the server already lists `vector` among its available extensions.
set -euo pipefail

psql_q() { psql -h 127.0.0.1 -U postgres -tAc "$1"; }

if psql_q "SELECT 1 FROM pg_available_extensions WHERE name = 'vector'" | grep -q 1; then
  echo "pgvector: already available"
  exit 0
fi

major=$(psql_q "SHOW server_version_num" | cut -c1-2)
pg_config="/usr/lib/postgresql/$major/bin/pg_config"

src_list=/etc/apt/sources.list.d/trixie-src.sources
if [ ! -f "$src_list" ]; then
  cat >"$src_list" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "postgresql-server-dev-$major" build-essential >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get source --download-only -qq pgvector >/dev/null
tar -xf pgvector_*.orig.tar.*
cd pgvector-*/
# OPTFLAGS="" : no -march=native, so the build runs on any x86-64 machine CI lands on.
make -s PG_CONFIG="$pg_config" OPTFLAGS="" >/dev/null
make -s PG_CONFIG="$pg_config" install >/dev/null
psql_q "SELECT 'pgvector: installed ' || default_version FROM pg_available_extensions WHERE name = 'vector'"
