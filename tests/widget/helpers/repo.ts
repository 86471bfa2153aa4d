import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file of this repository, by its path from the root (happy-dom's URL is not node's, so via a string). */
export const repoFile = (path: string) => resolve(dirname(fileURLToPath(import.meta.url)), '../../..', path);
