#!/usr/bin/env bash
# A self-signed certificate for tests and a first try (docs/deploy.md):
#   deploy/make-test-cert.sh DIR [NAME]
# writes DIR/fullchain.pem and DIR/privkey.pem for NAME (default localhost),
# valid for localhost and 127.0.0.1 too, 30 days.  Not for production: there
# the CA's certificate goes to /etc/quarter/tls/ (docs/deploy.md).
set -euo pipefail
dir=${1:?usage: make-test-cert.sh DIR [NAME]}
name=${2:-localhost}
mkdir -p "$dir"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=$name" \
  -addext "subjectAltName=DNS:$name,DNS:localhost,IP:127.0.0.1" \
  -keyout "$dir/privkey.pem" -out "$dir/fullchain.pem" 2>/dev/null
chmod 600 "$dir/privkey.pem"
echo "$dir/fullchain.pem $dir/privkey.pem"
