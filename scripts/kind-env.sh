# shellcheck shell=bash disable=SC2034 # the variables are for the scripts that source this file
# Bash 3.2 too (macOS's): no mapfile, no negative indexes, no empty arrays expanded under set -u.
# The kind lab's pins and paths, sourced by scripts/kind.sh, kind-preflight.sh and kind-prefetch.sh.
CLUSTER=calculator-lab
KIND_VERSION=v0.31.0
# DAPR_VERSION, LINKERD_VERSION and KUBERNETES_VERSION: the project's pins.
# shellcheck source=versions.env
source versions.env
# kind v0.31.0's default image, of the pinned Kubernetes.
NODE_IMAGE=kindest/node:v${KUBERNETES_VERSION}@sha256:452d707d4862f52530247495d180205e029056831160e22870e37e3f6c1ac31f
# The kubectl minors whose built-in kustomize (v5.6.0 in 1.33, v5.7.1 in 1.34 and 1.35, v5.8.1 in
# 1.36) make test checks against the pinned one, overlay by overlay.
KUBECTL_MIN_MINOR=33 KUBECTL_MAX_MINOR=36
DAPR_VALUES=k8s-dapr/dapr-values.yaml
DAPR_REPO=https://dapr.github.io/helm-charts
LINKERD_REPO=https://helm.linkerd.io/edge
LINKERD_CHART_VERSION="20${LINKERD_VERSION#edge-}" # edge-26.8.3 → 2026.8.3 (Linkerd 2.20)
# The version Linkerd edge-26.8.3's own check recommends (healthcheck.go); v1.2.1 is its minimum.
GATEWAY_API_VERSION=v1.5.1
GATEWAY_API_URL="https://github.com/kubernetes-sigs/gateway-api/releases/download/${GATEWAY_API_VERSION}/standard-install.yaml"
# The bare intruder pods' image, as their manifest names it.
INTRUDER_IMAGE=$(sed -n 's/^ *image: *//p' k8s-base/intruder.yaml)
# Redis's, likewise.
REDIS_IMAGE=$(sed -n 's/^ *image: *//p' k8s-base/redis/redis.yaml)
# The project's images (PROJECT_IMAGES) and their TAG.
# shellcheck source=scripts/images.sh
source scripts/images.sh
# What make kind-prefetch keeps, so that make kind-lab then needs no network.
CACHE=${KIND_CACHE:-tools/kind} # a test points it elsewhere
CHARTS="${CACHE}/charts"
PUBLIC_IMAGES_ARCHIVE="${CACHE}/public-images.tar"
# The platform the archive was saved for, written beside it by make kind-prefetch: an archive
# without it (an older prefetch saved every platform of each image) is not loaded.
PUBLIC_IMAGES_PLATFORM="${PUBLIC_IMAGES_ARCHIVE}.platform"
GATEWAY_API_FILE="${CACHE}/gateway-api-${GATEWAY_API_VERSION}-standard-install.yaml"
RUN_DIR=${KIND_RUN_DIR:-.run/kind} # a test points it elsewhere
PKI="${RUN_DIR}/linkerd-pki"
E2E_NAMESPACE=calculator-lab-e2e

# Linkerd's proxy-init: the chart's default iptables mode is nft; a kernel without the xtables
# extensions nft mode uses (some WSL2 kernels) needs legacy: make kind-linkerd LINKERD_IPTABLES_MODE=legacy.
LINKERD_IPTABLES_MODE=${LINKERD_IPTABLES_MODE:-}

# The Docker API version and the engine's platform (os/arch), as the images are saved for it.
docker_api() { docker version --format '{{.Server.APIVersion}}'; }
docker_platform() { docker version --format '{{.Server.Os}}/{{.Server.Arch}}'; }
# `docker save --platform` exists from Docker API 1.48: without it, an image pulled for one platform
# is saved as its whole index, and kind load image-archive (ctr import --all-platforms, kind's
# pkg/cluster/nodeutils/util.go) fails on Docker's containerd store: "content digest … not found"
# (kubernetes-sigs/kind#3795).
api_at_least() {
  local have_major=${1%%.*} have_minor=${1#*.} want_major=${2%%.*} want_minor=${2#*.}
  ((have_major > want_major || (have_major == want_major && have_minor >= want_minor)))
}
save_flags() { if api_at_least "$(docker_api)" 1.48; then printf -- '--platform %s' "$(docker_platform)"; fi; }

# The cgroup version of the machine Docker runs its containers on (Docker Desktop: its VM's). A
# test sets DOCKER_CGROUP_VERSION, as INOTIFY_DIR, where the real engine's answer is not the case under test.
cgroup_version() { echo "${DOCKER_CGROUP_VERSION:-$(docker info --format '{{.CgroupVersion}}' 2>/dev/null)}"; }

say() { printf '==> %s\n' "$*"; }
fail() { printf 'kind lab: %s\n' "$*" >&2; exit 1; }
