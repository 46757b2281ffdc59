#!/usr/bin/env bash
# Builds daprd and sentry from the upstream github.com/dapr/dapr module into
# tools/dapr/bin. Go's module and build caches make every build after the first quick.
set -euo pipefail
cd "$(dirname "$0")"

DAPR_VERSION=1.18.3
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

echo "==> compiling daprd and sentry ${DAPR_VERSION} (the first build downloads and compiles several hundred modules: minutes)"
CGO_ENABLED=0 go build -trimpath \
  -ldflags "-s -w -X github.com/dapr/dapr/pkg/buildinfo.version=${DAPR_VERSION}" \
  -o bin/ ./daprd ./sentry
echo "==> built $(bin/daprd --version) into tools/dapr/bin"
