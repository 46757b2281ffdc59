#!/usr/bin/env bash
# The kind lab: a kind cluster, the project's images, Dapr and Linkerd, the calculator, the e2e run.
#   scripts/kind.sh check|up|images|dapr|linkerd|deploy|e2e|combined|restore|bench|bench-combined|top|down|lab
#   (pki: Linkerd's certificates only)
# dapr, linkerd, bench and bench-combined take another cluster: CONTEXT=<kubectl context>, with
# REGISTRY=<host>[:port]/<path> for the images and INSTALL_INTO=<the same context> to install there.
# Every step checks what it needs first and is safe to repeat. Needs Docker, kind, kubectl, helm 3
# or 4 and openssl — no Go, no Node: manifests render with kubectl's kustomize, images build inside
# Docker, the e2e runs as a Job in the cluster. Needs the network (charts, the Gateway API CRDs, the
# node and public images) unless make kind-prefetch filled tools/kind/ before.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/kind-env.sh
source scripts/kind-env.sh
DAPR_MTLS=${DAPR_MTLS:-true}
PROJECT_ARCHIVE="${RUN_DIR}/images.tar"

# Checks the tools a step needs (make kind-check checks them all, with versions and resources).
need() {
  local missing=()
  for tool in "$@"; do
    case "$tool" in
      docker) docker info >/dev/null 2>&1 || missing+=("docker: no Docker engine answers (make kind-check says more)") ;;
      cluster) kind get clusters 2>/dev/null | grep -qx "${CLUSTER}" || missing+=("the kind cluster ${CLUSTER}: make kind-up") ;;
      context)
        if other_context; then
          kubectl config get-contexts -o name 2>/dev/null | grep -qx "${CONTEXT}" || missing+=("the kubectl context ${CONTEXT} (kubectl config get-contexts lists them)")
        else
          kind get clusters 2>/dev/null | grep -qx "${CLUSTER}" || missing+=("the kind cluster ${CLUSTER}: make kind-up")
        fi
        ;;
      *) command -v "${tool}" >/dev/null || missing+=("${tool}: make kind-check says how to install it") ;;
    esac
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    printf 'kind lab: missing prerequisites:\n' >&2
    printf '  - %s\n' "${missing[@]}" >&2
    exit 1
  fi
  if [[ " $* " == *" cluster "* ]] && other_context; then
    fail "CONTEXT=${CONTEXT}: this step runs on the lab's kind cluster only (CONTEXT is for kind-dapr, kind-linkerd, kind-bench and kind-bench-combined)"
  fi
  if [[ " $* " == *" context "* ]] && other_context; then
    # That context alone, in a kubeconfig of its own: the user's current context stays as it is.
    mkdir -p "${RUN_DIR}"
    kubectl config view --minify --flatten --context "${CONTEXT}" >"${RUN_DIR}/context.kubeconfig"
    export KUBECONFIG="${PWD}/${RUN_DIR}/context.kubeconfig"
  elif [[ " $* " == *" cluster "* || " $* " == *" context "* ]]; then
    kubectl config use-context "kind-${CLUSTER}" >/dev/null
  fi
}

# CONTEXT=<kubectl context>: kind-dapr, kind-linkerd and the benchmark against another cluster.
other_context() { [ -n "${CONTEXT:-}" ] && [ "${CONTEXT}" != "kind-${CLUSTER}" ]; }

# Dapr and Linkerd are installed cluster-wide, with the lab's values: into the lab's kind cluster,
# and into another context only when it is named twice (CONTEXT=x INSTALL_INTO=x).
may_install() {
  other_context || return 0
  [ "${INSTALL_INTO:-}" = "${CONTEXT}" ] ||
    fail "CONTEXT=${CONTEXT} is not the lab's kind cluster: installing $1 there (cluster-wide, with the lab's values) needs INSTALL_INTO=${CONTEXT} as well"
  say "installing $1 into ${CONTEXT}, as INSTALL_INTO says"
}

