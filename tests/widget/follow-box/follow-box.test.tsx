import { fireEvent, waitFor, within } from '@testing-library/preact';
import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, beforeEach, describe, expect, inject, test, vi } from 'vitest';
import mountFollow from '../../../widget/src/follow';
import { en, translations, type FollowStrings } from '../../../widget/src/follow/strings';
import { jsonRequest } from '../../support/http';
import { API, network, server } from '../helpers/server';

/*
 * The Follow box (docs/widget.md, "The Follow box"): widget-follow.js, from its source, mounted
 * as widget.js mounts it (for its script tag) on a page against the real Worker: the live count,
 * following (202), and each error of the contract as the Worker really answers it (rate limits:
 * the second Worker, whose limits are on). widget.js's own part — noticing the element and
 * importing the built widget-follow.js, with or without comments — is tested in Chromium
 * (tests/browser/following.test.ts): Node cannot import a module over http.
 */

/** A page with `html` and the widget's script tag (with `attributes`); mounts the box as widget.js does. */
async function page(attributes: Record<string, string> = {}, html = '<aside><div data-parley-follow></div></aside>', origin = API) {
  document.body.innerHTML = html;
  const script = document.createElement('script');
  script.type = 'text/plain';
  for (const [name, value] of Object.entries({ src: `${origin}/widget.js`, 'data-site': 'demo', ...attributes })) script.setAttribute(name, value);
  document.body.append(script);
  await mountFollow(script);
  return boxIn(document.querySelector('[data-parley-follow]')!);
}

/** Queries inside a box's shadow root. */
function boxIn(host: Element) {
  return within(host.shadowRoot as unknown as HTMLElement);
}

const root = () => document.querySelector('[data-parley-follow]')!.shadowRoot!;
const field = () => root().querySelector('input')!;
const button = () => root().querySelector('button')!;
const status = () => root().querySelector('[role=status]')!;

/** Types `email` into the box and presses Follow. */
function follow(email: string) {
  fireEvent.input(field(), { target: { value: email } });
  fireEvent.click(button());
}

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

beforeEach(() => network.watch());
afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
  document.body.innerHTML = '';
  document.documentElement.lang = '';
});

