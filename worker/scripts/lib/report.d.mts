/** Types of ./report.mjs (for the tests). */
import type { ImportReport } from '../../src/portability/run-import';

export declare function formatReport(run: { report: ImportReport; where: string; seconds: number }, file: string, options: { site: string; dryRun?: boolean }): string;
export declare function formatRestore(run: { totals: Record<string, number>; where: string; seconds: number }, file: string, options: { site: string; dryRun?: boolean }): string;