up() {
  need docker kind kubectl
  if kind get clusters 2>/dev/null | grep -qx "${CLUSTER}"; then say "cluster ${CLUSTER} already up"; return; fi
  local config=()
  # From Kubernetes 1.35 the kubelet refuses a cgroup v1 host unless failCgroupV1 is false
  # (k8s.io/kubernetes pkg/kubelet/apis/config/v1beta1/defaults.go), and kind v0.31.0 never sets it
  # (kubernetes-sigs/kind#4077): WSL2 with a distribution's dockerd, RHEL 8, Ubuntu 20.04, Amazon Linux 2.
  if [ "$(cgroup_version)" = 1 ]; then
    mkdir -p "${RUN_DIR}"
    cat >"${RUN_DIR}/kind-config.yaml" <<'YAML'
# Written by scripts/kind.sh on a cgroup v1 host: Kubernetes 1.35's kubelet runs there only if told to.
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
kubeadmConfigPatches:
  - |
    kind: KubeletConfiguration
    failCgroupV1: false
YAML
    config=(--config "${RUN_DIR}/kind-config.yaml")
    say "Docker's machine mounts cgroup v1: the kubelet is told to accept it (failCgroupV1: false)"
  fi
  say "creating kind cluster ${CLUSTER} (${NODE_IMAGE%@*})"
  kind create cluster --name "${CLUSTER}" --image "${NODE_IMAGE}" ${config[@]+"${config[@]}"} --wait 180s
}

# The project's images, loaded as one archive: `kind load docker-image` fails with Docker 29's
# containerd image store (kubernetes-sigs/kind#3795), and `docker save --platform` (Docker API 1.48
# and later) keeps the archive to the node's platform. Public images are the node's to pull
# (imagePullPolicy IfNotPresent), unless make kind-prefetch saved them for this platform: then they
# are loaded too, and the node needs no network.
images() {
  need docker kind cluster
  scripts/build-images.sh
  local platform flags
  platform=$(docker_platform)
  flags=$(save_flags)
  mkdir -p "${RUN_DIR}"
  say "saving ${#PROJECT_IMAGES[@]} images (Docker API $(docker_api)${flags:+, platform ${platform}}) and loading them into ${CLUSTER}"
  # shellcheck disable=SC2086 # save_flags prints separate arguments, or none
  docker save ${flags} -o "${PROJECT_ARCHIVE}" "${PROJECT_IMAGES[@]}"
  kind load image-archive --name "${CLUSTER}" "${PROJECT_ARCHIVE}"
  rm -f "${PROJECT_ARCHIVE}"
  if [ -s "${PUBLIC_IMAGES_ARCHIVE}" ]; then
    if [ "$(cat "${PUBLIC_IMAGES_PLATFORM}" 2>/dev/null)" = "${platform}" ]; then
      say "loading the public images make kind-prefetch saved for ${platform} (${PUBLIC_IMAGES_ARCHIVE})"
      kind load image-archive --name "${CLUSTER}" "${PUBLIC_IMAGES_ARCHIVE}"
    else
      printf '  ! %s was not saved for %s by this version of make kind-prefetch: not loaded (kind load fails on an archive of every platform); the node pulls the public images instead. make kind-prefetch saves it anew.\n' \
        "${PUBLIC_IMAGES_ARCHIVE}" "${platform}" >&2
    fi
  fi
}

# A chart as helm takes it: the file make kind-prefetch saved, else from its repository.
chart() {
  local name=$1 repo=$2 version=$3
  if [ -s "${CHARTS}/${name}-${version}.tgz" ]; then echo "${CHARTS}/${name}-${version}.tgz"
  else echo "${name} --repo ${repo} --version ${version}"
  fi
}

dapr() {
  need kubectl helm context
  may_install "Dapr ${DAPR_VERSION}"
  say "installing Dapr ${DAPR_VERSION} (Helm; scheduler in memory; mTLS ${DAPR_MTLS})"
  # shellcheck disable=SC2046 # chart prints separate arguments
  helm upgrade --install dapr $(chart dapr "${DAPR_REPO}" "${DAPR_VERSION}") \
    --namespace dapr-system --create-namespace \
    --values "${DAPR_VALUES}" \
    --set global.mtls.enabled="${DAPR_MTLS}" \
    --wait --timeout 5m
}