describe('the Follow box', () => {
  beforeAll(async () => {
    // Three confirmed followers of the `trusted` site (an import the owner vouches for), live in the count.
    const emails = [1, 2, 3].map((n) => `box-${n}-${unique()}@example.com`);
    await jsonRequest(`${API}/api/admin/followers`, { headers: { Authorization: `Bearer ${server.adminToken}` }, body: { site: 'trusted', emails, consent: true } });
    await vi.waitFor(async () => expect((await jsonRequest<{ followers: number }>(`${API}/api/followers/count?site=trusted`, { method: 'GET' })).followers).toBe(3), { timeout: 15_000, interval: 200 });
  });

  test('renders in its own shadow root: heading, pitch, labelled email field, Follow, and the live count', async () => {
    const box = await page({ 'data-site': 'trusted' });
    expect(box.getByRole('heading', { name: 'Follow' })).toBeTruthy();
    expect(box.getByText('Get every new post on this blog delivered to your Inbox.')).toBeTruthy();
    const email = box.getByLabelText('Email address') as HTMLInputElement;
    expect(email.type).toBe('email');
    expect(email.autocomplete).toBe('email');
    expect(box.getByRole('button', { name: 'Follow' })).toBeTruthy();
    expect(await box.findByText('Join 3 other followers.')).toBeTruthy();
    expect(status().textContent).toBe('');
    expect(network.requests.map((r) => `${r.method} ${r.url.pathname}?${r.url.search.slice(1)}`)).toEqual(['GET /api/followers/count?site=trusted']);
    // Its section is labelled by its heading, in the page's (here the default) language.
    const section = root().querySelector('section')!;
    expect(section.getAttribute('lang')).toBe('en');
    expect(section.getAttribute('aria-labelledby')).toBe(box.getByRole('heading').id);
  });

  test('the pitch is data-pitch when given; data-theme picks the theme; the box stores nothing', async () => {
    const box = await page({ 'data-theme': 'dark' }, '<div data-parley-follow data-pitch="New essays, once a month."></div>');
    expect(box.getByText('New essays, once a month.')).toBeTruthy();
    expect(box.queryByText(en.followPitch)).toBeNull();
    expect(document.querySelector('[data-parley-follow]')!.getAttribute('data-parley-theme')).toBe('dark');
    expect(root().adoptedStyleSheets).toHaveLength(1);
    expect(localStorage.length).toBe(0);
    expect(document.cookie).toBe('');
  });

  test('follows: POST /api/followers {site, email} → 202 → "Check your inbox…", the count as it was', async () => {
    const box = await page({ 'data-site': 'trusted' });
    await box.findByText('Join 3 other followers.');
    const email = `reader-${unique()}@example.com`;
    follow(`  ${email} `);
    await waitFor(() => expect(status().textContent).toBe('Check your inbox: confirm with the link in the email we just sent.'));
    expect(network.sent('/api/followers', 'POST').map((r) => r.body)).toEqual([{ site: 'trusted', email }]);
    expect(network.sent('/api/followers', 'POST')[0].headers.get('content-type')).toBe('application/json');
    expect(box.getByText('Join 3 other followers.')).toBeTruthy();
    expect(button().getAttribute('aria-disabled')).toBe('false');
    expect(button().textContent).toBe('Follow');
    expect(field().hasAttribute('aria-invalid')).toBe(false);

    // The same answer again (already asked): nobody learns whether an address follows.
    follow(email);
    await waitFor(() => expect(network.sent('/api/followers', 'POST')).toHaveLength(2));
    await waitFor(() => expect(button().getAttribute('aria-disabled')).toBe('false'));
    expect(status().textContent).toBe('Check your inbox: confirm with the link in the email we just sent.');
  });

  test('while sending, the button says so and ignores another press (keeping focus)', async () => {
    await page();
    follow(`busy-${unique()}@example.com`);
    expect(button().getAttribute('aria-disabled')).toBe('true');
    expect(button().textContent).toBe('Following…');
    expect(button().disabled).toBe(false);
    fireEvent.click(button());
    await waitFor(() => expect(status().textContent).toMatch(/^Check your inbox/));
    expect(network.sent('/api/followers', 'POST')).toHaveLength(1);
  });

  test('an invalid address: the field\'s error, tied to it (aria-invalid, aria-describedby), and focus on it', async () => {
    const box = await page();
    follow('not an address');
    const error = await box.findByText('Enter a valid email address.');
    const email = box.getByLabelText('Email address');
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect(email.getAttribute('aria-describedby')).toBe(error.id);
    expect(root().activeElement).toBe(email);
    expect(status().textContent).toBe('');
    expect(button().getAttribute('aria-disabled')).toBe('false');
    expect(network.sent('/api/followers', 'POST')[0].body).toEqual({ site: 'demo', email: 'not an address' });

    // An empty field is the server's to refuse too; typing clears the error.
    follow('');
    await box.findByText('Enter a valid email address.');
    fireEvent.input(email, { target: { value: 'a@' } });
    expect(box.queryByText('Enter a valid email address.')).toBeNull();
    expect(email.hasAttribute('aria-invalid')).toBe(false);
    expect(email.hasAttribute('aria-describedby')).toBe(false);
  });

  test('a wrong data-site: no count line (404), and following is "not available here"', async () => {
    const box = await page({ 'data-site': 'no-such-site' });
    await waitFor(() => expect(network.sent('/api/followers/count')).toHaveLength(1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(box.queryByText(/follow/i, { selector: 'p' })).toBeNull();
    expect(root().querySelector('p.muted')!.textContent).toBe('');
    follow(`someone-${unique()}@example.com`);
    await waitFor(() => expect(status().textContent).toBe('Following is not available here.'));
    expect(status().getAttribute('class')).toContain('err');
  });

  test('the server cannot be reached: "That did not work", the button usable again', async () => {
    await page();
    network.offline = true;
    follow(`offline-${unique()}@example.com`);
    await waitFor(() => expect(status().textContent).toBe('That did not work. Please try again.'));
    expect(button().getAttribute('aria-disabled')).toBe('false');
    network.offline = false;
    fireEvent.click(button());
    await waitFor(() => expect(status().textContent).toMatch(/^Check your inbox/));
  });

  test('fills the field from the comment form\'s saved profile', async () => {
    localStorage.setItem('parley:profile', JSON.stringify({ author: 'Grace', email: 'grace@example.com', website: '' }));
    await page();
    expect(field().value).toBe('grace@example.com');
  });

  test('in German (data-lang, region ignored), and the count in German plurals', async () => {
    const box = await page({ 'data-lang': 'de-AT', 'data-site': 'trusted' });
    expect(box.getByRole('heading', { name: 'Folgen' })).toBeTruthy();
    expect(box.getByText('Erhalten Sie jeden neuen Beitrag dieses Blogs in Ihren Posteingang.')).toBeTruthy();
    expect(await box.findByText('Schließen Sie sich 3 weiteren Personen an.')).toBeTruthy();
    expect(root().querySelector('section')!.getAttribute('lang')).toBe('de');
    follow('kein');
    expect(await box.findByText('Geben Sie eine gültige E-Mail-Adresse ein.')).toBeTruthy();
    follow(`leser-${unique()}@example.com`);
    await waitFor(() => expect(status().textContent).toBe('Sehen Sie in Ihrem Posteingang nach: Bestätigen Sie mit dem Link in der E-Mail, die wir gerade gesendet haben.'));
  });

  test('in Arabic (<html lang>), right to left', async () => {
    document.documentElement.lang = 'ar';
    const box = await page({ 'data-site': 'trusted' });
    const section = root().querySelector('section')!;
    expect(section.getAttribute('dir')).toBe('rtl');
    expect(section.getAttribute('lang')).toBe('ar');
    expect(box.getByRole('button', { name: 'تابِع' })).toBeTruthy();
    expect(await box.findByText('انضم إلى 3 متابعين آخرين.')).toBeTruthy();
  });

  test('a language the widget does not speak is English', async () => {
    const box = await page({ 'data-lang': 'nl' });
    expect(box.getByRole('heading', { name: 'Follow' })).toBeTruthy();
  });

  test('every box on the page, one count request; a box already mounted is left alone', async () => {
    await page({ 'data-site': 'trusted' }, '<div data-parley-follow></div><footer><div data-parley-follow data-pitch="Footer"></div></footer>');
    const [first, second] = document.querySelectorAll('[data-parley-follow]');
    expect(await boxIn(second).findByText('Join 3 other followers.')).toBeTruthy();
    expect(boxIn(second).getByText('Footer')).toBeTruthy();
    expect(network.sent('/api/followers/count')).toHaveLength(1);
    const before = first.shadowRoot!.innerHTML;
    await mountFollow(document.querySelector('script')!);
    expect(first.shadowRoot!.innerHTML).toBe(before);
    expect(network.sent('/api/followers/count')).toHaveLength(1);
  });
});

describe('rate limited (a Worker with its per-client limits on: 3 follow requests a minute)', () => {
  const limited = inject('parleyLimitedServer');

  /**
   * The Rate Limiting binding counts in fixed one-minute windows aligned to the clock (locally and
   * on Cloudflare), so four requests that straddle a boundary are all allowed. Start the four with
   * at least 15 s of a window left: they take about a second.
   */
  async function startOfAFreshWindow() {
    const intoWindow = Date.now() % 60_000;
    if (intoWindow > 45_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoWindow + 100));
  }

  test('the fourth request in a minute: "Too many attempts…", the button usable again', async () => {
    await startOfAFreshWindow();
    await page({}, undefined, limited.origin);
    for (let n = 1; n <= 3; n++) {
      follow(`limit-${n}-${unique()}@example.com`);
      await waitFor(() => expect(status().textContent).toMatch(/^Check your inbox/));
      await waitFor(() => expect(button().getAttribute('aria-disabled')).toBe('false'));
    }
    follow(`limit-4-${unique()}@example.com`);
    await waitFor(() => expect(status().textContent).toBe('Too many attempts. Try again in a minute.'));
    expect(network.sent('/api/followers', 'POST').map((r) => r.url.origin)).toEqual(Array(4).fill(limited.origin));
    expect(button().getAttribute('aria-disabled')).toBe('false');
    expect(field().hasAttribute('aria-invalid')).toBe(false);
  }, 60_000);
});

describe('its words', () => {
  test('every language has every key, in the plural forms it needs', async () => {
    const keys = Object.keys(en).sort();
    for (const [lang, load] of Object.entries(translations)) {
      const strings: FollowStrings = (await load()).default;
      expect(Object.keys(strings).sort(), lang).toEqual(keys);
      expect(strings.locale).toBe(lang);
      expect(strings.dir).toBe(lang === 'ar' ? 'rtl' : 'ltr');
      const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
      for (const category of categories) if (category !== 'other' && !(lang !== 'ar' && category === 'many')) expect(strings.followJoin[category] ?? strings.followJoin.other, `${lang} ${category}`).toBeTruthy();
      for (const key of Object.keys(strings.followJoin)) expect([...categories, 'zero'], `${lang} followJoin.${key}`).toContain(key);
      for (const key of keys.filter((key) => !['locale', 'dir', 'followJoin'].includes(key))) expect(strings[key as keyof FollowStrings], `${lang} ${key}`).not.toBe(en[key as keyof FollowStrings]);
    }
  });

  test('its stylesheet has the comments\' --parley-* defaults, in both themes', () => {
    const declarations = (file: string, selector: string) => {
      const css = readFileSync(new URL(file, import.meta.url), 'utf8');
      const block = css.slice(css.indexOf(`${selector} {`));
      return Object.fromEntries([...block.slice(0, block.indexOf('}')).matchAll(/(--parley-[\w-]+):\s*([^;]+);/g)].map(([, name, value]) => [name, value]));
    };
    for (const selector of [':host', ':host([data-parley-theme=dark])']) {
      const box = declarations('../../../widget/src/follow/follow.css', selector);
      const comments = declarations('../../../widget/src/styles/widget.css', selector);
      expect(Object.keys(box).length, selector).toBeGreaterThan(8);
      for (const [name, value] of Object.entries(box)) expect(value, `${selector} ${name}`).toBe(comments[name]);
    }
  });
});
