/** Types of ./process-group.mjs. */
export declare function freePort(): Promise<number>;
export declare function portAnswers(port: number, host?: string): Promise<boolean>;
export declare function groupAlive(pid: number): boolean;
export declare function signalGroup(pid: number, signal: NodeJS.Signals): void;
export declare function stopGroup(pid: number, graceMs?: number): Promise<void>;
export declare function killGroupOnExit(pid: number): () => void;
export declare function onAbnormalExit(cleanUp: () => void): () => void;
export declare function exitOnSignals(onSignal?: (signal: NodeJS.Signals) => void): void;
