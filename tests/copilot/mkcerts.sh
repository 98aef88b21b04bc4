#!/bin/sh
# mkcerts.sh DIR -- test certificates with the openssl CLI (EC P-256), until
# `cockpit ca` takes over: a fleet CA (ca.crt), a server certificate for
# localhost / 127.0.0.1 (server.crt, .key), one for another name
# (wrongname.*), client certificates with CN =
# dev1 and CN = backend, and a second, unrelated CA with a server and a
# client certificate of its own (other-ca.crt, other-server.*, other-dev.*).
set -eu
d=$1
mkdir -p "$d"
cd "$d"
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }
ca() {   # ca NAME CN
  key "$1"
  openssl req -x509 -new -key "$1.key" -subj "/CN=$2" -days 30 -out "$1.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}
leaf() { # leaf NAME CN CA EXT
  key "$1"
  openssl req -new -key "$1.key" -subj "/CN=$2" -out "$1.csr" 2>/dev/null
  printf '%s\n' "$4" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$3.crt" -CAkey "$3.key" -CAcreateserial -days 30 \
    -extfile "$1.ext" -out "$1.crt" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
SRV='subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth
basicConstraints=CA:FALSE'
CLI='extendedKeyUsage=clientAuth
basicConstraints=CA:FALSE'
ca ca "CockpitVM test fleet CA"
leaf server localhost ca "$SRV"
leaf wrongname elsewhere ca 'subjectAltName=DNS:elsewhere.example
extendedKeyUsage=serverAuth
basicConstraints=CA:FALSE'
leaf dev1 dev1 ca "$CLI"
leaf backend backend ca "$CLI"
ca other-ca "Some other CA"
leaf other-server localhost other-ca "$SRV"
leaf other-dev dev1 other-ca "$CLI"
chmod 644 ./*.key
