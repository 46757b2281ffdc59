#!/usr/bin/env bash
# The sidecar benchmark as a Job in the current kubectl context: apply a k8s-bench composition, wait
# for its scenarios' pods, run the Job (deleted first: a Job's spec cannot change), follow its log,
# and cut bench.md, bench.json and latency.svg out of it (no Node on the host).
#   scripts/bench-job.sh <k8s-bench/kind|airgap|combined> <results dir>
set -euo pipefail
cd "$(dirname "$0")/.."
overlay=${1:?usage: scripts/bench-job.sh <k8s-bench composition> <results dir>} results=${2:?results dir}
NS=calculator-lab-bench
STARTED=$(date +%s)
say() { printf '==> %s (%s s)\n' "$*" "$(($(date +%s) - STARTED))" >&2; }
fail() { printf 'bench-job: %s\n' "$*" >&2; exit 1; }

kubectl delete job bench --namespace "${NS}" --ignore-not-found --wait=true >/dev/null
say "applying ${overlay}"
kubectl apply -k "${overlay}" >/dev/null
for ns in $(kubectl get namespaces -l calculator-lab/bench-scenario -o jsonpath='{.items[*].metadata.name}'); do
  for deployment in bench-client bench-target; do
    kubectl -n "${ns}" rollout status "deployment/${deployment}" --timeout=300s >/dev/null ||
      fail "${ns}/${deployment} did not roll out (kubectl -n ${ns} describe pods)"
  done
done
say "the scenarios' pods are up; running the benchmark Job (${NS}/bench; about 10 minutes, QUICK: 1)"
kubectl wait --namespace "${NS}" --for=condition=Ready pod -l job-name=bench --timeout=180s >/dev/null ||
  fail "the bench pod did not start in 180 s (kubectl describe pods -n ${NS})"
mkdir -p "${results}"
log=$(mktemp)
# The progress on the terminal, the framed files only into the log.
kubectl logs --follow --namespace "${NS}" job/bench | tee "${log}" | awk '/^----- BEGIN /{ framed = 1 } !framed { print } /^----- END /{ framed = 0 }' >&2
awk -v dir="${results}" '
  /^----- BEGIN (bench\.md|bench\.json|latency\.svg) -----$/ { file = dir "/" $3; printf "" > file; next }
  /^----- END (bench\.md|bench\.json|latency\.svg) -----$/ { close(file); file = ""; next }
  file != "" { print > file }
' "${log}"
rm -f "${log}"
code=''
for _ in $(seq 30); do
  code=$(kubectl get pods --namespace "${NS}" -l job-name=bench -o jsonpath='{.items[0].status.containerStatuses[0].state.terminated.exitCode}' 2>/dev/null || true)
  [ -n "${code}" ] && break
  sleep 1
done
[ -n "${code}" ] || fail "the bench pod's exit code could not be read (kubectl get pods -n ${NS})"
[ -s "${results}/bench.md" ] && say "results copied out of the Job: ${results}/bench.md, bench.json, latency.svg"
exit "${code}"
