#!/usr/bin/env bash
# Installs what the Kubernetes path needs, pinned, into tools/ (idempotent): kustomize (Go module),
# which the kind lab renders with, and the Kubernetes OpenAPI document of the pinned version (from
# the k8s.io/kubernetes Go module) for the offline checks. Nothing a kind user lacks (no shellcheck:
# scripts/lint-tools.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

KUSTOMIZE_VERSION=v5.8.2 # v5.8.3 needs Go 1.27
KUBERNETES_VERSION=v1.35.0
openapi="tools/k8s/kubernetes-openapi-${KUBERNETES_VERSION}.json"

if [ ! -x tools/bin/kustomize ] || ! tools/bin/kustomize version | grep -q "${KUSTOMIZE_VERSION}"; then
  command -v go >/dev/null || { echo "error: Go is needed to install kustomize (https://go.dev/dl/)" >&2; exit 1; }
  echo "==> installing kustomize ${KUSTOMIZE_VERSION} into tools/bin"
  GOBIN="$PWD/tools/bin" go install "sigs.k8s.io/kustomize/kustomize/v5@${KUSTOMIZE_VERSION}"
fi

if [ ! -s "${openapi}" ]; then
  echo "==> fetching the Kubernetes ${KUBERNETES_VERSION} OpenAPI document (k8s.io/kubernetes Go module, ~19 MB)"
  # Outside any module, so no go.mod of this project is involved.
  module_dir=$(cd "$(mktemp -d)" && go mod download -json "k8s.io/kubernetes@${KUBERNETES_VERSION}" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  mkdir -p tools/k8s
  cp "${module_dir}/api/openapi-spec/swagger.json" "${openapi}"
fi
