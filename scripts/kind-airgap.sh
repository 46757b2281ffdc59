#!/usr/bin/env bash
# The Dapr half of the kind lab on a machine with no registry and no Docker engine, from source:
# Kubernetes 1.35.0, etcd, CoreDNS, crictl, kind v0.31.0, Helm and Dapr 1.18.3 built from their Go
# modules, a kind node image assembled from Debian packages (as kind's own base image is, less its
# GitHub downloads), the cluster run by kind's podman provider, then Dapr's own chart, k8s-dapr and
# the e2e's Dapr rows. Not in make test: the first build takes minutes and needs root.
#   scripts/kind-airgap.sh [run]   build what is missing, (re)create the cluster, run; results/kind-airgap/
#   scripts/kind-airgap.sh bench   the benchmark's direct and Dapr scenarios as a Job in that cluster; results/kind-airgap-bench/
#   scripts/kind-airgap.sh down    delete the cluster
# Linkerd's half cannot run here (its proxy can be neither pulled nor built): docs/kind-airgap.md.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=versions.env
source versions.env
# shellcheck source=scripts/kind-env.sh
source scripts/kind-env.sh
# shellcheck source=scripts/debian-mirror.sh
source scripts/debian-mirror.sh

HERE=tools/kind-airgap
BIN="${PWD}/${HERE}/bin"
CLUSTER_NAME=calculator-lab-airgap
RUN=.run/kind-airgap
export KUBECONFIG="${PWD}/${RUN}/kubeconfig"
export KIND_EXPERIMENTAL_PROVIDER=podman
K8S_VERSION=v${KUBERNETES_VERSION}
NODE=localhost/kind-airgap/node:${K8S_VERSION}
BASE=localhost/kind-airgap/base:bookworm
DAPR_SRC=tools/dapr/.build/dapr-v${DAPR_VERSION}
KIND_MODULE=sigs.k8s.io/kind@${KIND_VERSION}
NODE_BIN="${PWD}/tools/node/node_modules/node/bin/node"
STARTED=$(date +%s)
REGISTRY_NAME=calculator-lab-airgap-registry REGISTRY_PORT=5001
REGISTRY_VERSION=$(sed -n 's#^require github.com/distribution/distribution/v3 ##p' "${HERE}/registry/go.mod")

say() { printf '==> %s (%s s)\n' "$*" "$(($(date +%s) - STARTED))" >&2; }
fail() { printf 'kind-airgap: %s\n' "$*" >&2; exit 1; }

# podman through its Docker API for the docker CLI (images), and its own CLI for kind.
engine() {
  scripts/engine.sh up >/dev/null
  eval "$(scripts/engine.sh env)"
  export CONTAINERS_CONF="${PWD}/.run/engine/containers.conf"
}

# A Go module's command into bin/, once; Go's caches make a rebuild quick.
go_build() {
  local module=$1 out=$2 package=$3 ldflags=${4:-}
  [ -x "${BIN}/${out}" ] && return
  say "building ${out} from its Go module"
  (cd "${HERE}/${module}" && CGO_ENABLED=0 GOFLAGS=-mod=mod GONOSUMDB='github.com/diagridio/*' \
    go build -trimpath -tags tools -ldflags "-s -w ${ldflags}" -o "${BIN}/${out}" "${package}")
}

binaries() {
  mkdir -p "${BIN}"
  if [ ! -x "${BIN}/kind" ]; then say "building kind ${KIND_VERSION}"; GOBIN="${BIN}" go install "${KIND_MODULE}"; fi
  local version="-X k8s.io/component-base/version.gitVersion=${K8S_VERSION} -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=35 -X k8s.io/component-base/version.gitTreeState=clean"
  for cmd in kubelet kubeadm kubectl kube-apiserver kube-controller-manager kube-scheduler kube-proxy; do
    go_build k8s "${cmd}" "k8s.io/kubernetes/cmd/${cmd}" "${version}"
  done
  go_build etcd etcd .
  go_build coredns coredns github.com/coredns/coredns
  go_build crictl crictl sigs.k8s.io/cri-tools/cmd/crictl
  go_build helm helm helm.sh/helm/v3/cmd/helm
  [ -f "${DAPR_SRC}/go.mod" ] || tools/dapr/build.sh
  local dapr="-X github.com/dapr/dapr/pkg/buildinfo.version=${DAPR_VERSION}"
  for cmd in operator placement sentry injector scheduler; do go_build dapr "${cmd}" "github.com/dapr/dapr/cmd/${cmd}" "${dapr}"; done
  go_build dapr daprd ./daprd-kind "${dapr}"
  if [ ! -x "${BIN}/pause" ]; then
    gcc -Os -static -DVERSION=3.10.1 -o "${BIN}/pause" "$(go env GOMODCACHE)/k8s.io/kubernetes@${K8S_VERSION}/build/pause/linux/pause.c"
  fi
}

