import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the lab keeps its state: configuration and keys under .run/lab, what a person reads under results/lab. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const WORK_DIR = join(REPO_ROOT, '.run', 'lab');
export const RESULTS_DIR = join(REPO_ROOT, 'results', 'lab');
export const LOG_DIR = join(RESULTS_DIR, 'logs');
export const LOCK = join(REPO_ROOT, '.run', 'lab.lock');
