#!/usr/bin/env bash
# Installs what make test's checks of what a person sees need (Debian packages): Chromium and
# poppler-utils' pdftotext (report.html in a browser, and printed), and tmux (./lab top in a real
# terminal). Not part of the lab or the kind path: the report is a plain HTML file any browser opens.
set -euo pipefail
missing=()
command -v chromium >/dev/null || command -v chromium-browser >/dev/null || missing+=(chromium)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
command -v tmux >/dev/null || missing+=(tmux)
[ ${#missing[@]} -gt 0 ] || exit 0
if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "==> installing ${missing[*]} (apt-get; first time only, Chromium is about 100 MB), for the tests of the report and ./lab top"
  install() { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
  install || { apt-get update -qq && install; }
else
  echo "warning: ${missing[*]} missing and no way to install them (apt-get as root): the tests that need them will say so and fail" >&2
fi
