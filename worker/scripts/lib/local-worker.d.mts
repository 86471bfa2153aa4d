/** Types of ./local-worker.mjs (for the CLI tests). */
export declare const DEV_ADMIN_TOKEN: string;

export interface ProbeResult {
  reachable: boolean;
  status?: number;
  error?: { code: string; message: string };
}

export declare function probe(origin: string, token: string, site: string): Promise<ProbeResult>;
export declare function probeProblem(origin: string, result: ProbeResult, site: string): string;

export interface TemporaryWorker {
  origin: string;
  token: string;
  stop(): Promise<void>;
}

export declare function startTemporaryWorker(options: { root: string; persistTo: string; site: string; token?: string; log?: (line: string) => void }): Promise<TemporaryWorker>;
