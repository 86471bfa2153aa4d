import { readdirSync, readFileSync } from 'node:fs';
import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { LANGUAGES } from '../../widget/src/embed';
import { enErrors, enExtra } from '../../widget/src/i18n/en-extra';
import { en, type Plural } from '../../widget/src/i18n/en';
import { plural, strings, useStrings } from '../../widget/src/lib/i18n';
import { embed, widgetIn } from './helpers/embed';
import { repoFile } from './helpers/repo';
import { mainForm, renderApp, resetBetweenTests, testThread, threadShown } from './helpers/render';
import { network, seed } from './helpers/server';

resetBetweenTests();
afterEach(() => document.documentElement.removeAttribute('lang'));

const translation = (lang: string) => JSON.parse(readFileSync(repoFile(`widget/src/i18n/${lang}.json`), 'utf8'));
const i18nRequests = () => network.requests.filter((r) => r.url.pathname.startsWith('/i18n/')).map((r) => r.url.pathname);

describe('choosing the language', () => {
  test('English is built in: no translation is fetched', async () => {
    await seed(testThread(), [{ author: 'Ada' }]);
    document.documentElement.lang = 'en-GB';
    embed({ 'data-thread': testThread() });
    const widget = await widgetIn();
    expect(await threadShown('1 comment', widget)).toBeTruthy();
    expect(i18nRequests()).toEqual([]);
    expect(network.requests.map((r) => r.url.pathname)).toEqual(['/api/comments']);
  });

  test('the page’s <html lang> picks the translation, which is fetched once, before anything is shown', async () => {
    await seed(testThread(), [{ author: 'Ada' }]);
    document.documentElement.lang = 'de-AT';
    embed({ 'data-thread': testThread() });
    const widget = await widgetIn();
    expect(await threadShown('1 Kommentar', widget)).toBeTruthy();
    expect(i18nRequests()).toEqual(['/i18n/de.json']);
    // Relative dates in German, by Intl.
    expect(widget.getByText('vor 3 Tagen')).toBeTruthy();
    expect(widget.getByRole('region').getAttribute('lang')).toBe('de');
    // The comment box, and the form it brings (its words come with widget-extra.js, in German).
    const box = widget.getByLabelText('Kommentar') as HTMLTextAreaElement;
    expect(box.placeholder).toBe('Diskutieren Sie mit …');
    fireEvent.focus(box);
    expect(await widget.findByRole('button', { name: 'Kommentar senden' })).toBeTruthy();
    expect(widget.getByLabelText('E-Mail (optional)')).toBeTruthy();
    expect(i18nRequests()).toEqual(['/i18n/de.json']);
  });

  test('data-lang wins over <html lang>; only that language is fetched', async () => {
    document.documentElement.lang = 'de';
    embed({ 'data-lang': 'pt-BR', 'data-thread': testThread() });
    const widget = await widgetIn();
    expect(await threadShown('Nenhum comentário ainda', widget)).toBeTruthy();
    expect(i18nRequests()).toEqual(['/i18n/pt.json']);
  });

  test('a language without a translation, or one that fails to load, is English', async () => {
    embed({ 'data-lang': 'it', 'data-thread': testThread() });
    expect(await (await widgetIn()).findByRole('heading', { name: 'No comments yet' })).toBeTruthy();
    expect(i18nRequests()).toEqual([]);

    network.offline = true;
    embed({ 'data-lang': 'fr', 'data-thread': testThread() });
    await widgetIn();
    expect(i18nRequests()).toEqual(['/i18n/fr.json']);
    network.offline = false;
    expect(strings.comments).toBe('Comments');
  });

  test('Arabic sets dir="rtl" on the widget root (the layout mirrors); comment text keeps its own direction', async () => {
    await seed(testThread(), [{ author: 'Ada' }]);
    embed({ 'data-lang': 'ar', 'data-thread': testThread() });
    const widget = await widgetIn();
    expect(await threadShown('تعليق واحد', widget)).toBeTruthy();
    const root = widget.getByRole('region', { name: 'التعليقات' });
    expect(root.getAttribute('dir')).toBe('rtl');
    expect(root.getAttribute('lang')).toBe('ar');
    expect(root.querySelector('.body')!.getAttribute('dir')).toBe('auto');
  });

  test('other languages are left to right', async () => {
    embed({ 'data-lang': 'ja', 'data-thread': testThread() });
    const widget = await widgetIn();
    await threadShown('まだコメントはありません', widget);
    expect(widget.getByRole('region').getAttribute('dir')).toBe('ltr');
  });
});

