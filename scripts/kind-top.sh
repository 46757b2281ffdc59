#!/usr/bin/env bash
# ./lab top inside the cluster of the current kubectl context: the e2e image, run with the e2e's
# service account (pods list and pods/proxy in the lab's namespaces, k8s-e2e/job/rbac.yaml), so the
# host needs no Node. ONCE=1 prints one frame (INTERVAL seconds apart, 2 by default); otherwise
# Ctrl-C stops it, and kubectl removes its pod. make kind-top runs it on the lab's kind cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/images.sh
source scripts/images.sh
NS=calculator-lab-e2e
# The e2e's service account and its RoleBindings; a lab namespace not deployed (the air-gapped kind
# has no rest-calculator) only leaves its RoleBinding out, and the view says it cannot read it.
if ! errors=$(kubectl apply -f k8s-e2e/job/rbac.yaml 2>&1 >/dev/null); then
  others=$(grep -v 'namespaces ".*" not found' <<<"${errors}" || true)
  [ -z "${others}" ] || { printf '%s\n' "${errors}" >&2; exit 1; }
fi
tty=(-i) args=()
if [ -n "${ONCE:-}" ]; then args=(--once --interval "${INTERVAL:-2}"); elif [ -t 0 ]; then tty=(-it); fi
exec kubectl run lab-top --namespace "${NS}" --rm --quiet "${tty[@]}" --restart=Never \
  --image "calculator-lab/e2e:${TAG}" --image-pull-policy IfNotPresent \
  --overrides '{"apiVersion":"v1","spec":{"serviceAccountName":"e2e"}}' \
  --command -- node dist/top/cli.js ${args[@]+"${args[@]}"}
