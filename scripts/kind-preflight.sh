#!/usr/bin/env bash
# make kind-check, and the first step of make kind-lab: everything the kind lab needs from this
# machine, checked before anything is created; each problem with its fix, on one screen.
#   scripts/kind-preflight.sh             the lab's prerequisites
#   scripts/kind-preflight.sh --prefetch  also what make kind-prefetch needs (curl)
# The lab needs Docker, kind, kubectl, helm, openssl, make and git: no Go, no Node on the host.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/kind-env.sh
source scripts/kind-env.sh

# What the cluster needs of Docker (docs/workshop.md: the manifests' requests, the control planes,
# and what the images and the node take on disk).
MIN_CPUS=2 RECOMMENDED_CPUS=4
MIN_MEMORY_MB=6000 RECOMMENDED_MEMORY_MB=8000
MIN_DISK_MB=10000
# inotify, on Linux with Docker Engine (rootful: the node's processes count as root). kind's known
# issues ("Pod errors due to too many open files") suggest these, for clusters "with many nodes";
# neither kind's source nor its docs give a number for one node, so they are a warning here:
KIND_INOTIFY_WATCHES=524288 KIND_INOTIFY_INSTANCES=512
# What one cluster of this lab was measured to hold (make kind-airgap, Kubernetes 1.35.0 and Dapr
# 1.18.3's control plane with the calculator deployed: 26 instances and 670 watches as root, 7
# instances as Dapr's user; Linkerd's share, kindnetd's and the local-path provisioner's are not
# measured): it stops below about twice as many instances and three times as many watches as measured.
# A stock Ubuntu (128 instances) passes, with the warning.
MEASURED_INOTIFY_WATCHES=670 MEASURED_INOTIFY_INSTANCES=26
NEEDED_INOTIFY_WATCHES=2048 NEEDED_INOTIFY_INSTANCES=64
INOTIFY_DIR=${INOTIFY_DIR:-/proc/sys/fs/inotify} # a test points it at limits of its own

found=() warnings=() problems=()
problem() { problems+=("$1"); }
warning() { warnings+=("$1"); }

# The minor number of a version (v1.35.0 → 35, v0.31.0 → 31).
minor_of() { sed -n 's/^v\{0,1\}[0-9]*\.\([0-9]*\).*/\1/p' <<<"$1"; }

check_docker() {
  if ! command -v docker >/dev/null; then
    problem "docker: not installed. Install Docker Desktop (macOS, Windows with WSL2) or Docker Engine (Linux): https://docs.docker.com/get-docker/"
    return 1
  fi
  local info
  if ! info=$(docker info --format '{{.ServerVersion}}|{{.NCPU}}|{{.MemTotal}}|{{.Architecture}}|{{.OperatingSystem}}|{{.DockerRootDir}}|{{.CgroupVersion}}' 2>/dev/null); then
    problem "docker: the client is installed but no engine answers. Start Docker Desktop or the Docker service, and check that this user may use it (Linux: the docker group)"
    return 1
  fi
  local version cpus memory arch os root cgroup
  IFS='|' read -r version cpus memory arch os root cgroup <<<"${info}"
  cgroup=${DOCKER_CGROUP_VERSION:-${cgroup}}
  local memory_mb=$((memory / 1000000))
  found+=("docker ${version} (${os}, ${arch}, ${cpus} CPUs, $((memory_mb / 1000)) GB)")
  local where="Docker Desktop: Settings → Resources"
  [[ "${os}" == *"Docker Desktop"* ]] || where="the machine (or VM) Docker runs on"
  if ((cpus < MIN_CPUS)); then problem "Docker has ${cpus} CPU: the lab needs ${MIN_CPUS} at least, ${RECOMMENDED_CPUS} to be comfortable; give it more in ${where}"
  elif ((cpus < RECOMMENDED_CPUS)); then warning "Docker has ${cpus} CPUs: it works, slowly (rollouts and probes take longer); ${RECOMMENDED_CPUS} are comfortable (${where})"
  fi
  if ((memory_mb < MIN_MEMORY_MB)); then problem "Docker has $((memory_mb / 1000)) GB of memory: the lab needs $((MIN_MEMORY_MB / 1000)) GB at least, $((RECOMMENDED_MEMORY_MB / 1000)) to be comfortable; give it more in ${where}"
  elif ((memory_mb < RECOMMENDED_MEMORY_MB)); then warning "Docker has $((memory_mb / 1000)) GB of memory: $((RECOMMENDED_MEMORY_MB / 1000)) GB are comfortable (${where})"
  fi
  case "${arch}" in
    x86_64 | amd64) ;;
    aarch64 | arm64) warning "arm64: the project's images are built natively; every public image it uses is published for arm64 by its project, and make kind-prefetch checks each pinned one (docker manifest inspect) — this project is developed and tested on amd64 only" ;;
    *) problem "Docker runs on ${arch}: kind's node image and the lab's public images exist for amd64 and arm64 only" ;;
  esac
  if [ "${cgroup}" = 1 ]; then
    warning "cgroup v1 on Docker's machine: Kubernetes 1.35's kubelet refuses it by default; make kind-up tells it to accept it (failCgroupV1: false), which Kubernetes supports until it removes cgroup v1; a cgroup v2 host is the lasting fix"
  fi
  # Docker Desktop keeps its disk in a VM this script cannot see; Docker Engine's is a local path.
  if [[ "${os}" == *"Docker Desktop"* ]]; then
    warning "disk: Docker Desktop's disk is inside its VM; make sure it has $((MIN_DISK_MB / 1000)) GB free (Settings → Resources; docker system df shows what is used)"
  else
    check_disk "${root}" "Docker's data (${root})"
  fi
  if [ "$(uname -s)" = Linux ] && [[ "${os}" != *"Docker Desktop"* ]]; then check_inotify; fi
}

