#!/usr/bin/env bash
# The kind lab: a kind cluster, the twelve images, Dapr and Linkerd, the calculator, the e2e run.
#   scripts/kind.sh check|up|images|dapr|linkerd|deploy|e2e|combined|bench|down|lab
# Every step checks what it needs first and is safe to repeat. Needs Docker, kind, kubectl, helm 3
# or 4, openssl, Node with npm and Go (make builds the e2e runner and kustomize with them), and
# internet access (charts, the Gateway API CRDs, the node and public images).
set -euo pipefail
cd "$(dirname "$0")/.."

CLUSTER=calculator-lab
KIND_VERSION=v0.31.0
# kind v0.31.0's default image: Kubernetes 1.35.0 (Linkerd edge-26.8.3's chart asks for >=1.31.0).
NODE_IMAGE=kindest/node:v1.35.0@sha256:452d707d4862f52530247495d180205e029056831160e22870e37e3f6c1ac31f
# DAPR_VERSION and LINKERD_VERSION: the project's pins.
# shellcheck source=versions.env
source versions.env
DAPR_VALUES=k8s-dapr/dapr-values.yaml
LINKERD_CHART_VERSION="20${LINKERD_VERSION#edge-}" # edge-26.8.3 → 2026.8.3 (Linkerd 2.20)
# The version Linkerd edge-26.8.3's own check recommends (healthcheck.go); v1.2.1 is its minimum.
GATEWAY_API_VERSION=v1.5.1
TAG=0.1.0
IMAGE_ARCHIVE=.run/kind/images.tar
SERVICES=(addition subtraction multiplication division percentage mathfanboy)
PKI=.run/kind/linkerd-pki
DAPR_MTLS=${DAPR_MTLS:-true}

say() { printf '==> %s\n' "$*"; }
fail() { printf 'kind lab: %s\n' "$*" >&2; exit 1; }

# Checks the tools a step needs; says exactly what is missing and where to get it.
need() {
  local missing=()
  for tool in "$@"; do
    case "$tool" in
      docker)
        command -v docker >/dev/null || { missing+=("docker: install Docker Engine, https://docs.docker.com/engine/install/"); continue; }
        docker info >/dev/null 2>&1 || missing+=("docker: the client is installed but no Docker engine answers (start the daemon; check that this user may use it)") ;;
      kind) command -v kind >/dev/null || missing+=("kind ${KIND_VERSION}: go install sigs.k8s.io/kind@${KIND_VERSION}, or https://kind.sigs.k8s.io/docs/user/quick-start/#installation") ;;
      kubectl) command -v kubectl >/dev/null || missing+=("kubectl: https://kubernetes.io/docs/tasks/tools/") ;;
      helm)
        if ! command -v helm >/dev/null; then missing+=("helm 3 or 4: https://helm.sh/docs/intro/install/")
        elif ! helm version --template '{{.Version}}' 2>/dev/null | grep -Eq '^v[34]\.'; then
          missing+=("helm 3 or 4: found $(helm version --template '{{.Version}}' 2>/dev/null || echo 'an unknown version')")
        fi ;;
      openssl) command -v openssl >/dev/null || missing+=("openssl: your package manager") ;;
      node)
        if ! command -v node >/dev/null || ! command -v npm >/dev/null; then missing+=("Node 18 or later with npm (it installs the lab's own Node 24): https://nodejs.org/")
        elif [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 18 ]; then missing+=("Node 18 or later: found $(node --version)")
        fi ;;
      go) command -v go >/dev/null || missing+=("Go (it builds the pinned kustomize): https://go.dev/dl/") ;;
      cluster) kind get clusters 2>/dev/null | grep -qx "${CLUSTER}" || missing+=("the kind cluster ${CLUSTER}: make kind-up") ;;
    esac
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    printf 'kind lab: missing prerequisites:\n' >&2
    printf '  - %s\n' "${missing[@]}" >&2
    exit 1
  fi
  if [[ " $* " == *" kind "* ]] && ! kind version | grep -q "${KIND_VERSION}"; then
    say "warning: $(kind version) found; this lab pins kind ${KIND_VERSION}"
  fi
  if [[ " $* " == *" cluster "* ]]; then kubectl config use-context "kind-${CLUSTER}" >/dev/null; fi
}

