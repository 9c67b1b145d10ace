#!/bin/sh
# Outbound's state store beside Temporal's databases; the password comes from a compose secret.
set -e
pw="$(cat "$OUTBOUND_DB_PASSWORD_FILE")"
psql -v ON_ERROR_STOP=1 -v pw="$pw" --username "$POSTGRES_USER" --dbname postgres <<'SQL'
CREATE USER outbound WITH PASSWORD :'pw';
CREATE DATABASE outbound OWNER outbound;
SQL
