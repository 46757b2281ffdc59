# shellcheck shell=bash disable=SC2034 # the variables are for the scripts that source this file
# The project's images, for scripts/build-images.sh (which builds them) and scripts/kind-env.sh
# (which loads them into kind): the twelve services (six × two variants) and the e2e runner.
# Run from the repository root; bash 3.2 too.
TAG=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' package.json)
SERVICES=(addition subtraction multiplication division percentage mathfanboy)
# What `pnpm deploy --prod` deploys for a build from the host: each service, and the e2e runner.
PACKAGES=("${SERVICES[@]}" e2e)
# Each image as "name package variant": the Dockerfile's SERVICE (a package of the workspace) and
# VARIANT (the entry point, dist/<variant>.js). PROJECT_IMAGES: the names alone.
IMAGES=()
for variant in dapr mesh; do
  for service in "${SERVICES[@]}"; do IMAGES+=("calculator-lab/${variant}-${service}:${TAG} ${service} ${variant}"); done
done
IMAGES+=("calculator-lab/e2e:${TAG} e2e cli")
PROJECT_IMAGES=()
for entry in "${IMAGES[@]}"; do PROJECT_IMAGES+=("${entry%% *}"); done
