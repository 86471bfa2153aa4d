import * as v from 'valibot';
import { siteSchema, toSiteConfig, type SiteConfig, type SiteSettings } from '../config/sites';

/** A setting that did not pass, named as the API and the dashboard's form name it. */
export interface SettingProblem {
  field: string;
  /** The whole message, naming the setting: `editWindowMinutes: Invalid type: …`. */
  message: string;
  /** What is wrong, without the setting's name (a form shows it beside the field). */
  problem: string;
}

export type SettingsCheck = { ok: true; settings: Omit<SiteSettings, 'id'>; site: SiteConfig } | ({ ok: false } & SettingProblem);

/** The settings a site can have (the keys of the schema in config/sites.ts). */
export const SETTING_NAMES = Object.keys(siteSchema.entries) as (keyof SiteSettings)[];

/**
 * Checks a site's settings with the same schema as `SITES` (config/sites.ts), and keeps only
 * what was set (so a default changed by a later release still applies to what the owner never
 * set). An unknown setting is refused rather than ignored: a typo must not pass for a change.
 *
 * @example
 * const checked = checkSiteSettings('myblog', { moderation: 'first', editWindowMinutes: 30 });
 * if (!checked.ok) throw new ApiError(400, 'invalid_request', checked.message, checked.field);
 */
export function checkSiteSettings(id: string, input: unknown): SettingsCheck {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return problem('settings', 'Site settings must be a JSON object.');
  const given: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (!(SETTING_NAMES as string[]).includes(key)) return problem(key, `"${key}" is not a site setting (settings: ${SETTING_NAMES.join(', ')}).`);
    if (key !== 'id') given[key] = value;
  }
  if ('id' in input && (input as { id: unknown }).id !== id) return problem('id', `A site's id cannot change (it is part of every storage key): this is "${id}".`);
  const result = v.safeParse(siteSchema, { ...given, id });
  if (!result.success) {
    const issue = result.issues[0];
    return problem(String(issue.path?.[0]?.key ?? 'id'), issue.message);
  }
  return { ok: true, settings: given as Omit<SiteSettings, 'id'>, site: toSiteConfig(result.output) };
}

function problem(field: string, text: string): { ok: false } & SettingProblem {
  return { ok: false, field, problem: text, message: text.includes(field) ? text : `${field}: ${text}` };
}
