import type { BrowserContext, Page } from 'playwright-core';
import type { RenderedBody } from './text-rules';

/*
 * Detecting script that runs, and markup that should not be there, in a page showing hostile
 * comments. Two parts:
 *
 * - traps, installed in every frame before any page script (`context.addInitScript`):
 *   `alert`, `confirm`, `prompt`, `print` and `__xss` (what our own vectors call, as
 *   `parent.__xss(n)` / `top.__xss(n)`) record the call instead of doing anything, and every
 *   `securitypolicyviolation` event is recorded too. They are non-writable and
 *   non-configurable, so a payload cannot take them away. Dialogs that get past them are
 *   recorded by `page.on('dialog')` (see {@link watchDialogs}).
 * - an audit of the DOM after the comments are shown ({@link auditPage}): elements that can
 *   run or load anything, `on*` attributes, `javascript:`/`data:`/`vbscript:` URLs, and,
 *   inside comment bodies, anything outside the few elements and attributes that Parley's
 *   Markdown produces. This catches a sanitiser failure even where the page's CSP would
 *   have stopped the script from running.
 *
 * Every value crosses the Node/browser boundary as a JSON string built with JSON.stringify,
 * which writes lone surrogates as `\udXXX` escapes: Playwright's own serialisation would
 * turn them into U+FFFD, and then a round trip could not be checked exactly.
 */

declare global {
  interface Window {
    __xssHits?: string[];
  }
}

/** The init script: see above. Self-contained (it is serialised into every frame). */
export function installXssTraps(): void {
  const hits: string[] = [];
  const where = () => (window === window.top ? location.href : `a frame (${location.href})`);
  const record = (what: string) =>
    function trapped(...args: unknown[]) {
      hits.push(`${what}(${args.map((arg) => String(arg)).join(', ')}) ran in ${where()}`);
    };
  const define = (name: string, value: unknown) => {
    try {
      Object.defineProperty(window, name, { value, writable: false, configurable: false, enumerable: false });
    } catch (error) {
      hits.push(`could not install the trap for ${name}: ${String(error)}`);
    }
  };
  define('__xssHits', hits);
  define('__xss', record('__xss'));
  for (const name of ['alert', 'confirm', 'prompt', 'print']) define(name, record(name));
  document.addEventListener(
    'securitypolicyviolation',
    (event) => hits.push(`CSP violation in ${where()}: ${event.violatedDirective} blocked ${event.blockedURI || '(inline)'} ${JSON.stringify(event.sample)}`),
    true,
  );
}

/** Installs the traps in every page of `context`, and records every dialog (and dismisses it). */
export async function armContext(context: BrowserContext, dialogs: string[]): Promise<void> {
  await context.addInitScript(installXssTraps);
  const watch = (page: Page) => watchDialogs(page, dialogs);
  for (const page of context.pages()) watch(page);
  context.on('page', watch);
}

/** Records (and dismisses) every dialog a page opens: none should get past the traps. */
export function watchDialogs(page: Page, dialogs: string[]): void {
  page.on('dialog', (dialog) => {
    dialogs.push(`${dialog.type()} dialog "${dialog.message()}" on ${page.url()}`);
    void dialog.dismiss().catch(() => {});
  });
}

/** One comment that should be on the page, as the API gave it. */
export interface ExpectedComment {
  id: string;
  html: string;
}

/** What the audit found about one comment. */
export interface SeenComment extends RenderedBody {
  id: string;
  /** Whether the page has the comment's element at all. */
  found: boolean;
  /** textContent of the author's name element. */
  authorText: string | null;
  /** The `href` attribute of the author's website link (widget: the name links to it; dashboard: its own link), or null. */
  websiteHref: string | null;
  /** The dashboard prints the website as text too; null in the widget. */
  websiteText: string | null;
  /** textContent of the comment's rendered body element. */
  bodyText: string | null;
}

export interface PageAudit {
  /** Elements or attributes that must not be there, each described with its markup. */
  problems: string[];
  /** What the traps recorded (calls of alert, __xss…, CSP violations). */
  trapHits: string[];
  comments: SeenComment[];
}

