#!/bin/sh
# HTTPS for nginx (SPEC 11). Runs before nginx starts: in the nginx image as
# /docker-entrypoint.d/25-xo2-tls.sh, and from `scripts/stack.py --tls` for the local TLS run.
#
# Uses XO2_TLS_CERT + XO2_TLS_KEY (PEM files) when both are set; otherwise makes a self-signed
# pair in $TLS_STATE_DIR on the first start (kept on a volume, remade only when it is about to
# expire) for the names in XO2_TLS_HOSTNAMES. Logs the certificate's SHA-256 fingerprint on
# every start so an admin can check it before trusting it. Then writes two nginx snippets to
# $TLS_CONF_DIR: tls.conf (certificate + $SNIPPETS/tls_policy.conf, included in the HTTPS
# server) and redirect.conf (a server on $HTTP_LISTEN that only redirects to HTTPS on
# XO2_HTTPS_PORT). Nothing else is served over plain HTTP, and no HSTS there.
set -eu

TLS_STATE_DIR=${TLS_STATE_DIR:-/etc/nginx/tls}
TLS_CONF_DIR=${TLS_CONF_DIR:-/etc/nginx/xo2}
SNIPPETS=${SNIPPETS:-/etc/nginx/snippets}
HTTP_LISTEN=${HTTP_LISTEN:-8080}
XO2_HTTPS_PORT=${XO2_HTTPS_PORT:-443}
XO2_TLS_HOSTNAMES=${XO2_TLS_HOSTNAMES:-localhost,127.0.0.1}
XO2_TLS_CERT=${XO2_TLS_CERT:-}
XO2_TLS_KEY=${XO2_TLS_KEY:-}
SELF_DAYS=825            # the longest validity browsers accept for a leaf certificate
RENEW_BEFORE_S=2592000   # remake a self-signed pair 30 days before it expires

log() { echo "xo2-tls: $*"; }
die() { echo "xo2-tls: error: $*" >&2; exit 1; }

case "$XO2_HTTPS_PORT" in
    ''|*[!0-9]*) die "XO2_HTTPS_PORT must be a port number, not '$XO2_HTTPS_PORT'" ;;
esac

# "localhost,127.0.0.1,console.plant" -> "DNS:localhost,IP:127.0.0.1,DNS:console.plant"
san_list() {
    out=""
    for name in $(echo "$1" | tr ',' ' '); do
        case "$name" in
            *[!0-9.]*) case "$name" in *:*) entry="IP:$name" ;; *) entry="DNS:$name" ;; esac ;;
            *) entry="IP:$name" ;;
        esac
        out="${out:+$out,}$entry"
    done
    echo "$out"
}

if [ -n "$XO2_TLS_CERT" ] || [ -n "$XO2_TLS_KEY" ]; then
    [ -n "$XO2_TLS_CERT" ] && [ -n "$XO2_TLS_KEY" ] || die "set both XO2_TLS_CERT and XO2_TLS_KEY, or neither"
    [ -r "$XO2_TLS_CERT" ] || die "XO2_TLS_CERT: cannot read $XO2_TLS_CERT"
    [ -r "$XO2_TLS_KEY" ] || die "XO2_TLS_KEY: cannot read $XO2_TLS_KEY"
    cert=$XO2_TLS_CERT key=$XO2_TLS_KEY origin="own certificate ($XO2_TLS_CERT)"
else
    mkdir -p "$TLS_STATE_DIR"
    cert=$TLS_STATE_DIR/selfsigned.crt key=$TLS_STATE_DIR/selfsigned.key
    if [ -s "$cert" ] && [ -s "$key" ] && openssl x509 -in "$cert" -noout -checkend "$RENEW_BEFORE_S" >/dev/null; then
        origin="self-signed certificate kept from an earlier start"
    else
        san=$(san_list "$XO2_TLS_HOSTNAMES")
        [ -n "$san" ] || die "XO2_TLS_HOSTNAMES is empty"
        # Written beside the final names, then renamed: a crash never leaves half a pair.
        umask 077
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -sha256 -nodes \
            -days "$SELF_DAYS" -subj "/CN=XtraO2 Console" -addext "subjectAltName=$san" \
            -keyout "$key.new" -out "$cert.new" 2>/dev/null || die "openssl could not make a certificate"
        mv "$key.new" "$key"
        mv "$cert.new" "$cert"
        origin="self-signed certificate made now for $san"
    fi
fi

fingerprint=$(openssl x509 -in "$cert" -noout -fingerprint -sha256 | sed 's/^.*=//')
expires=$(openssl x509 -in "$cert" -noout -enddate | sed 's/^notAfter=//')
log "HTTPS with the $origin"
log "certificate SHA-256 fingerprint $fingerprint (valid until $expires)"

if [ "$XO2_HTTPS_PORT" = 443 ]; then port_suffix=""; else port_suffix=":$XO2_HTTPS_PORT"; fi
mkdir -p "$TLS_CONF_DIR"
cat > "$TLS_CONF_DIR/tls.conf.new" <<EOF
# Written by nginx-tls.sh at start; do not edit.
ssl_certificate $cert;
ssl_certificate_key $key;
include $SNIPPETS/tls_policy.conf;
EOF
cat > "$TLS_CONF_DIR/redirect.conf.new" <<EOF
# Written by nginx-tls.sh at start; do not edit. Plain HTTP only redirects to HTTPS.
server {
    listen $HTTP_LISTEN;
    server_tokens off;
    access_log /dev/stdout xo2_private;   # the site's format: no query strings (tickets), no ids
    return 301 https://\$host$port_suffix\$request_uri;
}
EOF
mv "$TLS_CONF_DIR/tls.conf.new" "$TLS_CONF_DIR/tls.conf"
mv "$TLS_CONF_DIR/redirect.conf.new" "$TLS_CONF_DIR/redirect.conf"
