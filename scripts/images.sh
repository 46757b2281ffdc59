# shellcheck shell=bash disable=SC2034 # the variables are for the scripts that source this file
# The project's images, for scripts/build-images.sh (which builds them) and scripts/kind-env.sh
# (which loads them into kind): the twelve services (six × two variants) and the e2e runner.
# Run from the repository root; bash 3.2 too.
TAG=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' package.json)
SERVICES=(addition subtraction multiplication division percentage mathfanboy)
# What `pnpm deploy --prod` deploys for a build from the host: each service, and the e2e runner.
PACKAGES=("${SERVICES[@]}" e2e)
# Each image as "name package entry": the Dockerfile's SERVICE (a package of the workspace) and
# ENTRY (its entry point, dist/<entry>.js: a service set, dapr or agnostic). The mesh-agnostic images
# are named calculator-lab/mesh-<service>, as the manifests (and Linkerd's output in ../shared) name
# them. PROJECT_IMAGES: the names alone.
IMAGES=()
for set_and_prefix in dapr:dapr agnostic:mesh; do
  for service in "${SERVICES[@]}"; do IMAGES+=("calculator-lab/${set_and_prefix#*:}-${service}:${TAG} ${service} ${set_and_prefix%%:*}"); done
done
IMAGES+=("calculator-lab/e2e:${TAG} e2e cli")
PROJECT_IMAGES=()
for entry in "${IMAGES[@]}"; do PROJECT_IMAGES+=("${entry%% *}"); done
