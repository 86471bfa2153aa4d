import type { SiteConfig, SiteSettings } from '../config/sites';
import { WIDGET_LANGUAGES } from '../wire';

/** How a setting is typed in the dashboard's form. */
export type FieldKind = 'text' | 'url' | 'lines' | 'number' | 'select' | 'checkbox' | 'languages';

/** One setting in the dashboard's site form. A new setting is one more entry here. */
export interface SettingField {
  name: Exclude<keyof SiteSettings, 'id'>;
  label: string;
  kind: FieldKind;
  /** Said under the field (what it does, and what leaving it empty means). */
  help: string;
  section: 'Site' | 'Moderation' | 'Readers' | 'Following' | 'Notifications';
  options?: { value: string; label: string }[];
  placeholder?: string;
  /** Numbers: the smallest value, and whether fractions are allowed. */
  min?: number;
  fractions?: boolean;
}

export const LANGUAGE_NAMES: Record<(typeof WIDGET_LANGUAGES)[number], string> = {
  en: 'English',
  de: 'Deutsch',
  fr: 'Français',
  es: 'Español',
  pt: 'Português',
  zh: '中文',
  ja: '日本語',
  ar: 'العربية',
};

/** Every setting the dashboard edits, in the order shown (docs/configuration.md describes each). */
export const SETTING_FIELDS: SettingField[] = [
  { section: 'Site', name: 'name', label: 'Name', kind: 'text', help: 'Shown in the dashboard and in mail. Empty: the id.' },
  { section: 'Site', name: 'url', label: 'Site URL', kind: 'url', placeholder: 'https://blog.example.com', help: 'Links from the dashboard, feeds and mail go to this URL plus the thread’s path.' },
  {
    section: 'Site',
    name: 'origins',
    label: 'Origins allowed to post',
    kind: 'lines',
    placeholder: 'https://blog.example.com',
    help: 'One per line: the scheme, host and port of the pages that embed the comments. This Worker’s own origin is always allowed.',
  },
  {
    section: 'Moderation',
    name: 'moderation',
    label: 'Moderation',
    kind: 'select',
    options: [
      { value: 'all', label: 'Every comment waits for a moderator' },
      { value: 'first', label: 'A commenter’s first comment waits; later ones publish at once' },
      { value: 'none', label: 'Comments publish at once; moderators remove afterwards' },
    ],
    help: 'Whatever the mode, comments the spam checks hold wait, and spam goes to the Spam queue.',
  },
  { section: 'Moderation', name: 'blocklist', label: 'Blocked words', kind: 'lines', help: 'One word, phrase or domain per line (any case): a comment containing one goes to Spam.' },
  { section: 'Moderation', name: 'maxLinks', label: 'Most links before a comment waits', kind: 'number', min: 0, placeholder: '3', help: 'A comment with more links waits for a moderator. Empty: 3.' },
  { section: 'Moderation', name: 'minSubmitSeconds', label: 'Fewest seconds to write a comment', kind: 'number', min: 0, fractions: true, placeholder: '3', help: 'A comment sent sooner after the form appeared waits (bots are fast). Empty: 3.' },
  { section: 'Moderation', name: 'rateLimit', label: 'Posts per reader per minute', kind: 'number', min: 0, placeholder: '5', help: '0 turns this limit off (the Worker’s own ceilings still apply). Empty: 5.' },
  { section: 'Moderation', name: 'turnstileSiteKey', label: 'Turnstile site key', kind: 'text', help: 'Posts must then pass Cloudflare Turnstile (set the TURNSTILE_SECRET_KEY secret too). Empty: off.' },
  { section: 'Readers', name: 'editWindowMinutes', label: 'Minutes an author may edit or delete', kind: 'number', min: 0, fractions: true, placeholder: '15', help: 'After posting, with the token their browser keeps. 0: never. Empty: 15.' },
  { section: 'Readers', name: 'languages', label: 'Languages', kind: 'languages', help: 'The widget uses the page’s language when it is one of these, else the first ticked. None ticked: any it has, else English.' },
  { section: 'Readers', name: 'gravatar', label: 'Show Gravatar images', kind: 'checkbox', help: 'Each avatar is then a request to gravatar.com. Off: avatars are drawn in the page.' },
  { section: 'Readers', name: 'autoLockDays', label: 'Close threads after (days)', kind: 'number', min: 0, fractions: true, placeholder: 'never', help: 'Days after a thread’s first comment. Empty: never.' },
  { section: 'Readers', name: 'tombstoneDays', label: 'Days removed comments can be restored', kind: 'number', min: 1, fractions: true, placeholder: '30', help: 'Then they are deleted for good. Empty: 30.' },
  {
    section: 'Following',
    name: 'feed',
    label: 'The blog’s feed',
    kind: 'url',
    placeholder: 'https://blog.example.com/feed.xml',
    help: 'RSS, Atom or JSON Feed, read every 10 minutes: each new post is mailed to the followers (the first reading only records what exists). Empty: announce posts on the Posts page or with npm run announce.',
  },
  {
    section: 'Following',
    name: 'language',
    label: 'Language of mail to followers',
    kind: 'select',
    options: WIDGET_LANGUAGES.map((language) => ({ value: language, label: LANGUAGE_NAMES[language] })),
    help: 'Also of the pages followers open from that mail.',
  },
  {
    section: 'Following',
    name: 'followContent',
    label: 'Mail about a new post carries',
    kind: 'select',
    options: [
      { value: 'summary', label: 'Its summary and a link' },
      { value: 'full', label: 'Its full text' },
    ],
    help: 'What followers read in their inbox.',
  },
  { section: 'Notifications', name: 'webhook', label: 'Chat webhook', kind: 'url', placeholder: 'https://hooks.slack.com/…', help: 'Slack or Discord incoming webhook: every comment that waits is posted there with Approve / Remove links. Empty: none.' },
];

