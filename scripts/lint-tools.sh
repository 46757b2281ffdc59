#!/usr/bin/env bash
# Installs shellcheck (Debian package) for make test and k8s-check. Not part of the kind path.
set -euo pipefail
command -v shellcheck >/dev/null && exit 0
if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "==> installing shellcheck (apt-get)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends shellcheck >/dev/null ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends shellcheck >/dev/null; }
else
  echo "error: shellcheck is missing: install it with your package manager" >&2
  exit 1
fi