describe('the translations', () => {
  /** Every key path of an object, e.g. `count.one`. */
  const paths = (value: object, prefix = ''): string[] =>
    Object.entries(value).flatMap(([key, v]) => (v && typeof v === 'object' ? paths(v, `${prefix}${key}.`) : [`${prefix}${key}`]));
  const pluralsOf = (strings: object, prefix = '') => Object.entries(strings).filter(([, v]) => v && typeof v === 'object' && 'other' in v).map(([k]) => prefix + k);
  // Plurals by path: widget.js's, and widget-extra.js's (`extra.left`).
  const plurals = [...pluralsOf(en), ...pluralsOf(enExtra, 'extra.')];
  // English is split between widget.js (en.ts) and widget-extra.js (en-extra.ts: `extra`, rare errors, and the fields' errors).
  const { author, body, notify, email, website, ...rareErrors } = enErrors;
  const english = { ...en, extra: enExtra, errors: { ...en.errors, ...rareErrors }, fieldErrors: { author, body, notify, email, website } };

  test('exist for exactly the languages the embed offers', () => {
    const files = readdirSync(repoFile('widget/src/i18n')).filter((name) => name.endsWith('.json'));
    expect(files.map((name) => name.slice(0, -5)).sort()).toEqual([...LANGUAGES].sort());
  });

  test.each(LANGUAGES)('%s has every string, translated, with its placeholders', (lang) => {
    const strings = translation(lang);
    const expected = paths(english).filter((path) => !plurals.some((name) => path.startsWith(`${name}.`)) && path !== 'dir');
    const actual = paths(strings).filter((path) => !plurals.some((name) => path.startsWith(`${name}.`)) && path !== 'dir');
    expect(actual.sort()).toEqual(expected.sort());
    expect(strings.locale).toBe(lang);
    expect(strings.dir ?? 'ltr').toBe(lang === 'ar' ? 'rtl' : 'ltr');
    // Plurals: the forms the language needs (Intl's categories), each with the number where English has it.
    const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
    for (const name of plurals) {
      const forms = get(strings, name) as Plural;
      expect(forms.other, `${lang} ${name}.other`).toContain('#');
      for (const category of categories) if (!['zero', 'one', 'two'].includes(category)) expect(forms[category] ?? forms.other, `${lang} ${name}.${category}`).toContain('#');
      for (const key of Object.keys(forms)) expect([...categories, 'zero'], `${lang} ${name}.${key}`).toContain(key);
      if ('zero' in (get(english, name) as Plural)) expect(forms.zero, `${lang} ${name}.zero`).toBeTruthy();
    }
    expect(strings.inReplyTo).toContain('#');
    // Translated: no English left (names of things like Markdown aside).
    const same = paths(english).filter((path) => !['locale', 'dir', 'extra.name', 'extra.website', 'extra.preview', 'like'].includes(path) && get(strings, path) === get(english, path));
    expect(same.filter((path) => !(lang === 'de' && ['extra.name', 'extra.email', 'extra.website'].some((p) => path === p)))).toEqual([]);
  });

  test('plurals follow each language’s rules', () => {
    useStrings(translation('ar'));
    expect([0, 1, 2, 3, 11, 100].map((n) => plural(strings.count, n))).toEqual(['لا توجد تعليقات بعد', 'تعليق واحد', 'تعليقان', '3 تعليقات', '11 تعليقًا', '100 تعليق']);
    useStrings(translation('fr'));
    expect([0, 1, 2].map((n) => plural(strings.moreReplies, n || 1))).toEqual(['Afficher 1 autre réponse', 'Afficher 1 autre réponse', 'Afficher 2 autres réponses']);
    expect(plural(strings.count, 0)).toBe('Aucun commentaire pour l’instant');
    useStrings();
    expect([0, 1, 1234].map((n) => plural(strings.count, n))).toEqual(['No comments yet', '1 comment', '1,234 comments']);
  });

  test('a translated widget is translated throughout: errors of the server, and messages of the lazily loaded features', async () => {
    useStrings(translation('es'));
    await renderApp({ site: 'open' });
    await threadShown('Todavía no hay comentarios');
    const form = within(mainForm());
    fireEvent.input(form.getByLabelText('Nombre'), { target: { value: 'Ana' } });
    fireEvent.input(form.getByLabelText('Comentario'), { target: { value: 'Hola' } });
    fireEvent.click(form.getByRole('button', { name: 'Publicar comentario' }));
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('¡Gracias! Tu comentario ya está publicado.'));

    // The same comment twice: the server refuses it, and the form says why, in Spanish.
    fireEvent.input(form.getByLabelText('Comentario'), { target: { value: 'Hola' } });
    fireEvent.click(form.getByRole('button', { name: 'Publicar comentario' }));
    await waitFor(() => expect(within(mainForm()).getByRole('alert').textContent).toBe('Ya publicaste este comentario.'));
    const confirm = vi.fn(() => false);
    vi.stubGlobal('confirm', confirm);
    fireEvent.click(screen.getByRole('button', { name: 'Eliminar' }));
    await waitFor(() => expect(confirm).toHaveBeenCalledWith('¿Eliminar este comentario? No se puede deshacer.'));
  });
});

function get(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], value);
}
