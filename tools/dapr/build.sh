#!/usr/bin/env bash
# Builds from the upstream github.com/dapr/dapr module into tools/dapr/bin:
#   build.sh            daprd and sentry (the local lab, the benchmark)
#   build.sh injector   dapr-inject: Dapr's own sidecar injector and Helm chart, run on the kind
#                       lab's manifests (injector/main.go says how)
#   build.sh source     only the module's source (its chart and CRDs, for make k8s-check)
# Go's module and build caches make every build after the first quick.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:-runtime}
case "${target}" in runtime | injector | source) ;; *) echo "usage: build.sh [injector|source]" >&2; exit 2 ;; esac

# DAPR_VERSION: the project's pin.
# shellcheck source=versions.env
source ../../versions.env
src=".build/dapr-v${DAPR_VERSION}"

if [ ! -f "${src}/go.mod" ]; then
  echo "==> fetching github.com/dapr/dapr@v${DAPR_VERSION} source"
  # Outside any module, so this go.mod's replace of the same module does not apply.
  module_dir=$(cd "$(mktemp -d)" && go mod download -json "github.com/dapr/dapr@v${DAPR_VERSION}" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -d "${module_dir}" ] || { echo "error: could not download github.com/dapr/dapr@v${DAPR_VERSION}" >&2; exit 1; }
  rm -rf "${src}.tmp" && mkdir -p .build
  cp -R "${module_dir}" "${src}.tmp"
  chmod -R u+w "${src}.tmp"
  # The guard that panics unless a build tag compiles in a whole component set;
  # this build registers the one name resolver it needs in daprd/main.go instead.
  printf 'package components\n' >"${src}.tmp/cmd/daprd/components/zz_notag.go"
  mv "${src}.tmp" "${src}"
fi

[ "${target}" = source ] && exit 0

# The injector harness's entry point into pkg/injector/service (not upstream; see the file).
cp injector/upstream/zz_calclab_export.go "${src}/pkg/injector/service/"

if [ "${target}" = injector ]; then
  echo "==> compiling dapr-inject (Dapr ${DAPR_VERSION}'s sidecar injector and Helm chart; the first build takes minutes)"
  (cd injector && CGO_ENABLED=0 go build -trimpath -o ../bin/dapr-inject .)
  echo "==> built tools/dapr/bin/dapr-inject; Dapr's chart is in tools/dapr/${src#./}/charts/dapr"
  exit 0
fi

echo "==> compiling daprd and sentry ${DAPR_VERSION} (the first build downloads and compiles several hundred modules: minutes)"
CGO_ENABLED=0 go build -trimpath \
  -ldflags "-s -w -X github.com/dapr/dapr/pkg/buildinfo.version=${DAPR_VERSION}" \
  -o bin/ ./daprd ./sentry
echo "==> built $(bin/daprd --version) into tools/dapr/bin"
