// Where the container tests find their engine, and how they keep it tidy without Ryuk.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { NETWORK_PREFIX } from './network.js';
import { REPO_ROOT } from '@calc/probe-matrix';
import type { ServiceSet } from '@calc/core';

/** On every container and network the tests make: how a later run finds what an earlier one left. */
export const MANAGED = { 'org.calculator-lab.managed': 'true' };

export type Engine = { available: true; dockerHost: string } | { available: false; reason: string };

/**
 * The engine scripts/engine.sh provides (the user's Docker, or podman here), made the one
 * testcontainers talks to. Ryuk, testcontainers' reaper, is an image pulled from Docker Hub, which an
 * offline engine cannot do: it is off, and removeLeftovers() does its work at the start of a run.
 */
export function useEngine(): Engine {
  const up = spawnSync(`${REPO_ROOT}scripts/engine.sh`, ['up'], { encoding: 'utf8' });
  if (up.status !== 0) return noEngine((up.stderr || up.stdout).trim().split('\n').at(-1) || 'scripts/engine.sh up failed');
  const env = spawnSync(`${REPO_ROOT}scripts/engine.sh`, ['env'], { encoding: 'utf8' });
  const dockerHost = /DOCKER_HOST=(\S+)/.exec(env.stdout)?.[1] ?? process.env.DOCKER_HOST ?? '';
  if (dockerHost) process.env.DOCKER_HOST = dockerHost;
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  return { available: true, dockerHost: dockerHost || 'the docker CLI default' };
}

/**
 * No engine: on a developer's machine the container tests say so loudly and are skipped; under CI
 * (CI=true), where the project promises they run, that is an error that fails their files.
 */
export function noEngine(reason: string, ci = process.env.CI === 'true'): Engine {
  if (ci) throw new Error(`the container tests must run under CI, and no container engine answers: ${reason}`);
  return { available: false, reason };
}

/** The docker CLI on the engine above; throws with its output when it fails. */
export function docker(...args: string[]): string {
  const run = spawnSync('docker', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`docker ${args.join(' ')}: ${(run.stderr || run.stdout).trim()}`);
  return run.stdout.trim();
}

/** Removes the containers and networks an earlier run left (one killed before its clean-up). */
export function removeLeftovers(): void {
  const label = `label=${Object.keys(MANAGED)[0]}=true`;
  const containers = docker('ps', '-aq', '--filter', label).split('\n').filter(Boolean);
  if (containers.length > 0) docker('rm', '-f', ...containers);
  const networks = docker('network', 'ls', '-q', '--filter', `name=${NETWORK_PREFIX}`).split('\n').filter(Boolean);
  if (networks.length > 0) docker('network', 'rm', ...networks);
}

/** Each service set's image name prefix (scripts/images.sh): the manifests name the mesh-agnostic images mesh-<service>. */
const IMAGE_PREFIX: Record<ServiceSet, string> = { dapr: 'dapr', agnostic: 'mesh' };

/** The project's image of a service, as scripts/build-images.sh tags it. */
export function imageOf(set: ServiceSet, service: string): string {
  const { version } = JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as { version: string };
  return `calculator-lab/${IMAGE_PREFIX[set]}-${service}:${version}`;
}
