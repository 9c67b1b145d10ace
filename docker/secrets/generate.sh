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
# The demo's Concur simulator serves https, so the https rule for connections stays strict: a
# throwaway CA signs one certificate for the host name `concur-simulator`, and its key is deleted
# at once, so nothing else can ever be signed by the CA the worker and the API trust.
if [ ! -s demo_ca_cert.txt ] || [ ! -s concur_sim_tls_cert.txt ] || [ ! -s concur_sim_tls_key.txt ]; then
  command -v openssl >/dev/null || { echo "openssl is needed for the demo certificate (apt-get install openssl)" >&2; exit 1; }
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 \
    -subj "/CN=Outbound demo CA (throwaway)" -keyout "$work/ca.key" -out demo_ca_cert.txt 2>/dev/null
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=concur-simulator" \
    -keyout concur_sim_tls_key.txt -out "$work/sim.csr" 2>/dev/null
  printf 'subjectAltName=DNS:concur-simulator,DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' > "$work/ext"
  openssl x509 -req -in "$work/sim.csr" -CA demo_ca_cert.txt -CAkey "$work/ca.key" -CAcreateserial -CAserial "$work/ca.srl" \
    -days 825 -extfile "$work/ext" -out concur_sim_tls_cert.txt 2>/dev/null
  rm -rf "$work"
fi
chmod 600 ./*.txt
echo "secrets in $(pwd)"
