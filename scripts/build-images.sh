#!/usr/bin/env bash
# Builds the project's images from the one Dockerfile, through the docker CLI: the twelve services
# (six × two variants) and the kind lab's e2e runner (calculator-lab/e2e, e2e/dist/cli.js).
#   scripts/build-images.sh             inside Docker (multi-stage), as a user with Docker builds them
#   scripts/build-images.sh --if-engine as above, but no engine at all is not an error (make test: the
#                                       container tests then say they did not run)
#   scripts/build-images.sh --platform linux/arm64
#                                       inside Docker, for another architecture (BuildKit with QEMU's
#                                       binfmt, as Docker Desktop has): make kind-bench REGISTRY=…
#   scripts/build-images.sh --from-host from the services the host deploys (`pnpm deploy --prod`) on a
#                                       Node 24 base built here: for an engine that cannot reach the
#                                       npm registry or Docker Hub (podman on an offline machine)
# Without a flag: --from-host when the engine is the project's podman (scripts/engine.sh), else inside Docker.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/images.sh
source scripts/images.sh
DEPLOY_DIR=.run/images

say() { printf '==> %s\n' "$*"; }
fail() { printf 'images: %s\n' "$*" >&2; exit 1; }

mode=auto force='' if_engine='' platform=''
while [ $# -gt 0 ]; do
  case "$1" in
    --from-host | --in-docker) mode=$1 ;;
    --force) force=1 ;;
    --if-engine) if_engine=1 ;;
    --platform) platform=${2:?--platform needs os/arch, e.g. linux/arm64} && shift ;;
    *) fail "usage: scripts/build-images.sh [--from-host|--in-docker [--platform os/arch]] [--force] [--if-engine]" ;;
  esac
  shift
done

if ! scripts/engine.sh up; then
  [ -n "${if_engine}" ] || exit 1
  say "NO CONTAINER ENGINE: the images are not built and the container tests will not run"
  exit 0
fi
engine_env=$(scripts/engine.sh env) # empty for a Docker engine of the user's own
eval "${engine_env}"
if [ "${mode}" = auto ]; then
  if [ -n "${engine_env}" ]; then mode=--from-host; else mode=--in-docker; fi
fi

# docker build, quietly: its output (and the CLI's notice about the legacy builder, which podman's
# API needs) only when it fails.
build() {
  local output
  output=$(docker build --quiet "$@" 2>&1) || { printf '%s\n' "${output}" >&2; fail "docker build $* failed"; }
}

args=()
if [ -n "${platform}" ]; then
  # The host-built images are made of the host's Node and packages: its architecture only.
  [ "${mode}" = --in-docker ] || fail "--platform ${platform} builds inside Docker only (this engine is the project's podman, which builds from the host's files: for $(uname -m) only)"
  args+=(--platform "${platform}")
fi
if [ "${mode}" = --from-host ]; then
  [ -x tools/node/node_modules/.bin/pnpm ] || fail "the toolchain is missing: run 'make deps' first"
  # The project's Node 24 for pnpm, whichever node the caller's PATH has (run outside make, too).
  PATH="${PWD}/tools/node/node_modules/.bin:${PATH}"
  base=$(scripts/base-image.sh)
  args+=(--build-arg SOURCE=host --build-arg "NODE_IMAGE=${base}")
fi

# From the host: what the images are made of (the base, the Dockerfile, the lockfile, the build);
# unchanged, with every image present, there is nothing to do. Inside Docker, its cache decides.
fingerprint=
if [ "${mode}" = --from-host ]; then
  fingerprint=$({
    docker image inspect --format '{{.Id}}' "${base}"
    cat Dockerfile pnpm-lock.yaml
    find packages/*/dist services/*/dist e2e/dist -type f -print0 | sort -z | xargs -0 sha256sum
  } | sha256sum | cut -d' ' -f1)
fi
all_present() {
  for image in "${PROJECT_IMAGES[@]}"; do docker image inspect "${image}" >/dev/null 2>&1 || return 1; done
}
if [ -n "${fingerprint}" ] && [ -z "${force}" ] && [ "$(cat "${DEPLOY_DIR}/fingerprint" 2>/dev/null)" = "${fingerprint}" ] && all_present; then
  say "the ${#IMAGES[@]} images are up to date (scripts/build-images.sh --force rebuilds them)"
  exit 0
fi

started=$(date +%s)
if [ "${mode}" = --from-host ]; then
  say "deploying the six services and the e2e runner from the host's build (pnpm deploy --prod) into ${DEPLOY_DIR}/"
  for package in "${PACKAGES[@]}"; do
    rm -rf "${DEPLOY_DIR:?}/${package}"
    tools/node/node_modules/.bin/pnpm --filter "@calc/${package}" deploy --prod --offline "${DEPLOY_DIR}/${package}" >/dev/null
  done
fi
for entry in "${IMAGES[@]}"; do
  read -r image service entry_point <<<"${entry}"
  context=.
  [ "${mode}" = --from-host ] && context="${DEPLOY_DIR}/${service}"
  say "${image}"
  build -f Dockerfile ${args[@]+"${args[@]}"} --build-arg SERVICE="${service}" --build-arg ENTRY="${entry_point}" -t "${image}" "${context}"
done

if [ -n "${fingerprint}" ]; then mkdir -p "${DEPLOY_DIR}" && echo "${fingerprint}" >"${DEPLOY_DIR}/fingerprint"; fi
say "built ${#IMAGES[@]} images (${#SERVICES[@]} services × 2 variants, the e2e runner), tag ${TAG}, in $(($(date +%s) - started)) s ($([ "${mode}" = --from-host ] && echo "from the host's build on ${base}" || echo 'inside Docker'))"
printf '%-40s %s\n' IMAGE SIZE
for image in "${PROJECT_IMAGES[@]}"; do
  printf '%-40s %s MB\n' "${image}" "$(($(docker image inspect --format '{{.Size}}' "${image}") / 1000000))"
done
