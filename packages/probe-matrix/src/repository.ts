import { fileURLToPath } from 'node:url';

/** The repository's root, with a trailing slash, for the packages that run inside it (not the e2e's image, which has none). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
