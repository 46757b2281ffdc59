#!/usr/bin/env bash
# The sidecar benchmark as a Job in the current kubectl context: apply a k8s-bench composition, wait
# for its scenarios' pods, run the Job (deleted first: a Job's spec cannot change), follow its log,
# and copy bench.md, bench.json and latency.svg out of its pod (kubectl only: no Node on the host).
#   scripts/bench-job.sh <k8s-bench/kind|airgap|combined> <results dir>
# QUICK=1: one short run that checks the harness (the Job's --settings quick).
# IMAGES_SED=<file>: the project's images by digest in a registry, as scripts/push-images.sh wrote it.
set -euo pipefail
cd "$(dirname "$0")/.."
overlay=${1:?usage: scripts/bench-job.sh <k8s-bench composition> <results dir>} results=${2:?results dir}
NS=calculator-lab-bench
STARTED=$(date +%s)
say() { printf '==> %s (%s s)\n' "$*" "$(($(date +%s) - STARTED))" >&2; }
fail() { printf 'bench-job: %s\n' "$*" >&2; exit 1; }

# The lab's traffic generators would share the nodes' CPUs with the benchmark: paused for the run.
paused=()
for ns in dapr-calculator rest-calculator; do
  if [ "$(kubectl -n "${ns}" get deployment mathfanboy -o jsonpath='{.spec.replicas}' 2>/dev/null)" = 1 ]; then
    kubectl -n "${ns}" scale deployment mathfanboy --replicas=0 >/dev/null && paused+=("${ns}")
  fi
done
# shellcheck disable=SC2317 # called by the trap
resume() { for ns in ${paused[@]+"${paused[@]}"}; do kubectl -n "${ns}" scale deployment mathfanboy --replicas=1 >/dev/null || true; done; }
trap resume EXIT
[ ${#paused[@]} -eq 0 ] || say "MathFanBoy paused in ${paused[*]} for the run (it is scaled back to 1 at the end)"

kubectl delete job bench --namespace "${NS}" --ignore-not-found --wait=true >/dev/null
say "applying ${overlay}"
# The Job's settings are its last argument, "full" as written: QUICK=1 makes it "quick".
rendered=$(mktemp)
kubectl kustomize "${overlay}" | sed "s/^\( *- \)full\$/\1$([ -n "${QUICK:-}" ] && echo quick || echo full)/" |
  sed -f "${IMAGES_SED:-/dev/null}" >"${rendered}"
if [ -n "${IMAGES_SED:-}" ] && grep -q '^ *image: calculator-lab/' "${rendered}"; then
  fail "an image of the project was not pushed: $(grep -m1 '^ *image: calculator-lab/' "${rendered}" | tr -s ' ')"
fi
kubectl apply -f "${rendered}" >/dev/null
# The Job once the pods are fresh and up (applied again below): it must not find the pods a restart replaces.
kubectl delete job bench --namespace "${NS}" --wait=true >/dev/null
# Fresh pods for every run: the same sidecars' start for each, and the images as loaded now (a tag
# loaded again does not restart the pods that run it).
for ns in $(kubectl get namespaces -l calculator-lab/bench-scenario -o jsonpath='{.items[*].metadata.name}'); do
  kubectl -n "${ns}" rollout restart deployment/bench-client deployment/bench-target >/dev/null
done
for ns in $(kubectl get namespaces -l calculator-lab/bench-scenario -o jsonpath='{.items[*].metadata.name}'); do
  for deployment in bench-client bench-target; do
    kubectl -n "${ns}" rollout status "deployment/${deployment}" --timeout=300s >/dev/null ||
      fail "${ns}/${deployment} did not roll out (kubectl -n ${ns} describe pods)"
  done
done
kubectl apply -f "${rendered}" >/dev/null
rm -f "${rendered}"
say "the scenarios' pods are up; running the benchmark Job (${NS}/bench; about 3 minutes here, QUICK=1: 1)"
kubectl wait --namespace "${NS}" --for=condition=Ready pod -l job-name=bench --timeout=180s >/dev/null ||
  fail "the bench pod did not start in 180 s (kubectl describe pods -n ${NS})"
pod=$(kubectl get pods --namespace "${NS}" -l job-name=bench -o jsonpath='{.items[0].metadata.name}')
# Its progress on the terminal, while the results are waited for: they are copied out of the pod
# (exec cat), not cut out of the log, which loses what a process writes just before it exits.
kubectl logs --follow --namespace "${NS}" "${pod}" >&2 &
follower=$!
code=''
until kubectl exec --namespace "${NS}" "${pod}" -c bench -- test -e /work/results/READY 2>/dev/null; do
  code=$(kubectl get pod --namespace "${NS}" "${pod}" -o jsonpath='{.status.containerStatuses[0].state.terminated.exitCode}' 2>/dev/null || true)
  [ -z "${code}" ] || break
  sleep 3
done
mkdir -p "${results}"
if [ -z "${code}" ]; then
  for file in bench.md bench.json latency.svg; do
    kubectl exec --namespace "${NS}" "${pod}" -c bench -- cat "/work/results/${file}" >"${results}/${file}"
  done
  kubectl exec --namespace "${NS}" "${pod}" -c bench -- touch /work/results/COLLECTED
  say "results copied out of the Job: ${results}/bench.md, bench.json, latency.svg"
fi
for _ in $(seq 60); do
  code=$(kubectl get pod --namespace "${NS}" "${pod}" -o jsonpath='{.status.containerStatuses[0].state.terminated.exitCode}' 2>/dev/null || true)
  [ -n "${code}" ] && break
  sleep 1
done
wait "${follower}" 2>/dev/null || true
[ -n "${code}" ] || fail "the bench pod's exit code could not be read (kubectl get pods -n ${NS})"
[ -s "${results}/bench.md" ] || fail "the Job ended (exit ${code}) before its results were ready: kubectl logs -n ${NS} ${pod}"
exit "${code}"
