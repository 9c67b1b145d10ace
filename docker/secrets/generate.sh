#!/bin/sh
# Writes the compose secrets once (existing files are kept), readable by the owner only.
set -e
cd "$(dirname "$0")"
umask 077
rand() { head -c "$1" /dev/urandom | base64 | tr -d '\n'; }
keep() { [ -s "$1" ] || printf '%s\n' "$2" > "$1"; }
keep postgres_password.txt "$(rand 24 | tr -d '/+=')"
keep outbound_db_password.txt "$(rand 24 | tr -d '/+=')"
keep state_pg_url.txt "postgres://outbound:$(cat outbound_db_password.txt)@postgres:5432/outbound"
keep payload_key.txt "$(rand 32)"
keep vault_key.txt "$(rand 32)"
keep codec_token.txt "$(rand 24)"
# An API key as `outbound keys create` makes them: obk_<16 hex>_<43 base64url>; the API adopts it.
keep bootstrap_admin_key.txt "obk_$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
keep ldap_bind_password.txt "${OUTBOUND_LDAP_BIND_PASSWORD:-outbound-demo}"
keep concur_access_token.txt "${CONCUR_ACCESS_TOKEN:-outbound-demo-token}"
chmod 600 ./*.txt
echo "secrets in $(pwd)"
