#!/usr/bin/env bash
# Installs Chromium (Debian package) for make test's browser check of results/lab/report.html.
# Not part of the lab or the kind path: the report is a plain HTML file any browser opens.
set -euo pipefail
for candidate in chromium chromium-browser; do command -v "$candidate" >/dev/null && exit 0; done
if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "==> installing Chromium (apt-get; first time only, about 100 MB), for the report's browser test"
  install() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }
  install || { apt-get update -qq && install; }
else
  echo "warning: no Chromium and no way to install it (apt-get as root): the report's browser test will say so and fail" >&2
fi
