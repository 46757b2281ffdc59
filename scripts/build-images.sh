#!/usr/bin/env bash
# Builds the twelve images (six services × two variants) from the one Dockerfile.
# Needs a Docker engine; this project's own CI machine has none, so this is for users.
set -euo pipefail
cd "$(dirname "$0")/.."

TAG=$(node -p 'require("./package.json").version' 2>/dev/null || echo 0.1.0)
SERVICES=(addition subtraction multiplication division percentage mathfanboy)

if ! command -v docker >/dev/null 2>&1; then
  echo "error: docker is not installed; install Docker Engine (https://docs.docker.com/engine/install/) to build images" >&2
  exit 1
fi
if ! docker info >/dev/null 2>&1; then
  echo "error: docker is installed but no Docker engine answers (is the daemon running, may this user use it?)" >&2
  exit 1
fi

for variant in dapr mesh; do
  for service in "${SERVICES[@]}"; do
    image="calculator-lab/${variant}-${service}:${TAG}"
    echo "==> ${image}"
    docker build --quiet --build-arg SERVICE="${service}" --build-arg VARIANT="${variant}" -t "${image}" .
  done
done
echo "==> built ${#SERVICES[@]} services × 2 variants, tag ${TAG}"
