/** Types of ./dev-secrets.mjs (for the test launchers). */
export declare const DEV_SECRET_NAMES: readonly ['HASH_KEY', 'LINK_SIGNING_KEY'];
export declare function devSecretsPath(root: string): string;
export declare function devSecrets(root: string): { HASH_KEY: string; LINK_SIGNING_KEY: string };
export declare function devSecretVars(root: string, env?: Record<string, string | undefined>): string[];
