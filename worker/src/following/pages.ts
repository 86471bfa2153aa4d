import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { SiteConfig, SiteLanguage } from '../config/sites';
import { direction, fill, text, type FollowText } from './i18n';
import type { FollowerOverview } from './service';

/**
 * The pages a follower's links open — confirm, manage, unsubscribe — in the site's language,
 * server-rendered, every value escaped (hono/html), with no script and no inline style (the CSP
 * allows only this stylesheet). Each GET only shows a form; its POST acts.
 */
type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export const FOLLOWER_PAGE_CSS = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #fff; --line: #818b98; --accent: #0b5cad; --accent-fg: #fff; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --line: #656c76; --accent: #58a6ff; --accent-fg: #0d1117; } }
body { margin: 0; font: 17px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 34rem; margin: 8vh auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; line-height: 1.25; }
fieldset { border: 1px solid var(--line); border-radius: 8px; margin: 1rem 0; padding: .75rem 1rem; }
legend { font-weight: 600; padding: 0 .25rem; }
label { display: block; margin: .35rem 0; }
button { font: inherit; padding: .5rem 1rem; border-radius: 6px; border: 1px solid var(--line); background: var(--bg); color: var(--fg); cursor: pointer; }
button.primary { background: var(--accent); border-color: var(--accent); color: var(--accent-fg); }
button:focus-visible, input:focus-visible, a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.hint { color: var(--muted); font-size: .95rem; }
.notice { border-inline-start: 4px solid var(--accent); padding: .25rem .75rem; }
a { color: var(--accent); }
hr { border: 0; border-top: 1px solid var(--line); margin: 2rem 0 1rem; }
`;

export function followerPage(language: SiteLanguage, title: string, body: Html) {
  return html`<!doctype html>
<html lang="${language}" dir="${direction(language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${title}</title>
<link rel="stylesheet" href="/followers/page.css">
</head>
<body><main>${body}</main></body>
</html>`;
}

function words(site: SiteConfig): FollowText {
  return text(site.language);
}

export function messagePage(site: SiteConfig, title: string, message: string, link?: { href: string; label: string }) {
  return followerPage(site.language, title, html`<h1>${title}</h1><p>${message}</p>${link ? html`<p><a href="${link.href}">${link.label}</a></p>` : ''}`);
}

/** A link that is forged, altered or expired: said in the language of the site it names, if any. */
export function invalidLinkPage(language: SiteLanguage) {
  const t = text(language);
  return followerPage(language, t.invalidTitle, html`<h1>${t.invalidTitle}</h1><p>${t.invalidText}</p>`);
}

export function confirmPage(site: SiteConfig, email: string) {
  const t = words(site);
  const title = fill(t.confirmTitle, { site: site.name });
  return followerPage(site.language, title, html`<h1>${title}</h1><p>${fill(t.confirmQuestion, { site: site.name, email })}</p><form method="post"><button type="submit" class="primary">${t.confirmButton}</button></form>`);
}

export function confirmedPage(site: SiteConfig, manageUrl: string) {
  const t = words(site);
  return messagePage(site, fill(t.confirmedTitle, { site: site.name }), t.confirmedText, { href: manageUrl, label: t.manageLink });
}

export function unsubscribePage(site: SiteConfig, email: string) {
  const t = words(site);
  return followerPage(site.language, t.unsubscribeTitle, html`<h1>${t.unsubscribeTitle}</h1><p>${fill(t.unsubscribeQuestion, { site: site.name, email })}</p><form method="post"><button type="submit" class="primary">${t.unsubscribeButton}</button></form>`);
}

export function unsubscribedPage(site: SiteConfig, manageUrl: string) {
  const t = words(site);
  return messagePage(site, t.unsubscribedTitle, fill(t.unsubscribedText, { site: site.name }), { href: manageUrl, label: t.manageLink });
}

/** The follower's own page: how often posts come, comment mail, and unsubscribing from everything. */
export function managePage(overview: FollowerOverview, options: { saved: boolean; action: string }) {
  const { site } = overview;
  const t = words(site);
  const title = fill(t.manageTitle, { site: site.name });
  const follower = overview.follower?.status === 'confirmed' ? overview.follower : null;
  const mode = follower?.mode ?? 'each';
  const radio = (value: string, label: string) =>
    html`<label><input type="radio" name="mode" value="${value}"${value === mode ? raw(' checked') : ''}> ${label}</label>`;
  return followerPage(
    site.language,
    title,
    html`<h1>${title}</h1>
${overview.email ? html`<p>${fill(t.manageFor, { email: overview.email })}</p>` : ''}
${options.saved ? html`<p class="notice" role="status">${t.saved}</p>` : ''}
<form method="post" action="${options.action}">
${
  follower
    ? html`<fieldset><legend>${t.deliveryLegend}</legend>${radio('each', t.modeEach)}${radio('daily', t.modeDaily)}${radio('weekly', t.modeWeekly)}</fieldset>`
    : html`<p>${fill(t.notFollowingText, { site: site.name })}</p>`
}
<fieldset><legend>${t.commentsLegend}</legend>
<label><input type="checkbox" name="replies" value="1"${overview.replies.length ? raw(' checked') : ''}> ${t.repliesLabel}</label>
${overview.threads.length ? html`<label><input type="checkbox" name="threads" value="1" checked> ${t.threadsLabel}</label>` : ''}
</fieldset>
<button type="submit" class="primary">${t.save}</button>
</form>
<hr>
<form method="post" action="${options.action}/stop">
<p class="hint">${fill(t.stopAllHint, { site: site.name })}</p>
<button type="submit">${t.stopAll}</button>
</form>`,
  );
}

export function stoppedPage(site: SiteConfig) {
  const t = words(site);
  return messagePage(site, t.unsubscribedTitle, fill(t.stoppedText, { site: site.name }));
}
