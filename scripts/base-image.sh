#!/usr/bin/env bash
# A Node 24 base image built here, for a machine that cannot pull node:24.21.0-bookworm-slim:
# Debian bookworm (debootstrap --variant=minbase, from the mirror in apt's sources) plus the Node
# binary the project's toolchain installs (tools/node, the same 24.21.0). Prints the image's name.
#   scripts/base-image.sh    builds it once; the Debian root filesystem is cached in tools/images/
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_VERSION=$(sed -n 's/.*"node": "\(.*\)".*/\1/p' tools/node/package.json)
IMAGE="calculator-lab/node-base:${NODE_VERSION}-bookworm"
ROOTFS=tools/images/bookworm-minbase.tar.gz
NODE_BIN=tools/node/node_modules/node/bin/node

say() { printf '==> %s\n' "$*" >&2; }
fail() { printf 'base image: %s\n' "$*" >&2; exit 1; }

if docker image inspect "${IMAGE}" >/dev/null 2>&1; then echo "${IMAGE}"; exit 0; fi
[ -x "${NODE_BIN}" ] || fail "${NODE_BIN} is missing: run 'make deps' first"

# shellcheck source=scripts/debian-mirror.sh
source scripts/debian-mirror.sh

if [ ! -s "${ROOTFS}" ]; then
  [ "$(id -u)" = 0 ] || fail "building the Debian root filesystem needs root (debootstrap): run 'sudo make images' once"
  command -v debootstrap >/dev/null || {
    say "installing debootstrap (apt-get, as root)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
  }
  mirror=$(debian_mirror) || fail "no Debian mirror to debootstrap from"
  work=$(mktemp -d)
  trap 'rm -rf "${work}"' EXIT
  say "debootstrap --variant=minbase bookworm from ${mirror} (a few minutes, once)"
  debootstrap --variant=minbase bookworm "${work}/rootfs" "${mirror}" >"${work}/log" 2>&1 \
    || { tail -5 "${work}/log" >&2; fail "debootstrap failed (full log above)"; }
  # What a slim image leaves out too: package caches and lists, documentation, manuals.
  rm -rf "${work}"/rootfs/var/cache/apt/* "${work}"/rootfs/var/lib/apt/lists/* \
    "${work}"/rootfs/usr/share/doc/* "${work}"/rootfs/usr/share/man/* "${work}"/rootfs/usr/share/info/*
  mkdir -p "$(dirname "${ROOTFS}")"
  tar -C "${work}/rootfs" -czf "${ROOTFS}.part" . && mv "${ROOTFS}.part" "${ROOTFS}"
fi

context=$(mktemp -d)
trap 'rm -rf "${context}"' EXIT
cp "${ROOTFS}" "${context}/rootfs.tar.gz"
cp "${NODE_BIN}" "${context}/node"
cat >"${context}/Dockerfile" <<'EOF'
FROM scratch
ADD rootfs.tar.gz /
COPY node /usr/local/bin/node
CMD ["node"]
EOF
say "building ${IMAGE} (Debian bookworm minbase + Node ${NODE_VERSION})"
docker build --quiet -t "${IMAGE}" "${context}" >/dev/null
echo "${IMAGE}"
