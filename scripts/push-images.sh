#!/usr/bin/env bash
# Pushes project images to a registry the current kubectl context's nodes pull from, built for the
# nodes' architecture, and writes the sed script that points the manifests at them by digest:
# a re-push under the same tag would leave a node running what it pulled before (IfNotPresent).
#   scripts/push-images.sh <registry>/<path> <sed file> <image>...
#   e.g. scripts/push-images.sh registry.example:5000/lab .run/images.sed calculator-lab/e2e:0.1.0
# Images are built first (scripts/build-images.sh); the docker CLI pushes them, so its login is used.
set -euo pipefail
cd "$(dirname "$0")/.."
usage='usage: scripts/push-images.sh <registry>/<path> <sed file> <image>...'
registry=${1:?${usage}} sed_file=${2:?${usage}}
shift 2
[ $# -gt 0 ] || { echo "${usage}" >&2; exit 2; }
registry=${registry%/}

say() { printf '==> %s\n' "$*" >&2; }
fail() { printf 'push-images: %s\n' "$*" >&2; exit 1; }

case "${registry}" in
  */* | *.* | *:*) ;;
  *) fail "REGISTRY=${registry} names no registry host: give host[:port][/path], e.g. registry.example:5000/calculator-lab" ;;
esac

scripts/engine.sh up >/dev/null
eval "$(scripts/engine.sh env)"

# One architecture for the nodes that run the benchmark: a cluster of several would need an image
# index per image, which this script does not build.
arches=$(kubectl get nodes -o jsonpath='{range .items[*]}{.status.nodeInfo.architecture}{"\n"}{end}' | sort -u)
[ -n "${arches}" ] || fail "the context's nodes could not be listed (kubectl get nodes)"
[ "$(grep -c . <<<"${arches}")" -eq 1 ] ||
  fail "the nodes have several architectures (${arches//$'\n'/ }): one image per architecture would need an index, not built here"
engine_arch=$(docker version --format '{{.Server.Arch}}')
if [ "${arches}" = "${engine_arch}" ]; then
  scripts/build-images.sh >&2
else
  # Docker's BuildKit builds for another architecture (with QEMU's binfmt, as Docker Desktop has
  # it); the images the project's podman builds from the host's files are the host's only.
  say "the nodes are ${arches}, the engine ${engine_arch}: building the images for linux/${arches}"
  scripts/build-images.sh --platform "linux/${arches}" >&2
fi

: >"${sed_file}.part"
for image in "$@"; do
  remote="${registry}/${image}"
  docker tag "${image}" "${remote}"
  say "pushing ${remote}"
  output=$(docker push "${remote}" 2>&1) || { printf '%s\n' "${output}" >&2; fail "docker push ${remote} failed (docker login ${registry%%/*}?)"; }
  # The digest the registry stored, as the push reports it ("<tag>: digest: sha256:… size: …"): the
  # engine's own RepoDigests can name another (podman recompresses the layers it pushes).
  digest=$(printf '%s\n' "${output}" | sed -n 's/.*digest: \(sha256:[0-9a-f]\{64\}\).*/\1/p' | sed -n '$p')
  [ -n "${digest}" ] || { printf '%s\n' "${output}" >&2; fail "docker push ${remote} reported no digest"; }
  printf 's#image: %s$#image: %s@%s#\n' "${image}" "${remote%:*}" "${digest}" >>"${sed_file}.part"
  say "${image} → ${remote%:*}@${digest}"
done
mv "${sed_file}.part" "${sed_file}"
