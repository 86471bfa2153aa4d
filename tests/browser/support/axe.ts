import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/*
 * axe-core (the `axe-core` dev dependency), run inside the page so that it sees the widget's
 * open shadow root: axe walks open shadow roots itself, and reports targets inside them as
 * nested selector lists (`[["#comments", "textarea"]]`).
 */

/** WCAG 2.0, 2.1 and 2.2, levels A and AA: the rules these tests hold pages to. */
export const WCAG_AA_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

let source: string | undefined;

/** axe.min.js, read once. */
function axeSource(): string {
  return (source ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));
}

/** One rule that failed, with every element that failed it. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown; html: string; failureSummary: string }[];
}

export interface AxeReport {
  violations: AxeViolation[];
  /** How many rules passed, and how many need a person to judge (axe's "incomplete"). */
  passes: number;
  incomplete: { id: string; targets: string[] }[];
  /** The axe-core version that ran. */
  version: string;
}

/**
 * Runs axe over the whole document (with the widget's shadow root) for {@link WCAG_AA_TAGS}.
 *
 * axe is put into the page with `page.evaluate` rather than an inline `<script>`
 * (`page.addScriptTag({ content })`): the demo page's CSP forbids inline scripts, and script
 * evaluated through the DevTools protocol is not subject to the page's CSP, so the page is
 * tested with its policy in force.
 */
export async function runAxe(page: Page, tags: string[] = WCAG_AA_TAGS): Promise<AxeReport> {
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.evaluate(`${axeSource()}\n;void 0`);
  }
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { version: string; run(context: Document, options: object): Promise<any> } }).axe;
    const results = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'] });
    const targetText = (target: unknown) => JSON.stringify(target);
    return {
      version: axe.version,
      passes: results.passes.length,
      violations: results.violations.map((v: any) => ({
        id: v.id,
        impact: v.impact ?? null,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n: any) => ({ target: n.target, html: String(n.html).slice(0, 300), failureSummary: String(n.failureSummary ?? '') })),
      })),
      incomplete: results.incomplete.map((v: any) => ({ id: v.id, targets: v.nodes.map((n: any) => targetText(n.target)) })),
    };
  }, tags);
}

/** A readable account of violations, for assertion messages: rule, impact, help, and each element's target, markup and why. */
export function formatViolations(violations: AxeViolation[]): string {
  if (!violations.length) return 'no violations';
  return violations
    .map((v) =>
      [
        `✗ ${v.id} (${v.impact ?? 'no impact given'}): ${v.help} — ${v.helpUrl}`,
        ...v.nodes.map((n) => `    at ${JSON.stringify(n.target)}\n       ${n.html}\n       ${n.failureSummary.replace(/\n/g, '\n       ')}`),
      ].join('\n'),
    )
    .join('\n');
}

/**
 * Splits violations by where their elements are: inside the widget's shadow root (axe gives
 * such targets as a nested list starting with the host, `[["#comments", "button"]]`) or in the
 * host page's own markup. A rule failing in both places appears in both, each with its own nodes.
 */
export function splitByWidget(violations: AxeViolation[], host = '#comments'): { widget: AxeViolation[]; page: AxeViolation[] } {
  const inWidget = (target: unknown) => Array.isArray(target) && Array.isArray(target[0]) && target[0][0] === host;
  const pick = (keep: (target: unknown) => boolean) =>
    violations.map((v) => ({ ...v, nodes: v.nodes.filter((n) => keep(n.target)) })).filter((v) => v.nodes.length > 0);
  return { widget: pick(inWidget), page: pick((target) => !inWidget(target)) };
}
