#!/usr/bin/env bash
# Installs what the offline checks of the Kubernetes path need, pinned, into tools/ (idempotent):
# kustomize (Go module), the kustomize versions inside the supported kubectls, and the Kubernetes
# OpenAPI document of the pinned version (from the k8s.io/kubernetes Go module). The kind lab itself
# needs none of it (it renders with kubectl).
set -euo pipefail
cd "$(dirname "$0")/.."

KUSTOMIZE_VERSION=v5.8.2 # v5.8.3 needs Go 1.27
# The kustomize inside kubectl 1.33 (v5.6.0), 1.34 and 1.35 (v5.7.1) and 1.36 (v5.8.1), from
# k8s.io/kubectl's go.mod: the kind lab renders with `kubectl apply -k`, and make test checks that
# each renders every overlay as the pinned one does (packages/k8s-check KUBECTL_KUSTOMIZE).
KUBECTL_KUSTOMIZE_VERSIONS=(v5.6.0 v5.7.1 v5.8.1)
# KUBERNETES_VERSION: the project's pin.
# shellcheck source=versions.env
source versions.env
openapi="tools/k8s/kubernetes-openapi-v${KUBERNETES_VERSION}.json"

if [ ! -x tools/bin/kustomize ] || ! tools/bin/kustomize version | grep -q "${KUSTOMIZE_VERSION}"; then
  command -v go >/dev/null || { echo "error: Go is needed to install kustomize (https://go.dev/dl/)" >&2; exit 1; }
  echo "==> installing kustomize ${KUSTOMIZE_VERSION} into tools/bin"
  GOBIN="$PWD/tools/bin" go install "sigs.k8s.io/kustomize/kustomize/v5@${KUSTOMIZE_VERSION}"
fi

for version in "${KUBECTL_KUSTOMIZE_VERSIONS[@]}"; do
  [ -x "tools/bin/kustomize-${version}" ] && continue
  command -v go >/dev/null || { echo "error: Go is needed to install kustomize (https://go.dev/dl/)" >&2; exit 1; }
  echo "==> installing kubectl's kustomize ${version} into tools/bin/kustomize-${version}"
  work=$(mktemp -d)
  GOBIN="${work}" go install "sigs.k8s.io/kustomize/kustomize/v5@${version}"
  mv "${work}/kustomize" "tools/bin/kustomize-${version}" && rm -rf "${work}"
done

if [ ! -s "${openapi}" ]; then
  echo "==> fetching the Kubernetes v${KUBERNETES_VERSION} OpenAPI document (k8s.io/kubernetes Go module, ~19 MB)"
  # Outside any module, so no go.mod of this project is involved.
  module_dir=$(cd "$(mktemp -d)" && go mod download -json "k8s.io/kubernetes@v${KUBERNETES_VERSION}" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  mkdir -p tools/k8s
  cp "${module_dir}/api/openapi-spec/swagger.json" "${openapi}"
fi
