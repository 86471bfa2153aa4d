/**
 * The round-trip rules of `xss-corpus.test.ts`: what text a reader must see for what they typed.
 *
 * Bodies are Markdown, so "what they typed" and "what is shown" differ by design: Markdown's
 * own syntax (`*`, backticks, link brackets, list markers, backslash escapes, entity
 * references…) is consumed, link destinations move into `href`, and whitespace is re-flowed
 * (lines are trimmed, paragraphs are separated by newlines, `\r\n` becomes `\n`). Raw HTML is
 * NOT Markdown syntax for Parley (`html: false`): it must come out as text, character for
 * character. The rules, from strictest to loosest:
 *
 * 1. Our own vectors carry the exact text (and link targets) worked out by hand: the shown
 *    text, whitespace-normalised, must equal it.
 * 2. A string with no Markdown syntax in it ({@link markdownSyntax} finds none) must be shown
 *    exactly, whitespace-normalised (plus CommonMark's one substitution: NUL becomes U+FFFD).
 *    This covers every blns string made of raw HTML, script, SQL, shell, Unicode and emoji.
 * 3. Any other string: every run of 3 or more letters or digits it contains (outside entity
 *    references, which Markdown decodes) must appear, in the same order, in the shown text
 *    with each link's decoded `href` and `title` inserted after the link's text (where
 *    Markdown moves a link's destination). Syntax characters may go; words may not.
 *
 * "Whitespace-normalised" is {@link collapseWhitespace}: JavaScript's `\s` runs to one space,
 * then trimmed. That is also exactly what the API does to names (docs/api.md), so names are
 * compared with it and nothing else.
 */

/** Runs of whitespace (JavaScript's `\s`, which includes line breaks and Unicode spaces) become one space; then trimmed. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A name as the API stores it: whitespace runs to one space, trimmed (docs/api.md, Limits). */
export const normaliseName = collapseWhitespace;

/** CommonMark replaces U+0000 with U+FFFD (a security rule of the spec); nothing else is substituted. */
export function commonMarkSubstitutions(text: string): string {
  return text.replace(/\u0000/g, '\ufffd');
}

/** CommonMark entity and numeric character references (decoded by Markdown into the characters they name). */
const ENTITY_REFERENCE = /&(?:#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});/g;

/**
 * The Markdown constructs (of Parley's Markdown: CommonMark with linkify and hard breaks;
 * no raw HTML, images, headings, tables or rules) that `text` may contain, or [] when it is
 * plain text that Markdown must show unchanged. Deliberately over-eager: a false alarm only
 * moves a string to the looser rule 3; a miss would be caught as a test failure.
 */
export function markdownSyntax(text: string): string[] {
  const found: string[] = [];
  const check = (name: string, pattern: RegExp) => {
    if (pattern.test(text)) found.push(name);
  };
  check('emphasis or list marker (*, _)', /[*_]/);
  check('code span or fence (`)', /`/);
  check('strikethrough or fence (~~)', /~~/);
  check('backslash escape or hard break', /\\(?:[!-/:-@[-`{-~]|$|\n)/m);
  check('entity reference', new RegExp(ENTITY_REFERENCE.source));
  check('link or reference (](, ][, ]:)', /\]\s*[([:]/);
  check('autolink (<scheme:…> or <email>)', /<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>|<[^\s<>@]+@[^\s<>]+>/);
  check('block quote (> at line start)', /^ {0,3}>/m);
  check('bullet list (-, + at line start)', /^ {0,3}[-+](?:[ \t]|$)/m);
  check('ordered list (1. or 1) at line start)', /^ {0,3}\d{1,9}[.)](?:[ \t]|$)/m);
  return found;
}

/**
 * The runs of 3 or more letters or digits in `text`, in order, after taking out entity
 * references (each counts as a separator: `&lt;script&gt;` yields `script`).
 */
export function wordRuns(text: string): string[] {
  return text.replace(ENTITY_REFERENCE, ' ').match(/[\p{L}\p{N}]{3,}/gu) ?? [];
}

/** The first of `runs` not found, in order, in `haystack`; null when all are there. */
export function firstMissingRun(runs: string[], haystack: string): { run: string; index: number } | null {
  let from = 0;
  for (const [index, run] of runs.entries()) {
    const at = haystack.indexOf(run, from);
    if (at < 0) return { run, index };
    from = at + run.length;
  }
  return null;
}

/** What the rendered text of a body is checked against: see the rules at the top. */
export type BodyRule =
  | { kind: 'exact'; expected: string; hrefs?: string[]; why: string }
  | { kind: 'words'; runs: string[]; syntax: string[] };

/** The rule for a body the reader typed (`expectText`: our own vector's hand-made expectation). */
export function bodyRule(typed: string, expectText?: string, expectHrefs?: string[]): BodyRule {
  if (expectText !== undefined) {
    return { kind: 'exact', expected: collapseWhitespace(expectText === 'same' ? typed : expectText), hrefs: expectHrefs ?? [], why: 'hand-made expectation' };
  }
  const syntax = markdownSyntax(typed);
  if (syntax.length === 0) return { kind: 'exact', expected: collapseWhitespace(commonMarkSubstitutions(typed)), why: 'no Markdown syntax in it' };
  return { kind: 'words', runs: wordRuns(typed), syntax };
}

/** What the browser found for one rendered body (see support/xss-audit.ts). */
export interface RenderedBody {
  /** textContent of the API's `html`, parsed by DOMParser into an inert document. */
  parsedText: string;
  /** The same text with each link's decoded href and title inserted after the link's text. */
  parsedWalk: string;
  /** The `href` of every link in the parsed html, in order. */
  parsedHrefs: string[];
}

/** Checks a rendered body against its rule; returns what is wrong, or null. */
export function checkBody(rule: BodyRule, rendered: RenderedBody): string | null {
  if (rule.kind === 'exact') {
    const shown = collapseWhitespace(rendered.parsedText);
    if (shown !== rule.expected) return `shows ${JSON.stringify(shown)}, expected exactly ${JSON.stringify(rule.expected)} (${rule.why})`;
    if (rule.hrefs && JSON.stringify(rendered.parsedHrefs) !== JSON.stringify(rule.hrefs)) {
      return `links to ${JSON.stringify(rendered.parsedHrefs)}, expected ${JSON.stringify(rule.hrefs)}`;
    }
    return null;
  }
  const missing = firstMissingRun(rule.runs, rendered.parsedWalk);
  if (missing) {
    return `lost the word ${JSON.stringify(missing.run)} (run ${missing.index + 1} of ${rule.runs.length}); shown with links: ${JSON.stringify(collapseWhitespace(rendered.parsedWalk))} (Markdown syntax seen: ${rule.syntax.join(', ')})`;
  }
  return null;
}
