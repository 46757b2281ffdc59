# shellcheck shell=bash
# The first Debian mirror apt uses (deb822 or one-line sources), so a debootstrap uses what this
# machine reaches. Sourced by scripts/base-image.sh and scripts/kind-airgap.sh.
debian_mirror() {
  local uri
  uri=$(sed -n 's/^URIs: *\(http[^ ]*\/debian\)\/* *$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
  [ -n "${uri}" ] || uri=$(sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\(http[^ ]*\/debian\)\/* .*/\2/p' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -1)
  echo "${uri:-http://deb.debian.org/debian}"
}