# Linkerd's identity: an ECDSA P-256 trust anchor and an issuer under it, made here and kept for
# reruns; made anew when a file is missing or the issuer expires within a week. They start a day
# back: linkerd-identity refuses a certificate not yet valid, and a Docker VM's clock can lag the
# host's. `openssl ca` sets the start date in OpenSSL and in macOS's LibreSSL alike.
linkerd_pki() {
  if [ -s "${PKI}/ca.crt" ] && [ -s "${PKI}/issuer.crt" ] && [ -s "${PKI}/issuer.key" ] &&
    openssl x509 -checkend 604800 -noout -in "${PKI}/issuer.crt" >/dev/null 2>&1; then
    return
  fi
  say "making Linkerd's trust anchor and issuer (${PKI})"
  rm -rf "${PKI}" && mkdir -p "${PKI}"
  local now start end
  now=$(date +%s)
  start=$(utc_stamp $((now - 86400)))
  end=$(utc_stamp $((now + 365 * 86400)))
  (
    cd "${PKI}"
    : >index.txt
    echo 01 >serial
    cat >ca.cnf <<'CNF'
[ca]
default_ca = lab
[lab]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any
unique_subject = no
[any]
commonName = supplied
[req]
distinguished_name = dn
[dn]
[anchor]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[issuer]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
CNF
    openssl ecparam -name prime256v1 -genkey -noout -out ca.key
    openssl req -new -key ca.key -subj "/CN=root.linkerd.cluster.local" -config ca.cnf -out ca.csr
    openssl ca -batch -notext -config ca.cnf -selfsign -keyfile ca.key -in ca.csr -startdate "${start}" -enddate "${end}" -extensions anchor -out ca.crt 2>ca.log || { cat ca.log >&2; exit 1; }
    openssl ecparam -name prime256v1 -genkey -noout -out issuer.key
    openssl req -new -key issuer.key -subj "/CN=identity.linkerd.cluster.local" -config ca.cnf -out issuer.csr
    openssl ca -batch -notext -config ca.cnf -cert ca.crt -keyfile ca.key -in issuer.csr -startdate "${start}" -enddate "${end}" -extensions issuer -out issuer.crt 2>ca.log || { cat ca.log >&2; exit 1; }
  )
}

# An epoch time as ASN.1 UTCTime (YYMMDDHHMMSSZ), with GNU date or BSD date (macOS).
utc_stamp() { date -u -d "@$1" +%y%m%d%H%M%SZ 2>/dev/null || date -u -r "$1" +%y%m%d%H%M%SZ; }

linkerd() {
  need kubectl helm openssl context
  may_install "Linkerd ${LINKERD_VERSION}"
  local crds=${GATEWAY_API_URL}
  [ -s "${GATEWAY_API_FILE}" ] && crds=${GATEWAY_API_FILE}
  say "installing the Gateway API CRDs ${GATEWAY_API_VERSION}"
  kubectl apply --server-side -f "${crds}"
  linkerd_pki
  say "installing Linkerd ${LINKERD_VERSION} (Helm chart ${LINKERD_CHART_VERSION}${LINKERD_IPTABLES_MODE:+, proxy-init in ${LINKERD_IPTABLES_MODE} mode})"
  # shellcheck disable=SC2046 # chart prints separate arguments
  helm upgrade --install linkerd-crds $(chart linkerd-crds "${LINKERD_REPO}" "${LINKERD_CHART_VERSION}") \
    --namespace linkerd --create-namespace --wait
  # shellcheck disable=SC2046
  helm upgrade --install linkerd-control-plane $(chart linkerd-control-plane "${LINKERD_REPO}" "${LINKERD_CHART_VERSION}") \
    --namespace linkerd \
    --set-file identityTrustAnchorsPEM="${PKI}/ca.crt" \
    --set-file identity.issuer.tls.crtPEM="${PKI}/issuer.crt" \
    --set-file identity.issuer.tls.keyPEM="${PKI}/issuer.key" \
    ${LINKERD_IPTABLES_MODE:+--set "proxyInit.iptablesMode=${LINKERD_IPTABLES_MODE}"} \
    --wait --timeout 5m || linkerd_init_failed
}

# Linkerd's own control-plane pods are meshed: where proxy-init cannot write the kernel's rules
# (some WSL2 kernels lack the xtables extensions nft mode uses), they never start and helm --wait
# times out. Say what linkerd-init said, and the switch to legacy mode.
linkerd_init_failed() {
  local messages
  messages=$(kubectl get pods --namespace linkerd -o jsonpath='{range .items[*]}{range .status.initContainerStatuses[?(@.name=="linkerd-init")]}{.lastState.terminated.message}{.state.terminated.message}{end}{end}' 2>/dev/null || true)
  if [ -n "${messages}" ] && [ "${LINKERD_IPTABLES_MODE}" != legacy ]; then
    printf 'linkerd-init, in Linkerd'"'"'s own pods, said:\n%s\n' "${messages}" >&2
    fail "Linkerd's proxy-init could not write iptables rules in nft mode (the chart's default). Run: make kind-linkerd LINKERD_IPTABLES_MODE=legacy (docs/workshop.md, \"Linkerd does not start\")"
  fi
  fail "Linkerd did not become ready in 5 minutes: kubectl -n linkerd get pods; kubectl -n linkerd describe pods${messages:+ (linkerd-init said: ${messages})}"
}