/** What the form shows in each field: the setting as set (not its default), as text. */
export function formValues(settings: Partial<SiteSettings>): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = {};
  for (const field of SETTING_FIELDS) {
    const value = settings[field.name];
    if (value === undefined || value === null) continue;
    if (field.kind === 'lines') values[field.name] = (value as string[]).join('\n');
    else if (field.kind === 'languages') values[field.name] = value as string[];
    else if (field.kind === 'checkbox') values[field.name] = value ? 'on' : '';
    else values[field.name] = String(value);
  }
  return values;
}

/** A site's settings as its form should show them: what is set, or for a site only in SITES, its entry there. */
export function settingsOf(site: SiteConfig, saved: Partial<SiteSettings> | null, seed: Partial<SiteSettings> | undefined): Partial<SiteSettings> {
  return saved ?? seed ?? { name: site.name };
}

export type FormRead = { ok: true; settings: Partial<SiteSettings> } | { ok: false; field: string; problem: string };

/**
 * The settings a submitted form sets, over `previous`: a field left empty is unset (it takes
 * its default), and settings the form does not show are kept. Values are only converted here
 * (text to numbers and lists); the schema checks them after (sites/check-settings.ts).
 */
export function readSettingsForm(form: Record<string, string | File | (string | File)[]>, previous: Partial<SiteSettings> = {}): FormRead {
  const settings: Record<string, unknown> = { ...previous };
  const text = (name: string) => {
    const value = form[name];
    const one = Array.isArray(value) ? value[0] : value;
    return typeof one === 'string' ? one.trim() : '';
  };
  for (const field of SETTING_FIELDS) {
    delete settings[field.name];
    const value = text(field.name);
    switch (field.kind) {
      case 'text':
      case 'url':
      case 'select':
        if (value) settings[field.name] = value;
        break;
      case 'lines': {
        const lines = value.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
        if (lines.length) settings[field.name] = lines;
        break;
      }
      case 'number': {
        if (!value) break;
        const number = Number(value);
        if (!Number.isFinite(number)) return { ok: false, field: field.name, problem: `“${value}” is not a number.` };
        settings[field.name] = number;
        break;
      }
      case 'checkbox':
        if (value) settings[field.name] = true;
        break;
      case 'languages': {
        const raw = form[field.name];
        const picked = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((one): one is string => typeof one === 'string' && one !== '');
        if (picked.length) settings[field.name] = picked;
        break;
      }
    }
  }
  return { ok: true, settings: settings as Partial<SiteSettings> };
}
