import { REPO_ROOT } from '@calc/probe-matrix';
import { join } from 'node:path';

/** Where the lab keeps its state: configuration and keys under .run/lab, what a person reads under results/lab. */
export { REPO_ROOT };
export const WORK_DIR = join(REPO_ROOT, '.run', 'lab');
export const RESULTS_DIR = join(REPO_ROOT, 'results', 'lab');
export const LOG_DIR = join(RESULTS_DIR, 'logs');
export const LOCK = join(REPO_ROOT, '.run', 'lab.lock');
