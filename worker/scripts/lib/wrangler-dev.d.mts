/** Types of ./wrangler-dev.mjs (for the TypeScript tests). */

export declare const PROJECT_ROOT: string;

export interface StartWranglerDevOptions {
  /** The project whose `node_modules/.bin/wrangler` runs, and its working directory. Default: this repository. */
  root?: string;
  /** `--config`: a generated wrangler.json (the benchmarks' bundle). Default: the project's wrangler.jsonc. */
  configPath?: string;
  /** `--ip`. Default `127.0.0.1`; null leaves wrangler's default (`npm start`: localhost). */
  ip?: string | null;
  /** `--port`. Default: a free port. */
  port?: number;
  /** `--inspector-port`. Default: a free port (so several servers can run at once). */
  inspectorPort?: number;
  /** `--persist-to`: KV and Durable Object state that is kept. Default: a fresh directory, deleted by stop(). */
  persistTo?: string;
  /** Where throwaway directories go. Default `.tmp/wrangler-dev`. */
  tmpDir?: string;
  /** ADMIN_TOKEN. Default: random. */
  adminToken?: string;
  /** More `--var NAME:value` pairs: SITES, RATE_LIMIT, development secrets… */
  vars?: Record<string, string>;
  /** `--log-level`. Default `warn` (wrangler logs every request at `info`). */
  logLevel?: 'debug' | 'info' | 'log' | 'warn' | 'error' | 'none';
  /** `capture` (default): kept for log(); `inherit`: printed to this process's terminal. */
  output?: 'capture' | 'inherit';
  /** More `wrangler dev` arguments, e.g. `--test-scheduled`. */
  args?: string[];
  /**
   * Resolves true once the server answers as wanted, false to keep waiting; throws to give up
   * (a refused connection is retried). Default: `GET /api/comments?site=demo&thread=/` answers 200.
   */
  ready?: (origin: string) => Promise<boolean>;
  /** How long to wait for `ready`. Default 90 s (the first start bundles the Worker). */
  readyTimeoutMs?: number;
  /** Refuse to start without dist/widget.js. Default: true unless `configPath` is given. */
  needsDist?: boolean;
}

/** A running `wrangler dev`. */
export interface WranglerDev {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  origin: string;
  port: number;
  inspectorPort: number;
  /** The ADMIN_TOKEN it was started with. */
  adminToken: string;
  /** wrangler's pid, which leads the process group (workerd included). */
  pid: number | undefined;
  persistTo: string;
  configPath: string | undefined;
  /** How long it took to answer, in ms. */
  startupMs: number;
  /** Everything wrangler and workerd printed so far (with `output: 'capture'`). */
  log(): string;
  /** Settles when wrangler exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Stops wrangler and workerd, then deletes the throwaway directory. Safe to call twice. */
  stop(): Promise<void>;
}

export declare function offlineEnv(xdgConfigHome: string, options?: { colour?: boolean }): NodeJS.ProcessEnv;
export declare function demoThreadAnswers(origin: string): Promise<boolean>;
export declare function startWranglerDev(options?: StartWranglerDevOptions): Promise<WranglerDev>;
