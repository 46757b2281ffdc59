#!/usr/bin/env bash
# The container engine the image build, the container tests and the kind path talk to, through the
# `docker` CLI and the Docker API.
#   scripts/engine.sh up     use the Docker engine if one answers; else set up podman and serve its
#                            Docker-compatible API on .run/engine/podman.sock (installs podman with
#                            apt-get, as root, the first time)
#   scripts/engine.sh env    print the DOCKER_HOST to use (`eval "$(scripts/engine.sh env)"`)
#   scripts/engine.sh down   stop the podman service this project started, and its containers
#   scripts/engine.sh status say which engine answers
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=.run/engine
SOCKET="$PWD/${DIR}/podman.sock"
PIDFILE="${DIR}/podman.pid"
CONF="${DIR}/containers.conf"
REGISTRIES_CONF="${DIR}/registries.conf"
# The service stops by itself after this long without a client, so nothing outlives its use for long.
IDLE_SECONDS=600
PACKAGES=(podman runc netavark aardvark-dns)

say() { printf '==> %s\n' "$*" >&2; }
fail() { printf 'engine: %s\n' "$*" >&2; exit 1; }

# A Docker engine the user already has: DOCKER_HOST as set, or the CLI's default (not ours).
native_docker() {
  [ "${DOCKER_HOST:-}" = "unix://${SOCKET}" ] && return 1
  command -v docker >/dev/null && docker info >/dev/null 2>&1
}

ours_answers() {
  [ -S "${SOCKET}" ] && DOCKER_HOST="unix://${SOCKET}" docker version >/dev/null 2>&1
}

# What this machine kind needs (see docs/containers.md): runc (crun refuses cgroups v1 in hybrid
# mode), no default ulimits (raising RLIMIT_NOFILE is not permitted), no systemd or journald.
write_conf() {
  mkdir -p "${DIR}"
  cat >"${CONF}" <<'EOF'
[containers]
default_ulimits = []

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
  # Docker takes a registry on loopback as plain HTTP (its insecure registries always hold ::1/128
  # and 127.0.0.0/8: moby registry/config.go); podman, as told: the air-gapped benchmark's registry
  # (scripts/kind-airgap.sh), which the docker CLI pushes to through this service.
  cat >"${REGISTRIES_CONF}" <<'EOF'
[[registry]]
location = "localhost:5001"
insecure = true
EOF
}

install_podman() {
  command -v podman >/dev/null && command -v runc >/dev/null && return
  command -v apt-get >/dev/null || fail "no Docker engine answers and podman is not installed: install Docker (https://docs.docker.com/engine/install/) or podman"
  [ "$(id -u)" = 0 ] || fail "no Docker engine answers; podman is needed and installing it needs root: run 'sudo make engine' once"
  say "no Docker engine answers: installing ${PACKAGES[*]} (apt-get, as root)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >/dev/null
}

up() {
  if native_docker; then
    say "using the Docker engine that answers ($(docker version --format '{{.Server.Version}}'))"
    return
  fi
  if ours_answers; then return; fi
  install_podman
  [ "$(id -u)" = 0 ] || fail "podman here runs rootful: run 'sudo make engine' (or as root)"
  command -v docker >/dev/null || fail "the docker CLI is missing: install it (Debian: docker.io, or docker-ce-cli from Docker's repository)"
  write_conf
  rm -f "${SOCKET}"
  say "starting podman's Docker API on ${SOCKET} (stops after ${IDLE_SECONDS} s idle; make engine-down stops it now)"
  CONTAINERS_CONF="${PWD}/${CONF}" CONTAINERS_REGISTRIES_CONF="${PWD}/${REGISTRIES_CONF}" setsid podman system service --time="${IDLE_SECONDS}" "unix://${SOCKET}" \
    </dev/null >"${DIR}/podman.log" 2>&1 &
  echo $! >"${PIDFILE}"
  for _ in $(seq 1 100); do
    ours_answers && break
    kill -0 "$(cat "${PIDFILE}")" 2>/dev/null || fail "podman's service stopped at start; its log: ${DIR}/podman.log"
    sleep 0.1
  done
  ours_answers || fail "podman's service does not answer on ${SOCKET}; its log: ${DIR}/podman.log"
  # The user who ran sudo may use the socket, as the docker group may use Docker's.
  if [ -n "${SUDO_UID:-}" ]; then chown "${SUDO_UID}:${SUDO_GID:-${SUDO_UID}}" "${SOCKET}"; fi
}

env_line() {
  if native_docker; then return; fi
  ours_answers || fail "no engine answers: run 'make engine' first"
  printf 'export DOCKER_HOST=unix://%s\n' "${SOCKET}"
}

down() {
  if ours_answers; then
    local ids
    ids=$(DOCKER_HOST="unix://${SOCKET}" docker ps -aq --filter label=org.calculator-lab.managed=true)
    # shellcheck disable=SC2086 # one id per word
    [ -z "${ids}" ] || DOCKER_HOST="unix://${SOCKET}" docker rm -f ${ids} >/dev/null
  fi
  if [ -f "${PIDFILE}" ]; then
    local pid
    pid=$(cat "${PIDFILE}")
    if kill -0 "${pid}" 2>/dev/null; then
      kill -TERM "${pid}"
      for _ in $(seq 1 50); do kill -0 "${pid}" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "${pid}" 2>/dev/null || true
      say "podman's service stopped"
    fi
    rm -f "${PIDFILE}" "${SOCKET}"
  fi
}

status() {
  if native_docker; then echo "Docker engine: $(docker version --format '{{.Server.Version}}')"
  elif ours_answers; then echo "podman $(podman --version | awk '{print $3}') serving the Docker API on ${SOCKET}"
  else echo "no engine answers (make engine starts one)"; return 1
  fi
}

case "${1:-}" in
  up) up ;;
  env) env_line ;;
  down) down ;;
  status) status ;;
  *) fail "usage: scripts/engine.sh up|env|down|status" ;;
esac
