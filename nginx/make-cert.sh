#!/usr/bin/env bash
# Makes a local certificate authority and a server certificate it signed, for localhost and 127.0.0.1
# (and any extra names given), for trying wss:// locally. Clients trust ca.pem, not "any certificate".
#
#   nginx/make-cert.sh DIR [extra-dns-name ...]     → DIR/ca.pem, DIR/server.pem, DIR/server.key
#
# Never for production: use certificates from your CA (e.g. Let's Encrypt).
set -euo pipefail
dir="${1:?usage: make-cert.sh DIR [extra-dns-name ...]}"; shift
command -v openssl >/dev/null || { echo "make-cert.sh: openssl is required" >&2; exit 1; }
mkdir -p "$dir"
cd "$dir"
san="DNS:localhost,IP:127.0.0.1"
for name in "$@"; do san="$san,DNS:$name"; done
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=Switchboard local CA" \
  -keyout ca.key -out ca.pem -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' "$san" > server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -extfile server.ext \
  -out server.pem 2>/dev/null
rm -f server.csr server.ext ca.srl
chmod 600 ca.key server.key
echo "CA: $dir/ca.pem  certificate: $dir/server.pem  key: $dir/server.key"