up() {
  need docker kind kubectl
  if kind get clusters 2>/dev/null | grep -qx "${CLUSTER}"; then say "cluster ${CLUSTER} already up"; return; fi
  say "creating kind cluster ${CLUSTER} (${NODE_IMAGE%@*})"
  kind create cluster --name "${CLUSTER}" --image "${NODE_IMAGE}" --wait 180s
}

# Is Docker API version $1 at least $2 (both MAJOR.MINOR)?
api_at_least() {
  local have_major=${1%%.*} have_minor=${1#*.} want_major=${2%%.*} want_minor=${2#*.}
  ((have_major > want_major || (have_major == want_major && have_minor >= want_minor)))
}

# The project's twelve images only: public ones (the intruder's node image, Dapr's, Linkerd's) are
# pulled by the node itself (imagePullPolicy IfNotPresent). Loaded as an archive: `kind load
# docker-image` fails with Docker 29's containerd image store (kubernetes-sigs/kind#3795), and
# `docker save --platform` (Docker API 1.48 and later) keeps the archive to the node's platform.
images() {
  need docker kind cluster
  scripts/build-images.sh
  local all=()
  for variant in dapr mesh; do
    for service in "${SERVICES[@]}"; do all+=("calculator-lab/${variant}-${service}:${TAG}"); done
  done
  local api platform save=(docker save)
  api=$(docker version --format '{{.Server.APIVersion}}')
  platform=$(docker version --format '{{.Server.Os}}/{{.Server.Arch}}')
  if api_at_least "${api}" 1.48; then save+=(--platform "${platform}"); fi
  mkdir -p "$(dirname "${IMAGE_ARCHIVE}")"
  say "saving ${#all[@]} images (Docker API ${api}${save[2]:+, platform ${platform}}) and loading them into ${CLUSTER}"
  "${save[@]}" -o "${IMAGE_ARCHIVE}" "${all[@]}"
  kind load image-archive --name "${CLUSTER}" "${IMAGE_ARCHIVE}"
  rm -f "${IMAGE_ARCHIVE}"
}

dapr() {
  need kubectl helm cluster
  say "installing Dapr ${DAPR_VERSION} (Helm; scheduler in memory; mTLS ${DAPR_MTLS})"
  helm upgrade --install dapr dapr --repo https://dapr.github.io/helm-charts --version "${DAPR_VERSION}" \
    --namespace dapr-system --create-namespace \
    --values "${DAPR_VALUES}" \
    --set global.mtls.enabled="${DAPR_MTLS}" \
    --wait --timeout 5m
}

# Linkerd's identity: an ECDSA P-256 trust anchor and an issuer under it, made here and kept for reruns.
linkerd_pki() {
  [ -s "${PKI}/issuer.key" ] && return
  mkdir -p "${PKI}"
  openssl ecparam -name prime256v1 -genkey -noout -out "${PKI}/ca.key"
  openssl req -x509 -new -key "${PKI}/ca.key" -sha256 -days 365 -subj "/CN=root.linkerd.cluster.local" -out "${PKI}/ca.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
  openssl ecparam -name prime256v1 -genkey -noout -out "${PKI}/issuer.key"
  openssl req -new -key "${PKI}/issuer.key" -subj "/CN=identity.linkerd.cluster.local" -out "${PKI}/issuer.csr"
  printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' >"${PKI}/issuer.ext"
  openssl x509 -req -in "${PKI}/issuer.csr" -CA "${PKI}/ca.crt" -CAkey "${PKI}/ca.key" -CAcreateserial \
    -days 365 -sha256 -extfile "${PKI}/issuer.ext" -out "${PKI}/issuer.crt"
}

linkerd() {
  need kubectl helm openssl cluster
  say "installing the Gateway API CRDs ${GATEWAY_API_VERSION}"
  kubectl apply --server-side -f "https://github.com/kubernetes-sigs/gateway-api/releases/download/${GATEWAY_API_VERSION}/standard-install.yaml"
  linkerd_pki
  say "installing Linkerd ${LINKERD_VERSION} (Helm chart ${LINKERD_CHART_VERSION})"
  helm upgrade --install linkerd-crds linkerd-crds --repo https://helm.linkerd.io/edge --version "${LINKERD_CHART_VERSION}" \
    --namespace linkerd --create-namespace --wait
  helm upgrade --install linkerd-control-plane linkerd-control-plane --repo https://helm.linkerd.io/edge --version "${LINKERD_CHART_VERSION}" \
    --namespace linkerd \
    --set-file identityTrustAnchorsPEM="${PKI}/ca.crt" \
    --set-file identity.issuer.tls.crtPEM="${PKI}/issuer.crt" \
    --set-file identity.issuer.tls.keyPEM="${PKI}/issuer.key" \
    --wait --timeout 5m
}

deploy() {
  need kubectl cluster
  [ -x tools/bin/kustomize ] || fail "tools/bin/kustomize is missing: make k8s-tools"
  for overlay in k8s-dapr k8s-linkerd; do
    say "applying ${overlay}"
    tools/bin/kustomize build "${overlay}" | kubectl apply -f -
  done
}

e2e() {
  need kubectl cluster
  node e2e/dist/cli.js
}

# Dapr + Linkerd, as the article recommends: Dapr's mTLS is cluster-wide, so this reinstalls Dapr
# with it off and redeploys dapr-calculator from k8s-dapr/overlays/with-linkerd (after kind-linkerd).
# `make kind-dapr kind-deploy` restores the main run.
combined() {
  need kubectl helm cluster
  [ -x tools/bin/kustomize ] || fail "tools/bin/kustomize is missing: make k8s-tools"
  DAPR_MTLS=false dapr
  say "redeploying dapr-calculator with Dapr and Linkerd together"
  kubectl delete namespace dapr-calculator --ignore-not-found --wait
  tools/bin/kustomize build k8s-dapr/overlays/with-linkerd | kubectl apply -f -
  for deployment in $(kubectl -n dapr-calculator get deployments -o name); do
    kubectl -n dapr-calculator rollout status "${deployment}" --timeout=300s
  done
  kubectl -n dapr-calculator get pods -o custom-columns=POD:.metadata.name,INIT:.spec.initContainers[*].name,CONTAINERS:.spec.containers[*].name
}

bench() {
  need kubectl cluster
  node e2e/dist/bench-kind.js "$@"
}

down() {
  need kind
  if kind get clusters 2>/dev/null | grep -qx "${CLUSTER}"; then
    kind delete cluster --name "${CLUSTER}"
  else
    say "no cluster ${CLUSTER}: nothing to remove"
  fi
}

# Every prerequisite of the whole lab, so a machine without them stops before doing anything.
check() {
  need docker kind kubectl helm openssl node go
  say "prerequisites found: docker (engine answering), kind, kubectl, helm $(helm version --template '{{.Version}}'), openssl, node $(node --version), go"
}

lab() {
  check
  up
  images
  dapr
  linkerd
  deploy
  e2e
}

case "${1:-}" in
  check | up | images | dapr | linkerd | deploy | e2e | combined | down | lab) "$1" ;;
  bench) shift && bench "$@" ;;
  *) fail "usage: scripts/kind.sh check|up|images|dapr|linkerd|deploy|e2e|combined|bench|down|lab" ;;
esac