check_disk() {
  local path=$1 what=$2 free_kb
  [ -e "${path}" ] || return 0
  free_kb=$(df -Pk "${path}" 2>/dev/null | awk 'NR == 2 { print $4 }')
  [ -n "${free_kb}" ] || return 0
  if ((free_kb / 1000 < MIN_DISK_MB)); then
    problem "disk: $((free_kb / 1000000)) GB free for ${what}; the images, the node and its copies of them take about $((MIN_DISK_MB / 1000)) GB: free some (docker system prune removes unused images)"
  fi
}

check_inotify() {
  local watches instances
  watches=$(cat "${INOTIFY_DIR}/max_user_watches" 2>/dev/null || echo "${KIND_INOTIFY_WATCHES}")
  instances=$(cat "${INOTIFY_DIR}/max_user_instances" 2>/dev/null || echo "${KIND_INOTIFY_INSTANCES}")
  inotify_limit max_user_watches "${watches}" "${MEASURED_INOTIFY_WATCHES}" "${NEEDED_INOTIFY_WATCHES}" "${KIND_INOTIFY_WATCHES}"
  inotify_limit max_user_instances "${instances}" "${MEASURED_INOTIFY_INSTANCES}" "${NEEDED_INOTIFY_INSTANCES}" "${KIND_INOTIFY_INSTANCES}"
}

# A limit below what the lab was measured to need stops; below kind's suggestion, a warning.
inotify_limit() {
  local name=$1 have=$2 measured=$3 needed=$4 suggested=$5
  local fix="sudo sysctl fs.inotify.${name}=${suggested}"
  if ((have < needed)); then
    problem "inotify: fs.inotify.${name} is ${have}; one cluster of this lab holds about ${measured} (measured), and the lab asks for ${needed} at least: ${fix}"
  elif ((have < suggested)); then
    warning "inotify: fs.inotify.${name} is ${have}: enough for this lab's one cluster (measured); kind suggests ${suggested} for larger ones (${fix})"
  fi
}

check_kind() {
  if ! command -v kind >/dev/null; then
    problem "kind: not installed. Install kind ${KIND_VERSION}: https://kind.sigs.k8s.io/docs/user/quick-start/#installation (or: go install sigs.k8s.io/kind@${KIND_VERSION})"
    return
  fi
  local version
  version=$(kind version 2>/dev/null | awk '{ print $2 }')
  found+=("kind ${version}")
  if [ "${version}" = "${KIND_VERSION}" ]; then return; fi
  if (($(minor_of "${version}") < $(minor_of "${KIND_VERSION}"))); then
    problem "kind ${version}: the pinned node image (Kubernetes ${KUBERNETES_VERSION}) is kind ${KIND_VERSION}'s; install kind ${KIND_VERSION}"
  else
    warning "kind ${version}: the lab pins ${KIND_VERSION}; a newer kind usually runs its node image, untested here"
  fi
}

check_kubectl() {
  if ! command -v kubectl >/dev/null; then
    problem "kubectl: not installed. Install kubectl 1.35: https://kubernetes.io/docs/tasks/tools/"
    return
  fi
  local version minor
  version=$(kubectl version --client 2>/dev/null | sed -n 's/^Client Version: *//p')
  minor=$(minor_of "${version:-v0.0}")
  found+=("kubectl ${version:-of an unknown version}")
  if ((minor < KUBECTL_MIN_MINOR)); then
    problem "kubectl ${version:-of an unknown version}: the lab renders its manifests with kubectl's built-in kustomize, checked for kubectl 1.${KUBECTL_MIN_MINOR} to 1.${KUBECTL_MAX_MINOR}; install kubectl 1.35"
  elif ((minor > KUBECTL_MAX_MINOR)); then
    warning "kubectl ${version}: its built-in kustomize is newer than the ones checked (kubectl 1.${KUBECTL_MIN_MINOR}–1.${KUBECTL_MAX_MINOR})"
  fi
}

check_helm() {
  if ! command -v helm >/dev/null; then problem "helm: not installed. Install Helm 3 or 4: https://helm.sh/docs/intro/install/"; return; fi
  local version
  version=$(helm version --template '{{.Version}}' 2>/dev/null || echo 'an unknown version')
  if grep -Eq '^v[34]\.' <<<"${version}"; then found+=("helm ${version}")
  else problem "helm ${version}: the lab needs Helm 3 or 4: https://helm.sh/docs/intro/install/"
  fi
}

check_tool() {
  local tool=$1 fix=$2
  if command -v "${tool}" >/dev/null; then found+=("${tool}"); else problem "${tool}: not installed. ${fix}"; fi
}

check_docker || true
check_kind
check_kubectl
check_helm
check_tool openssl "It makes Linkerd's trust anchor: your package manager (macOS and most Linux distributions have it)"
check_tool git "https://git-scm.com/downloads"
if [ "${1:-}" = --prefetch ]; then check_tool curl "It downloads the Gateway API CRDs: your package manager"; fi
check_disk . "this checkout (the images' archive, the cache of make kind-prefetch)"

summary=$(printf '%s, ' ${found[@]+"${found[@]}"})
printf 'kind lab preflight: %s\n' "${summary%, }"
for line in ${warnings[@]+"${warnings[@]}"}; do printf '  ! %s\n' "${line}"; done
if [ "${#problems[@]}" -gt 0 ]; then
  printf 'kind lab: %d problem(s) to fix before the lab can run:\n' "${#problems[@]}" >&2
  printf '  - %s\n' "${problems[@]}" >&2
  exit 1
fi
printf '==> ready: nothing will be created before this check passes\n'