# kubectl's built-in kustomize renders the overlays (make test checks it renders them as the pinned one).
deploy() {
  need kubectl cluster
  for overlay in k8s-dapr k8s-linkerd; do
    say "applying ${overlay}"
    kubectl apply -k "${overlay}"
  done
}

# The e2e as a Job in the cluster (k8s-e2e, or $1): it prints its findings framed at the end of its
# log, and they are cut out of it into results/kind/ (or $2) here. Its exit code is the Job's container's.
e2e() {
  local job=${1:-k8s-e2e} results=${2:-results/kind}
  need kubectl cluster
  kubectl delete job e2e --namespace "${E2E_NAMESPACE}" --ignore-not-found --wait=true >/dev/null
  kubectl apply -k "${job}" >/dev/null
  say "running the e2e in the cluster (Job ${E2E_NAMESPACE}/e2e)"
  local phase='' waited=0
  while :; do
    phase=$(kubectl get pods --namespace "${E2E_NAMESPACE}" -l job-name=e2e -o jsonpath='{.items[0].status.phase}' 2>/dev/null || true)
    case "${phase}" in Running | Succeeded | Failed) break ;; esac
    if ((waited >= 180)); then
      kubectl get pods --namespace "${E2E_NAMESPACE}" -l job-name=e2e -o wide >&2 || true
      fail "the e2e pod did not start in 180 s (${phase:-no pod}; kubectl describe pods -n ${E2E_NAMESPACE} says why; is calculator-lab/e2e:${TAG} loaded? make kind-images)"
    fi
    sleep 2 && waited=$((waited + 2))
  done
  mkdir -p "${RUN_DIR}" "${results}"
  kubectl logs --follow --namespace "${E2E_NAMESPACE}" job/e2e | tee "${RUN_DIR}/e2e.log" |
    awk '/^----- BEGIN (findings\.md|findings\.json|report\.html) -----$/ { framed = 1 } !framed { print; fflush() } /^----- END (findings\.md|findings\.json|report\.html) -----$/ { framed = 0 }'
  unframe_findings "${RUN_DIR}/e2e.log" "${results}"
  local code='' tries=0
  until [ -n "${code}" ] || ((tries >= 30)); do
    code=$(kubectl get pods --namespace "${E2E_NAMESPACE}" -l job-name=e2e -o jsonpath='{.items[0].status.containerStatuses[0].state.terminated.exitCode}' 2>/dev/null || true)
    [ -n "${code}" ] || { sleep 1 && tries=$((tries + 1)); }
  done
  [ -n "${code}" ] || fail "the e2e pod's exit code could not be read (kubectl get pods -n ${E2E_NAMESPACE})"
  [ -s "${results}/findings.md" ] && say "findings copied out of the Job: ${results}/findings.md, findings.json, report.html"
  return "${code}"
}

# The files between "----- BEGIN <name> -----" and "----- END <name> -----" in log $1, into dir $2.
unframe_findings() {
  awk -v dir="$2" '
    /^----- BEGIN (findings\.md|findings\.json|report\.html) -----$/ { file = dir "/" $3; printf "" > file; next }
    /^----- END (findings\.md|findings\.json|report\.html) -----$/ { close(file); file = ""; next }
    file != "" { print > file }
  ' "$1"
}

# dapr-calculator made anew from an overlay: the namespace deleted (so nothing of another overlay
# stays: its Servers, its meshed pods), applied, every Deployment rolled out.
redeploy_dapr_calculator() {
  local overlay=$1
  say "redeploying dapr-calculator from ${overlay}"
  kubectl delete namespace dapr-calculator --ignore-not-found --wait
  kubectl apply -k "${overlay}"
  for deployment in $(kubectl -n dapr-calculator get deployments -o name); do
    kubectl -n dapr-calculator rollout status "${deployment}" --timeout=300s
  done
}

