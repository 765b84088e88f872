# The local CA, every certificate and kubeconfig of scripts/kube-control-plane.sh; sourced by it.
# All of it lies under $STATE and goes with `stop`.
#
# One CA signs everything. Each component has its own client certificate, so that RBAC and the
# admission policies can tell them apart: the admin (system:masters), the API server towards the
# kubelet, the KubeRay operator (--full) and the real node's kubelet, kube-proxy and CoreDNS.

CLIENT_EXTENSIONS='extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n'

# sign DIR NAME SUBJECT EXTENSIONS: a new key DIR/NAME.key and its certificate DIR/NAME.crt signed
# by the CA (EXTENSIONS as for openssl's -extfile, with \n between lines).
sign() {
  local dir=$1 name=$2 subject=$3 extensions=$4 ca=$STATE/pki/ca
  openssl req -new -newkey rsa:2048 -nodes -keyout "$dir/$name.key" -subj "$subject" \
    -out "$dir/$name.csr"
  printf '%b' "$extensions" >"$dir/$name.ext"
  openssl x509 -req -in "$dir/$name.csr" -CA "$ca.crt" -CAkey "$ca.key" -CAcreateserial \
    -days 3650 -extfile "$dir/$name.ext" -out "$dir/$name.crt"
}

# The CA, the API server's serving certificate, the admin's client certificate (group
# system:masters: RBAC lets it do everything), the KubeRay operator's and the key pair that signs
# service-account tokens.
make_pki() {
  local pki=$STATE/pki
  mkdir -p "$pki"
  (
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$pki/ca.key" -out "$pki/ca.crt" -days 3650 \
      -subj "/CN=flowersim-local-ca" -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"
    sign "$pki" apiserver "/CN=kube-apiserver" \
      "subjectAltName=IP:$HOST,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,IP:10.96.0.1\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
    # The API server's own user towards the kubelet (logs, exec), which trusts only this CA.
    sign "$pki" apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" \
      "$CLIENT_EXTENSIONS"
    sign "$pki" admin "/O=system:masters/CN=flowersim-admin" "$CLIENT_EXTENSIONS"
    # The KubeRay operator's own user (--full), so that an admission policy can tell it apart.
    sign "$pki" kuberay "/O=system:masters/CN=$KUBERAY_USER" "$CLIENT_EXTENSIONS"
    openssl genrsa -out "$pki/sa.key" 2048
    openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub"
  ) >"$STATE/pki.log" 2>&1 || { cat "$STATE/pki.log" >&2; die "openssl could not make the certificates"; }
  write_kubeconfig "$STATE/kubeconfig" admin flowersim-admin
  write_kubeconfig "$STATE/kuberay.kubeconfig" kuberay "$KUBERAY_USER"
}

# The real node's components: the kubelet as system:node:<name> (bound to the system:node role by
# node-rbac.yaml), kube-proxy as system:kube-proxy (Kubernetes binds system:node-proxier to it),
# CoreDNS as flowersim:coredns (its read-only role).
node_pki() {
  local pki=$STATE/pki spec name subject
  (
    for spec in "kubelet /O=system:nodes/CN=system:node:$NODE_NAME" \
        "kube-proxy /CN=system:kube-proxy" "coredns /CN=flowersim:coredns"; do
      read -r name subject <<<"$spec"
      sign "$pki" "$name" "$subject" "$CLIENT_EXTENSIONS"
    done
  ) >"$NODE/pki.log" 2>&1 || { cat "$NODE/pki.log" >&2; die "openssl could not make the node's certificates"; }
  write_kubeconfig "$NODE/kubelet.kubeconfig" kubelet "system:node:$NODE_NAME"
  write_kubeconfig "$NODE/kube-proxy.kubeconfig" kube-proxy system:kube-proxy
  write_kubeconfig "$NODE/coredns.kubeconfig" coredns flowersim:coredns
}

# Kueue's webhook server certificate (signed by the CA) and, where none is, its metrics one at
# the fixed path Kueue v0.17 reads it from when it does not manage certificates itself: a
# self-signed one (so --full needs that path writable once, e.g. root).
kueue_certs() {
  local certs=$STATE/kueue-certs metrics=/etc/kueue/metrics/certs
  mkdir -p "$certs"
  (
    sign "$certs" tls "/CN=kueue-webhook" \
      "subjectAltName=IP:$HOST,DNS:localhost\nextendedKeyUsage=serverAuth\n"
    if [ ! -s "$metrics/tls.crt" ] || [ ! -s "$metrics/tls.key" ]; then
      mkdir -p "$metrics"
      openssl req -x509 -newkey rsa:2048 -nodes -keyout "$metrics/tls.key" -out "$metrics/tls.crt" \
        -days 3650 -subj "/CN=kueue-metrics" -addext "subjectAltName=IP:$HOST,DNS:localhost"
    fi
  ) >"$STATE/kueue-pki.log" 2>&1 \
    || { cat "$STATE/kueue-pki.log" >&2; die "openssl could not make Kueue's certificates ($metrics must be writable)"; }
}

# write_kubeconfig FILE CERT USER: kubeconfig.yaml for the client certificate $STATE/pki/CERT.crt,
# readable by its owner only from the start (it holds the key).
write_kubeconfig() {
  local pki=$STATE/pki CA_DATA CERT_DATA KEY_DATA KUBECONFIG_USER=$3
  CA_DATA=$(base64 -w0 "$pki/ca.crt")
  CERT_DATA=$(base64 -w0 "$pki/$2.crt")
  KEY_DATA=$(base64 -w0 "$pki/$2.key")
  (umask 077 && template kubeconfig.yaml >"$1")
  chmod 600 "$1"
}
