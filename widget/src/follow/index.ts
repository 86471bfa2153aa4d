import type { FollowerCountResponse, FollowResponse } from '../../../worker/src/wire';
import { request, type ApiError } from '../api/transport';
import { applyTheme } from '../lib/theme';
import { pluralIn } from '../lib/plural';
import css from './follow.css?inline';
import { followStringsFor, type FollowStrings } from './strings';

export { followStringsFor };

/*
 * widget-follow.js: the Follow box (docs/widget.md, "The Follow box"), an ES module widget.js
 * imports when the page has a `[data-parley-follow]` element — with or without comments. It
 * stands alone: plain DOM (no Preact, so nothing of widget.js's), its stylesheet and its words in
 * every language come with it, and it adds nothing to widget.js but the import.
 */

/** The reader's email from the comment form's saved profile, if any (read only: the box stores nothing). */
function savedEmail(): string {
  try {
    return JSON.parse(localStorage.getItem('parley:profile') ?? '{}').email ?? '';
  } catch {
    return '';
  }
}

/** An element with attributes (`class` included) and text or children. */
function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/** What an error answer to `POST /api/followers` shows: the field's error (`field`) or a message. */
export function followErrorText(t: FollowStrings, error: unknown): { field?: string; message?: string } {
  const { code, field } = (error ?? {}) as Partial<ApiError>;
  if (code === 'invalid_request' && field === 'email') return { field: t.followInvalidEmail };
  if (code === 'rate_limited') return { message: t.followRateLimited };
  // A page not among the site's origins, a wrong data-site (or none).
  if (code === 'forbidden_origin' || code === 'unknown_site' || field === 'site') return { message: t.followUnavailable };
  return { message: t.followFailed };
}

export interface FollowBoxOptions {
  /** The comment server's origin. */
  origin: string;
  site: string;
  strings: FollowStrings;
  /** `data-theme`: light, dark or auto (the default). */
  theme?: string;
  /** The site's follower count, when known (shared by every box on the page). */
  count: Promise<number | undefined>;
}

/**
 * Renders the Follow box into `host`'s new open shadow root: heading, pitch (`data-pitch`, or
 * the default), a labelled email field, the Follow button, "Join N other followers" when the
 * count came, and a live region for the result. Submitting sends `POST /api/followers`.
 */
export function followBox(host: HTMLElement, { origin, site, strings: t, theme, count }: FollowBoxOptions) {
  const root = host.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  root.adoptedStyleSheets = [sheet];
  applyTheme(host, theme);

  const input = el('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'email', required: '', spellcheck: 'false' });
  input.value = savedEmail();
  const button = el('button', {}, t.followButton);
  const fieldError = el('p', { id: 'email-error', class: 'err' });
  const join = el('p', { class: 'muted' });
  const status = el('p', { role: 'status', class: 'notice' });
  // The form checks nothing itself (novalidate): the server's answer decides, in the reader's language.
  const form = el('form', { novalidate: '' }, el('label', { for: 'email' }, t.followEmailLabel), el('div', { class: 'row' }, input, button), fieldError);
  root.append(el('section', { lang: t.locale, dir: t.dir, 'aria-labelledby': 'title' }, el('h2', { id: 'title' }, t.followTitle), el('p', {}, host.dataset.pitch || t.followPitch), form, join, status));
  count.then((n) => n != null && (join.textContent = pluralIn(t.locale, t.followJoin, n)));

  const showFieldError = (message = '') => {
    fieldError.textContent = message;
    if (message) {
      input.setAttribute('aria-invalid', 'true');
      input.setAttribute('aria-describedby', 'email-error');
    } else {
      input.removeAttribute('aria-invalid');
      input.removeAttribute('aria-describedby');
    }
  };
  const say = (message: string, error = false) => {
    status.className = error ? 'notice err' : 'notice';
    status.textContent = message;
  };
  // The button says it is busy, but keeps focus (a disabled button would drop it) and stays usable by keyboard.
  const busy = (sending: boolean) => {
    button.setAttribute('aria-disabled', String(sending));
    button.textContent = sending ? t.followSending : t.followButton;
  };
  busy(false);
  input.addEventListener('input', () => showFieldError());

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (button.getAttribute('aria-disabled') === 'true') return;
    showFieldError();
    say('');
    busy(true);
    try {
      await request<FollowResponse>(`${origin}/api/followers`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ site, email: input.value.trim() }) });
      // The same answer whether or not the address already follows; the count changes on confirmation.
      say(t.followSentBox);
    } catch (error) {
      const { field, message } = followErrorText(t, error);
      if (field) {
        showFieldError(field);
        input.focus();
      } else say(message!, true);
    } finally {
      busy(false);
    }
  });
}

/**
 * Mounts a Follow box into every `[data-parley-follow]` element of the page that has none yet,
 * for widget.js's `<script>` tag (its `data-site`, `data-theme`, `data-lang`, and its origin,
 * where the API is): what widget.js calls once it has imported this module.
 */
export default async function mountFollow(script: HTMLScriptElement) {
  const { site = '', theme, lang = document.documentElement.lang } = script.dataset;
  const origin = new URL(script.src || location.href).origin;
  const hosts = [...document.querySelectorAll<HTMLElement>('[data-parley-follow]')].filter((host) => !host.shadowRoot);
  if (!hosts.length) return;
  // Confirmed followers, cached a minute by the server; on any error (a wrong data-site: 404) the line is left out.
  const count = request<FollowerCountResponse>(`${origin}/api/followers/count?${new URLSearchParams({ site })}`).then(
    (answer) => answer.followers,
    () => undefined,
  );
  const strings = await followStringsFor(lang);
  for (const host of hosts) if (!host.shadowRoot) followBox(host, { origin, site, strings, theme, count });
}
