# shellcheck shell=bash
# The Debian mirror a debootstrap uses: DEBIAN_MIRROR if set, else the first one apt's sources name
# (deb822 or one-line), so it is one this machine reaches. No mirror of our own choosing: where apt
# names none, it stops and says which variable to set. Sourced by scripts/base-image.sh and
# scripts/kind-airgap.sh. APT_DIR: where apt's sources are (a test points it elsewhere).
debian_mirror() {
  local apt=${APT_DIR:-/etc/apt} uri=${DEBIAN_MIRROR:-}
  [ -n "${uri}" ] || uri=$(sed -n 's/^URIs: *\(http[^ ]*\/debian\)\/* *$/\1/p' "${apt}"/sources.list.d/*.sources 2>/dev/null | head -1)
  [ -n "${uri}" ] || uri=$(sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\(http[^ ]*\/debian\)\/* .*/\2/p' "${apt}"/sources.list "${apt}"/sources.list.d/*.list 2>/dev/null | head -1)
  if [ -z "${uri}" ]; then
    printf 'no Debian mirror in apt'"'"'s sources (%s): set DEBIAN_MIRROR to the URL of one this machine reaches (…/debian)\n' "${apt}" >&2
    return 1
  fi
  echo "${uri}"
}