export interface AuditInput {
  mode: 'widget' | 'dashboard';
  /** Absolute URLs of the only scripts the page may have (the widget adds widget-extra.js on demand). */
  scripts: string[];
  comments: ExpectedComment[];
}

/**
 * Runs in the page (self-contained: it is serialised). Takes and returns JSON strings (see
 * the note at the top). In `widget` mode it audits the widget's shadow root (and, for the
 * host page, its scripts, frames and `on*` attributes); in `dashboard` mode, the document.
 */
export function auditPageInBrowser(inputJson: string): string {
  const input = JSON.parse(inputJson) as AuditInput;
  const problems: string[] = [];
  const trapHits = window.__xssHits ? window.__xssHits.slice() : ['the XSS traps are not installed in this page'];
  const show = (el: Element) => el.outerHTML.slice(0, 300);
  const ownScript = (el: Element) => input.scripts.includes((el as HTMLScriptElement).src);

  // Elements that run or load something, or change how the page resolves URLs.
  const FORBIDDEN = ['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'portal', 'svg', 'math', 'base', 'meta', 'link', 'template', 'noscript', 'img', 'image', 'video', 'audio', 'source', 'track', 'picture', 'style'];
  const URL_ATTRIBUTES = ['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background', 'srcset', 'ping', 'codebase', 'cite', 'longdesc', 'dynsrc', 'lowsrc'];
  // What the URL parser ignores around a scheme (C0 controls, space), plus invisible Unicode: stripped before looking at it.
  const SCHEME_NOISE = /[\u0000-\u0020\u007f-\u00a0\u1680\u180e\u2000-\u200f\u2028\u2029\u202f\u205f\u3000\ufeff]/g;
  const SCRIPT_URL = /^(?:javascript|data|vbscript|livescript):/i;
  // Everything Parley's Markdown can produce inside a body, and the attributes it may carry.
  const BODY_ALLOWED: Record<string, string[]> = {
    p: [],
    br: [],
    em: [],
    strong: [],
    s: [],
    code: ['class'],
    pre: [],
    blockquote: [],
    ul: [],
    ol: ['start'],
    li: [],
    a: ['href', 'rel', 'title'],
  };

  const checkAttributes = (el: Element, scope: string) => {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) problems.push(`${scope}: an event-handler attribute ${name}= on ${show(el)}`);
      if (name === 'srcdoc') problems.push(`${scope}: a srcdoc attribute on ${show(el)}`);
      if (URL_ATTRIBUTES.includes(name) && SCRIPT_URL.test(attr.value.replace(SCHEME_NOISE, ''))) {
        problems.push(`${scope}: a script or data URL in ${name}= on ${show(el)}`);
      }
    }
  };

  // The widget's own chrome: the identicon it draws for each commenter, an <svg class="avatar"> (outside
  // the comment's body) holding only <path>s. Nothing a commenter typed goes into it but a hash.
  const widgetAvatar = (el: Element) =>
    input.mode === 'widget' &&
    el.localName === 'svg' &&
    el.classList.contains('avatar') &&
    el.closest('.body') === null &&
    Array.from(el.querySelectorAll('*')).every((child) => child.localName === 'path');

  let root: Document | ShadowRoot | null = document;
  if (input.mode === 'widget') {
    const host = document.querySelector('#comments');
    root = host ? host.shadowRoot : null;
    if (!root) problems.push('the widget has no shadow root on #comments');
    // The host page: only its own scripts, no frames, no handlers (comments must not reach it).
    for (const el of Array.from(document.querySelectorAll('*'))) {
      const tag = el.localName;
      if (tag === 'script' && !ownScript(el)) problems.push(`host page: a script that is not the page's own: ${show(el)}`);
      if (['iframe', 'frame', 'object', 'embed', 'svg', 'math', 'base', 'portal'].includes(tag)) problems.push(`host page: a <${tag}>: ${show(el)}`);
      for (const attr of Array.from(el.attributes)) if (attr.name.toLowerCase().startsWith('on')) problems.push(`host page: ${attr.name}= on ${show(el)}`);
    }
  }

  if (root) {
    const scope = input.mode === 'widget' ? 'widget' : 'dashboard';
    const elements = Array.from(root.querySelectorAll('*'));
    for (const el of elements) {
      const tag = el.localName;
      const inHead = input.mode === 'dashboard' && el.closest('head') !== null;
      if (tag === 'script') {
        if (!ownScript(el)) problems.push(`${scope}: a script that is not the page's own: ${show(el)}`);
      } else if (FORBIDDEN.includes(tag) && !inHead && !widgetAvatar(el)) {
        problems.push(`${scope}: a <${tag}> element: ${show(el)}`);
      }
      checkAttributes(el, scope);
    }
    for (const body of Array.from(root.querySelectorAll('.body'))) {
      for (const el of Array.from(body.querySelectorAll('*'))) {
        const allowed = BODY_ALLOWED[el.localName];
        if (!allowed) {
          problems.push(`${scope}: a comment body holds a <${el.localName}>, which Markdown does not make: ${show(el)}`);
          continue;
        }
        for (const attr of Array.from(el.attributes)) {
          if (!allowed.includes(attr.name)) problems.push(`${scope}: a comment body's <${el.localName}> has ${attr.name}=: ${show(el)}`);
        }
        if (el.localName === 'a') {
          const href = el.getAttribute('href') ?? '';
          if (!/^(?:https?:|mailto:)/i.test(href)) problems.push(`${scope}: a comment body links to something other than http(s) or mailto: ${show(el)}`);
          if (el.getAttribute('rel') !== 'nofollow ugc noopener') problems.push(`${scope}: a comment body's link lacks rel="nofollow ugc noopener": ${show(el)}`);
        }
      }
    }
  }

  // Text of the API's html, parsed into an inert document (DOMParser runs no script and loads nothing).
  const decode = (href: string) => {
    try {
      return decodeURIComponent(href);
    } catch {
      return href;
    }
  };
  const walk = (node: Node, out: string[]) => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === Node.TEXT_NODE) out.push((child as Text).data);
      else if (child.nodeType === Node.ELEMENT_NODE) {
        walk(child, out);
        const el = child as Element;
        if (el.localName === 'a') out.push(` ${decode(el.getAttribute('href') ?? '')} ${el.getAttribute('title') ?? ''} `);
      }
    }
  };

  const comments: SeenComment[] = input.comments.map(({ id, html }) => {
    const parsed = new DOMParser().parseFromString(html, 'text/html').body;
    const out: string[] = [];
    walk(parsed, out);
    const parsedHrefs = Array.from(parsed.querySelectorAll('a')).map((a) => a.getAttribute('href') ?? '');
    const article = root ? root.querySelector(`[id="comment-${id}"]`) : null;
    const author = article ? (input.mode === 'widget' ? article.querySelector('.author') : article.querySelector(`[id="author-${id}"]`)) : null;
    const website = article ? (input.mode === 'widget' ? article.querySelector('a.author') : article.querySelector('a.website')) : null;
    const body = article ? article.querySelector('.body') : null;
    return {
      id,
      found: article !== null,
      authorText: author ? author.textContent : null,
      websiteHref: website ? website.getAttribute('href') : null,
      websiteText: input.mode === 'dashboard' && website ? website.textContent : null,
      bodyText: body ? body.textContent : null,
      parsedText: parsed.textContent ?? '',
      parsedWalk: out.join(''),
      parsedHrefs,
    };
  });
  return JSON.stringify({ problems, trapHits, comments } satisfies PageAudit);
}

/** Audits `page` (see {@link auditPageInBrowser}); also counts frames, since no comment may create one. */
export async function auditPage(page: Page, input: AuditInput): Promise<PageAudit> {
  const audit = JSON.parse(await page.evaluate(auditPageInBrowser, JSON.stringify(input))) as PageAudit;
  const frames = page.frames();
  if (frames.length !== 1) audit.problems.push(`the page has ${frames.length - 1} frame(s): ${frames.slice(1).map((frame) => frame.url()).join(', ')}`);
  return audit;
}