# A Debian bookworm root filesystem with these packages, made once (debootstrap, as root) and kept.
rootfs() {
  local name=$1 packages=$2 tarball="tools/images/${1}.tar.gz" dir
  if [ ! -s "${tarball}" ]; then
    command -v debootstrap >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
    local mirror
    mirror=$(debian_mirror) || fail "no Debian mirror to debootstrap from"
    dir=$(mktemp -d)
    say "debootstrap ${name}: ${packages}"
    debootstrap --variant=minbase --include="${packages}" bookworm "${dir}" "${mirror}" >"${dir}.log" 2>&1 || { tail -5 "${dir}.log" >&2; fail "debootstrap failed"; }
    rm -rf "${dir}"/var/cache/apt/* "${dir}"/var/lib/apt/lists/* "${dir}"/usr/share/doc/* "${dir}"/usr/share/man/*
    mkdir -p tools/images
    tar -C "${dir}" -czf "${tarball}.part" . && mv "${tarball}.part" "${tarball}"
    rm -rf "${dir}" "${dir}.log"
  fi
  echo "${tarball}"
}

# kind's base image (images/base/Dockerfile of the kind module), its packages from Debian instead of
# GitHub: systemd, containerd, runc, the CNI plugins; kind's own files and units from the module.
base_image() {
  podman image exists "${BASE}" && return
  local tarball files dir
  tarball=$(rootfs kind-base-bookworm systemd,systemd-sysv,conntrack,iptables,nftables,iproute2,ethtool,util-linux,mount,kmod,libseccomp2,pigz,bash,ca-certificates,curl,jq,procps,containerd,runc,containernetworking-plugins)
  files="$(go env GOMODCACHE)/${KIND_MODULE}/images/base/files"
  [ -d "${files}" ] || go mod download "${KIND_MODULE}"
  dir=$(mktemp -d)
  tar -C "${dir}" -xzf "${tarball}"
  install -m 0755 "${files}"/usr/local/bin/* "${dir}/usr/local/bin/"
  # As the Dockerfile's COPY --chmod: kind's files 0644, its scripts 0755 (the module cache's are read-only).
  mkdir -p "${dir}/kind" && cp -r "${files}/kind/." "${dir}/kind/"
  find "${dir}/kind" -type f -exec chmod 0644 {} + && chmod 0755 "${dir}/kind/bin" "${dir}"/kind/bin/*
  cp "${files}/etc/crictl.yaml" "${dir}/etc/"
  mkdir -p "${dir}/etc/containerd" "${dir}/etc/systemd/system/kubelet.service.d" "${dir}/etc/kubernetes/manifests" "${dir}/etc/cni/net.d"
  install -m 0644 "${files}"/etc/containerd/* "${dir}/etc/containerd/"
  install -m 0644 "${files}"/etc/default/* "${dir}/etc/default/"
  install -m 0644 "${files}"/etc/sysctl.d/* "${dir}/etc/sysctl.d/"
  install -m 0644 "${files}"/etc/systemd/system/*.service "${files}"/etc/systemd/system/*.slice "${dir}/etc/systemd/system/"
  install -m 0644 "${files}"/etc/systemd/system/kubelet.service.d/* "${dir}/etc/systemd/system/kubelet.service.d/"
  # As kind's Dockerfile does: only the units a node needs, no kernel messages in the journal.
  find "${dir}/lib/systemd/system/sysinit.target.wants/" -name systemd-tmpfiles-setup.service -delete
  rm -f "${dir}"/lib/systemd/system/multi-user.target.wants/* "${dir}"/etc/systemd/system/*.wants/* \
    "${dir}"/lib/systemd/system/local-fs.target.wants/* "${dir}"/lib/systemd/system/sockets.target.wants/*udev* \
    "${dir}"/lib/systemd/system/sockets.target.wants/*initctl* "${dir}"/lib/systemd/system/basic.target.wants/*
  echo "ReadKMsg=no" >>"${dir}/etc/systemd/journald.conf"
  mkdir -p "${dir}/etc/systemd/system/multi-user.target.wants"
  for unit in kubelet containerd undo-mount-hacks; do ln -sf "/etc/systemd/system/${unit}.service" "${dir}/etc/systemd/system/multi-user.target.wants/"; done
  ln -sf /dev/null "${dir}/etc/systemd/system/systemd-binfmt.service"
  # Debian's paths where kind's units and containerd's defaults look.
  for b in containerd ctr containerd-shim-runc-v2; do ln -sf "/usr/bin/${b}" "${dir}/usr/local/bin/${b}"; done
  mkdir -p "${dir}/opt/cni" && ln -sfn /usr/lib/cni "${dir}/opt/cni/bin"
  install -m 0755 "${BIN}/crictl" "${dir}/usr/local/bin/crictl"
  chroot "${dir}" ctr oci spec | chroot "${dir}" jq '.hooks.createContainer[.hooks.createContainer | length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' |
    chroot "${dir}" jq 'del(.process.rlimits)' >"${dir}/etc/containerd/cri-base.json"
  # This machine's kernel refuses a negative oom_score_adj, which the kubelet asks of every pod sandbox.
  install -m 0755 "${HERE}/node/runc-no-negative-oom" "${dir}/usr/local/sbin/runc-no-negative-oom"
  sed -i '/runtimes.runc.options\]/a\    BinaryName = "/usr/local/sbin/runc-no-negative-oom"' "${dir}/etc/containerd/config.toml"
  # A bridge CNI from Debian's plugins stands in for kindnetd (pod_network gives each node its range).
  install -m 0644 "${HERE}/node/10-bridge.conflist" "${dir}/etc/cni/net.d/10-bridge.conflist"
  say "importing ${BASE}"
  tar -C "${dir}" -c . | podman import --change 'ENV container=docker' --change 'STOPSIGNAL SIGRTMIN+3' \
    --change 'ENTRYPOINT ["/usr/local/bin/entrypoint","/sbin/init"]' - "${BASE}" >/dev/null
  rm -rf "${dir}"
}

# An image of one binary, named as its consumer expects.
binary_image() {
  local image=$1 binary=$2 entry=$3 from=${4:-scratch} user=${5:-} ctx
  podman image exists "${image}" && return
  ctx=$(mktemp -d)
  cp "${binary}" "${ctx}/"
  { printf 'FROM %s\nCOPY %s %s\n' "${from}" "$(basename "${binary}")" "${entry}"
    printf 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin\nENTRYPOINT ["%s"]\n' "${entry}"
    [ -z "${user}" ] || printf 'USER %s\n' "${user}"; } >"${ctx}/Containerfile"
  podman build -q -t "${image}" "${ctx}" >/dev/null
  rm -rf "${ctx}"
}

# The node image, as `kind build node-image` makes one: the base booted, Kubernetes' binaries in,
# the control plane's images imported into its containerd, committed.
node_image() {
  podman image exists "${NODE}" && return
  local k=registry.k8s.io
  for c in kube-apiserver kube-controller-manager kube-scheduler; do binary_image "${k}/${c}:${K8S_VERSION}" "${BIN}/${c}" "/usr/local/bin/${c}"; done
  # kube-proxy runs iptables: the node's own Debian userland under it, as upstream's distroless-iptables.
  binary_image "${k}/kube-proxy:${K8S_VERSION}" "${BIN}/kube-proxy" /usr/local/bin/kube-proxy "${BASE}"
  binary_image "${k}/etcd:3.6.6-0" "${BIN}/etcd" /usr/local/bin/etcd
  binary_image "${k}/coredns/coredns:v1.13.1" "${BIN}/coredns" /coredns
  binary_image "${k}/pause:3.10.1" "${BIN}/pause" /pause
  podman tag "${k}/pause:3.10.1" "${k}/pause:3.10"
  mkdir -p "${RUN}"
  rm -f "${RUN}/control-plane.tar"
  podman save -m --format docker-archive -o "${RUN}/control-plane.tar" \
    "${k}/kube-apiserver:${K8S_VERSION}" "${k}/kube-controller-manager:${K8S_VERSION}" "${k}/kube-scheduler:${K8S_VERSION}" \
    "${k}/kube-proxy:${K8S_VERSION}" "${k}/etcd:3.6.6-0" "${k}/coredns/coredns:v1.13.1" "${k}/pause:3.10.1" "${k}/pause:3.10" >/dev/null
  say "assembling ${NODE}"
  local b=kind-airgap-nodebuild
  podman rm -f "${b}" >/dev/null 2>&1 || true
  podman run --name "${b}" --detach --tty --privileged --tmpfs /tmp --tmpfs /run --volume /lib/modules:/lib/modules:ro \
    -e container=podman --cgroupns=private "${BASE}" >/dev/null
  for _ in $(seq 60); do podman exec "${b}" ctr version >/dev/null 2>&1 && break; sleep 1; done
  for c in kubelet kubeadm kubectl; do podman cp "${BIN}/${c}" "${b}:/usr/bin/${c}"; done
  podman exec "${b}" sh -c "echo ${K8S_VERSION} > /kind/version"
  podman cp "${RUN}/control-plane.tar" "${b}:/kind/control-plane.tar"
  podman exec "${b}" ctr -n k8s.io images import --all-platforms --no-unpack /kind/control-plane.tar >/dev/null
  podman exec "${b}" rm /kind/control-plane.tar
  podman stop -t 10 "${b}" >/dev/null
  podman commit -q --change 'ENTRYPOINT ["/usr/local/bin/entrypoint","/sbin/init"]' --change 'ENV container=docker' \
    --change 'STOPSIGNAL SIGRTMIN+3' "${b}" "${NODE}" >/dev/null
  podman rm "${b}" >/dev/null
  rm -f "${RUN}/control-plane.tar"
}

# What the cluster runs besides: the project's images, Dapr's (each control-plane name its chart asks
# for is the one image), Redis (Debian's, as the local lab's) and the intruder's Node.
workload_images() {
  scripts/build-images.sh >/dev/null
  local cp=ghcr.io/dapr
  if ! podman image exists "${cp}/sentry:${DAPR_VERSION}"; then
    local ctx
    ctx=$(mktemp -d)
    cp "${BIN}"/{operator,placement,sentry,injector,scheduler} "${ctx}/"
    printf 'FROM scratch\nCOPY operator placement sentry injector scheduler /\nUSER 65532:65532\n' >"${ctx}/Containerfile"
    podman build -q -t "${cp}/dapr:${DAPR_VERSION}" "${ctx}" >/dev/null
    rm -rf "${ctx}"
    for c in operator placement sentry injector scheduler; do podman tag "${cp}/dapr:${DAPR_VERSION}" "${cp}/${c}:${DAPR_VERSION}"; done
  fi
  binary_image "${cp}/daprd:${DAPR_VERSION}" "${BIN}/daprd" /daprd scratch 65532:65532
  if ! podman image exists "docker.io/library/${REDIS_IMAGE}"; then
    podman import --change 'USER 999:999' --change 'CMD ["redis-server"]' "$(rootfs redis-bookworm redis-server)" "docker.io/library/${REDIS_IMAGE}" >/dev/null
  fi
  # The intruder's Node: the project's own base (Node 24.21.0 on Debian), as the container tests use it.
  podman tag "$(scripts/base-image.sh)" "docker.io/library/${INTRUDER_IMAGE}"
}

# kind's known trouble with more than one node: each node's systemd, containerd and kubelet hold
# inotify instances, and this machine allows 128 per user (kind's docs raise it to 512).
inotify_limit() {
  local instances
  instances=$(sysctl -n fs.inotify.max_user_instances)
  if [ "${instances}" -lt 512 ]; then
    say "raising fs.inotify.max_user_instances from ${instances} to 512 for two kind nodes (until the next boot)"
    sysctl -qw fs.inotify.max_user_instances=512
  fi
}

# Each node its own pod range (10.244.<i>.0/24; the node image bakes the first) and a route to every
# other node's through that node, as kindnetd makes them, without masquerading pod-to-pod traffic.
# The control plane takes workloads too: the benchmark's client and target can then run apart.
pod_network() {
  local nodes=() ips=() i j
  while read -r node; do nodes+=("${node}"); done < <("${BIN}/kind" get nodes --name "${CLUSTER_NAME}" | sort)
  for node in "${nodes[@]}"; do ips+=("$(podman inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "${node}")"); done
  for i in "${!nodes[@]}"; do
    sed -e "s#10.244.0.0/24#10.244.${i}.0/24#" -e 's#"ipMasq":true#"ipMasq":false#' "${HERE}/node/10-bridge.conflist" |
      podman exec -i "${nodes[i]}" sh -c 'cat > /etc/cni/net.d/10-bridge.conflist'
    for j in "${!nodes[@]}"; do
      [ "${i}" = "${j}" ] || podman exec "${nodes[i]}" ip route replace "10.244.${j}.0/24" via "${ips[j]}"
    done
  done
  "${BIN}/kubectl" taint nodes "${nodes[0]}" node-role.kubernetes.io/control-plane:NoSchedule- >/dev/null
  # CoreDNS started before the ranges were set (on the worker, in the first node's range): again, in its node's.
  "${BIN}/kubectl" -n kube-system delete pods -l k8s-app=kube-dns >/dev/null
  "${BIN}/kubectl" -n kube-system rollout status deployment/coredns --timeout=120s >/dev/null
  say "pod network: ${#nodes[@]} nodes (${ips[*]}), pod ranges 10.244.0-$((${#nodes[@]} - 1)).0/24 routed node to node"
}

cluster() {
  mkdir -p "${RUN}"
  "${BIN}/kind" delete cluster --name "${CLUSTER_NAME}" >/dev/null 2>&1 || true
  inotify_limit
  say "creating the kind cluster ${CLUSTER_NAME}: a control plane and a worker (${NODE})"
  { cat "${HERE}/node/kind-config.yaml" && printf 'nodes:\n  - role: control-plane\n    image: %s\n  - role: worker\n    image: %s\n' "${NODE}" "${NODE}"; } >"${RUN}/kind-config.yaml"
  "${BIN}/kind" create cluster --name "${CLUSTER_NAME}" --config "${RUN}/kind-config.yaml" --wait 180s >"${RUN}/create.log" 2>&1 ||
    { tail -20 "${RUN}/create.log" >&2; fail "kind create cluster failed (${RUN}/create.log)"; }
  pod_network
  say "loading the images into ${CLUSTER_NAME}"
  local archive="${RUN}/images.tar" cp=ghcr.io/dapr
  rm -f "${archive}"
  podman save -m --format docker-archive -o "${archive}" "${PROJECT_IMAGES[@]}" \
    "${cp}/operator:${DAPR_VERSION}" "${cp}/placement:${DAPR_VERSION}" "${cp}/sentry:${DAPR_VERSION}" "${cp}/injector:${DAPR_VERSION}" \
    "${cp}/scheduler:${DAPR_VERSION}" "${cp}/daprd:${DAPR_VERSION}" "docker.io/library/${REDIS_IMAGE}" "docker.io/library/${INTRUDER_IMAGE}" >/dev/null
  "${BIN}/kind" load image-archive --name "${CLUSTER_NAME}" "${archive}" >/dev/null
  rm -f "${archive}"
}

run() {
  [ "$(id -u)" = 0 ] || fail "needs root (debootstrap, and podman's rootful kind provider): sudo make kind-airgap"
  if [ ! -x "${NODE_BIN}" ] || [ ! -f e2e/dist/cli.js ]; then fail "build the project first: make build"; fi
  # kind mounts /lib/modules into its node, and so does the node image's assembly: a machine without
  # kernel modules (this one) gets an empty one first, or podman fails with "statfs /lib/modules".
  mkdir -p /lib/modules
  engine
  binaries
  base_image
  node_image
  workload_images
  cluster
  say "installing Dapr ${DAPR_VERSION} from its own chart (${DAPR_SRC}/charts/dapr)"
  # The placement's Raft log in memory: this cluster has no volume provisioner (kind's needs kindnetd's images).
  "${BIN}/helm" upgrade --install dapr "${DAPR_SRC}/charts/dapr" --namespace dapr-system --create-namespace \
    --values "${DAPR_VALUES}" --set global.registry=ghcr.io/dapr --set global.tag="${DAPR_VERSION}" \
    --set global.mtls.enabled=true --set dapr_placement.cluster.forceInMemoryLog=true --wait --timeout 5m >/dev/null
  say "applying k8s-dapr"
  "${BIN}/kubectl" apply -k k8s-dapr >/dev/null
  say "running the e2e's Dapr rows"
  local code=0
  PATH="${BIN}:${PATH}" "${NODE_BIN}" e2e/dist/cli.js --variant dapr --results results/kind-airgap || code=$?
  say "where dapr-calculator's pods ran: $("${BIN}/kubectl" -n dapr-calculator get pods -o jsonpath='{range .items[*]}{.spec.nodeName}{"\n"}{end}' | sort | uniq -c | awk '{ printf "%s%s (%s pods)", sep, $2, $1; sep = ", " }')"
  say "done: results/kind-airgap/; the cluster stays up (KUBECONFIG=${KUBECONFIG}; scripts/kind-airgap.sh down removes it)"
  return "${code}"
}

# A registry beside the nodes, as kind's local-registry recipe has it: a container on kind's network,
# published on localhost:${REGISTRY_PORT} for the pushes (the engine takes it as plain HTTP, as Docker
# takes any registry on loopback), and each node's containerd told to pull localhost:${REGISTRY_PORT}'s
# images from it (hosts.toml under the config_path the cluster's kind config sets).
registry() {
  local image=localhost/kind-airgap/registry:${REGISTRY_VERSION} ctx address node
  go_build registry registry github.com/distribution/distribution/v3/cmd/registry "-X github.com/distribution/distribution/v3/version.version=${REGISTRY_VERSION}"
  if ! podman image exists "${image}"; then
    ctx=$(mktemp -d)
    cp "${BIN}/registry" "${HERE}/registry/config.yml" "${ctx}/"
    printf 'FROM scratch\nCOPY registry config.yml /\nENTRYPOINT ["/registry", "serve", "/config.yml"]\n' >"${ctx}/Containerfile"
    podman build -q -t "${image}" "${ctx}" >/dev/null
    rm -rf "${ctx}"
  fi
  if [ "$(podman inspect -f '{{.State.Running}}' "${REGISTRY_NAME}" 2>/dev/null)" != true ]; then
    podman rm -f "${REGISTRY_NAME}" >/dev/null 2>&1 || true
    podman run --detach --name "${REGISTRY_NAME}" --network kind --publish "127.0.0.1:${REGISTRY_PORT}:5000" \
      --label org.calculator-lab.managed=true "${image}" >/dev/null
  fi
  address=$(podman inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "${REGISTRY_NAME}")
  for node in $("${BIN}/kind" get nodes --name "${CLUSTER_NAME}"); do
    printf '[host."http://%s:5000"]\n  capabilities = ["pull", "resolve"]\n' "${address}" |
      podman exec -i "${node}" sh -c "mkdir -p '/etc/containerd/certs.d/localhost:${REGISTRY_PORT}' && cat > '/etc/containerd/certs.d/localhost:${REGISTRY_PORT}/hosts.toml'"
  done
  for _ in $(seq 50); do curl -fs "http://localhost:${REGISTRY_PORT}/v2/" >/dev/null && break; sleep 0.1; done
  say "registry ${REGISTRY_VERSION} at localhost:${REGISTRY_PORT} (${address}:5000 on kind's network), the nodes' containerd pointed at it"
}

# The benchmark's half this machine can run (direct and Dapr; Linkerd's proxy cannot be had here),
# in the cluster make kind-airgap left up, on its two nodes. Its images go the way they go to any
# cluster (make kind-bench REGISTRY=…): pushed to a registry, and pulled by the nodes by digest.
bench() {
  [ "$(id -u)" = 0 ] || fail "needs root (podman's rootful kind provider): sudo make kind-airgap-bench"
  engine
  "${BIN}/kind" get clusters 2>/dev/null | grep -qx "${CLUSTER_NAME}" || fail "no cluster ${CLUSTER_NAME}: make kind-airgap first"
  [ -f e2e/dist/bench/cli.js ] || fail "build the project first: make build"
  registry
  PATH="${BIN}:${PATH}" scripts/push-images.sh "localhost:${REGISTRY_PORT}/bench" "${RUN}/bench-images.sed" \
    "calculator-lab/e2e:${TAG}" "calculator-lab/mesh-multiplication:${TAG}"
  PATH="${BIN}:${PATH}" IMAGES_SED="${RUN}/bench-images.sed" scripts/bench-job.sh k8s-bench/airgap results/kind-airgap-bench
}

case "${1:-run}" in
  run) run ;;
  bench) bench ;;
  # ./lab top in this cluster, as make kind-top runs it on the lab's (ONCE=1: one frame).
  top) PATH="${BIN}:${PATH}" scripts/kind-top.sh ;;
  down) engine && { podman rm -f "${REGISTRY_NAME}" >/dev/null 2>&1 || true; } && "${BIN}/kind" delete cluster --name "${CLUSTER_NAME}" ;;
  *) fail "usage: scripts/kind-airgap.sh [run|bench|top|down]" ;;
esac