# Dapr + Linkerd, as the article recommends: Dapr's mTLS is cluster-wide, so this reinstalls Dapr
# with it off, redeploys dapr-calculator from k8s-dapr/overlays/with-linkerd (after kind-linkerd) and
# runs the e2e's dapr-mesh rows (results/kind-combined/). make kind-restore goes back to the main run.
combined() {
  need kubectl helm cluster
  DAPR_MTLS=false dapr
  redeploy_dapr_calculator k8s-dapr/overlays/with-linkerd
  kubectl -n dapr-calculator get pods -o custom-columns=POD:.metadata.name,INIT:.spec.initContainers[*].name,CONTAINERS:.spec.containers[*].name
  e2e k8s-e2e/combined results/kind-combined
}

# Back to the main run after make kind-combined: Dapr with its mTLS on again, dapr-calculator
# redeployed from k8s-dapr alone (unmeshed, the article's Configuration only). Then make kind-e2e.
restore() {
  need kubectl helm cluster
  DAPR_MTLS=true dapr
  redeploy_dapr_calculator k8s-dapr
  say "dapr-calculator is the main run's again; make kind-e2e runs its rows"
}

# The sidecar benchmark as a Job: direct, Dapr and Linkerd in the same rounds (after make kind-lab).
bench() {
  need kubectl context
  run_bench k8s-bench/kind results/kind-bench
}

# Dapr + Linkerd paired with direct: Dapr's mTLS off, cluster-wide, as make kind-combined does (make kind-restore undoes it).
bench_combined() {
  need kubectl helm context
  DAPR_MTLS=false dapr
  run_bench k8s-bench/combined results/kind-bench-combined
}

# One composition of k8s-bench as a Job, once the sidecars are there and the images where the nodes pull them.
run_bench() {
  sidecars_installed
  local images
  images=$(bench_images)
  IMAGES_SED=${images} scripts/bench-job.sh "$1" "$2"
}

# ./lab top inside the cluster (scripts/kind-top.sh): the e2e image with the e2e's service account.
top() {
  need kubectl cluster
  scripts/kind-top.sh
}

# The benchmark's injectors, by their webhooks' names in Dapr's chart and Linkerd's.
sidecars_installed() {
  local where=${CONTEXT:-kind-${CLUSTER}} flags=${CONTEXT:+ CONTEXT=${CONTEXT} INSTALL_INTO=${CONTEXT}}
  kubectl get mutatingwebhookconfiguration dapr-sidecar-injector >/dev/null 2>&1 || fail "no Dapr in ${where}: install it (make kind-dapr${flags})"
  kubectl get mutatingwebhookconfiguration linkerd-proxy-injector-webhook-config >/dev/null 2>&1 || fail "no Linkerd in ${where}: install it (make kind-linkerd${flags})"
}

# The benchmark's two images (the e2e runner, multiplication) where the nodes pull them: pushed to
# REGISTRY and named by digest (prints the sed script for bench-job.sh), or loaded by make kind-lab.
bench_images() {
  local sed_file="${RUN_DIR}/bench-images.sed"
  if [ -n "${REGISTRY:-}" ]; then
    mkdir -p "${RUN_DIR}"
    scripts/push-images.sh "${REGISTRY}" "${sed_file}" "calculator-lab/e2e:${TAG}" "calculator-lab/mesh-multiplication:${TAG}" >&2
    echo "${sed_file}"
  elif other_context; then
    fail "CONTEXT=${CONTEXT}: its nodes cannot see this machine's images; REGISTRY=<host>[:port]/<path> pushes them where they can pull"
  fi
}

down() {
  need kind
  if kind get clusters 2>/dev/null | grep -qx "${CLUSTER}"; then
    kind delete cluster --name "${CLUSTER}"
  else
    say "no cluster ${CLUSTER}: nothing to remove"
  fi
}

check() { scripts/kind-preflight.sh; }

lab() {
  check
  up
  images
  dapr
  linkerd
  deploy
  e2e
}

case "${1:-}" in
  check | up | images | dapr | linkerd | deploy | e2e | combined | restore | bench | top | down | lab) "$1" ;;
  pki) linkerd_pki ;;
  bench-combined) bench_combined ;;
  *) fail "usage: scripts/kind.sh check|up|images|dapr|linkerd|deploy|e2e|combined|restore|bench|bench-combined|top|down|lab" ;;
esac
