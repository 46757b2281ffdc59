#!/usr/bin/env bash
# make kind-prefetch: everything make kind-lab would download, fetched now (the instructor's first
# step, and each participant's before the event), so that make kind-lab then runs with the network off:
#   tools/kind/charts/          the Dapr and Linkerd charts (helm pull)
#   tools/kind/gateway-api-…    the Gateway API CRDs (curl)
#   tools/kind/public-images.tar every public image the cluster runs, for this engine's platform,
#                               after checking that each is published for it (docker manifest inspect)
#   Docker's image store        the node image (pulled) and the project's images (built inside Docker)
# Safe to repeat: what is there is kept (delete tools/kind/ to fetch again).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/kind-env.sh
source scripts/kind-env.sh
started=$(date +%s)

scripts/kind-preflight.sh --prefetch
mkdir -p "${CHARTS}"

pull_chart() {
  local name=$1 repo=$2 version=$3
  if [ -s "${CHARTS}/${name}-${version}.tgz" ]; then return; fi
  say "helm pull ${name} ${version}"
  helm pull "${name}" --repo "${repo}" --version "${version}" --destination "${CHARTS}"
}
pull_chart dapr "${DAPR_REPO}" "${DAPR_VERSION}"
pull_chart linkerd-crds "${LINKERD_REPO}" "${LINKERD_CHART_VERSION}"
pull_chart linkerd-control-plane "${LINKERD_REPO}" "${LINKERD_CHART_VERSION}"

if [ ! -s "${GATEWAY_API_FILE}" ]; then
  say "the Gateway API CRDs ${GATEWAY_API_VERSION}"
  curl -fsSL -o "${GATEWAY_API_FILE}.part" "${GATEWAY_API_URL}" && mv "${GATEWAY_API_FILE}.part" "${GATEWAY_API_FILE}"
fi

# The public images the charts run, read from the charts as the lab installs them (Dapr's sidecar
# is in its injector's SIDECAR_IMAGE, Linkerd's proxy and proxy-init in its own control plane's pods).
scripts/kind.sh pki >/dev/null
# --kube-version: without it Helm checks a chart's kubeVersion (Linkerd's: ">=1.31.0-0") against
# the default it was built with (1.20 in Helm's source), and a build that kept it refuses the chart.
rendered=$({
  helm template dapr "${CHARTS}/dapr-${DAPR_VERSION}.tgz" --kube-version "${KUBERNETES_VERSION}" --namespace dapr-system --values "${DAPR_VALUES}"
  helm template linkerd-control-plane "${CHARTS}/linkerd-control-plane-${LINKERD_CHART_VERSION}.tgz" --kube-version "${KUBERNETES_VERSION}" --namespace linkerd \
    --set-file identityTrustAnchorsPEM="${PKI}/ca.crt" \
    --set-file identity.issuer.tls.crtPEM="${PKI}/issuer.crt" \
    --set-file identity.issuer.tls.keyPEM="${PKI}/issuer.key"
})
public=()
while read -r image; do public+=("${image}"); done < <(grep -oE '(ghcr\.io/dapr|cr\.l5d\.io/linkerd)/[a-z0-9-]+:[A-Za-z0-9._-]+' <<<"${rendered}" | sort -u)
[ "${#public[@]}" -ge 8 ] || fail "the charts named ${#public[@]} images (${public[*]-none}): expected Dapr's and Linkerd's"
public+=("${INTRUDER_IMAGE}" "${REDIS_IMAGE}")

# Every pinned image must exist for this engine's platform (Apple Silicon: arm64).
platform=$(docker version --format '{{.Server.Os}}/{{.Server.Arch}}')
arch=${platform#*/}
missing=()
for image in "${NODE_IMAGE}" "${public[@]}"; do
  manifest=$(docker manifest inspect "${image}" 2>/dev/null) || { missing+=("${image}: its manifest could not be read (network? docker login?)"); continue; }
  grep -q "\"architecture\": *\"${arch}\"" <<<"${manifest}" || missing+=("${image}: not published for ${arch}")
done
if [ "${#missing[@]}" -gt 0 ]; then
  printf 'kind lab: images the lab cannot run on %s:\n' "${platform}" >&2
  printf '  - %s\n' "${missing[@]}" >&2
  exit 1
fi
say "every pinned image is published for ${platform}: ${NODE_IMAGE%@*}, ${public[*]}"

say "pulling the node image and ${#public[@]} public images for ${platform}"
docker pull --quiet "${NODE_IMAGE}" >/dev/null
for image in "${public[@]}"; do docker pull --quiet --platform "${platform}" "${image}" >/dev/null; done
# Saved for this platform alone (as the project's images are: kind load image-archive fails on an
# archive of every platform, kubernetes-sigs/kind#3795), and said so beside it; an archive without
# that word, or for another platform, is saved anew.
if [ ! -s "${PUBLIC_IMAGES_ARCHIVE}" ] || [ "$(cat "${PUBLIC_IMAGES_PLATFORM}" 2>/dev/null)" != "${platform}" ]; then
  [ -s "${PUBLIC_IMAGES_ARCHIVE}" ] && say "${PUBLIC_IMAGES_ARCHIVE} was not saved for ${platform}: saving it anew"
  rm -f "${PUBLIC_IMAGES_PLATFORM}"
  # shellcheck disable=SC2046 # save_flags prints separate arguments, or none
  docker save $(save_flags) -o "${PUBLIC_IMAGES_ARCHIVE}.part" "${public[@]}" && mv "${PUBLIC_IMAGES_ARCHIVE}.part" "${PUBLIC_IMAGES_ARCHIVE}"
  echo "${platform}" >"${PUBLIC_IMAGES_PLATFORM}"
fi

scripts/build-images.sh
say "prefetched in $(($(date +%s) - started)) s: tools/kind/ ($(du -sh "${CACHE}" | cut -f1)), the node image and the project's images in Docker; make kind-lab needs no network now"
