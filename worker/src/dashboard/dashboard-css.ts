/** The dashboard's stylesheet, served from /admin/dashboard.css (the CSP allows no inline style). */
export const DASHBOARD_CSS = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #fff; --card: #f6f8fa; --line: #d1d9e0; --accent: #0b5cad; --ok: #116329; --bad: #b3261e; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --card: #151b23; --line: #3d444d; --accent: #58a6ff; --ok: #3fb950; --bad: #ff7b72; } }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
main, header.top { max-width: 56rem; margin: 0 auto; padding: 1rem; }
header.top { display: flex; justify-content: space-between; align-items: center; border-bottom: 1px solid var(--line); }
h1 { font-size: 1.25rem; margin: 0; }
h2 { font-size: 1.1rem; }
.login { max-width: 24rem; margin-top: 10vh; }
.login form { display: grid; gap: .5rem; margin-top: 1rem; }
label { font-weight: 600; }
input, select, button { font: inherit; padding: .4rem .6rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
button { cursor: pointer; background: var(--card); }
button:focus-visible, input:focus-visible, select:focus-visible, a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
button.approve { border-color: var(--ok); color: var(--ok); }
button.remove { border-color: var(--bad); color: var(--bad); }
.filters { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.comment { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; margin: .75rem 0; }
.comment header { display: flex; flex-wrap: wrap; gap: .25rem .75rem; color: var(--muted); font-size: .9rem; }
.comment header strong { color: var(--fg); }
.comment .body { overflow-wrap: anywhere; }
.actions { display: flex; gap: .5rem; }
.error { color: var(--bad); }
.notice { border-left: 4px solid var(--ok); padding: .25rem .75rem; }
a { color: var(--accent); }
`;

/** Additions for the full moderation dashboard (tabs, bulk actions, tables). */
export const DASHBOARD_CSS_EXTRA = `
.narrow { max-width: 32rem; margin: 8vh auto 0; padding: 1rem; }
.stack { display: grid; gap: .5rem; }
.hint { color: var(--muted); font-size: .9rem; font-weight: normal; }
.top nav { display: flex; gap: 1rem; }
.top nav a[aria-current], .tabs a[aria-current] { font-weight: 700; text-decoration: underline; text-underline-offset: .3em; }
.brand { font-weight: 700; color: var(--fg); text-decoration: none; }
.who { color: var(--muted); }
.tabs { display: flex; gap: 1.25rem; margin: .5rem 0 1rem; flex-wrap: wrap; }
.badge { display: inline-block; min-width: 1.5em; padding: 0 .4em; border-radius: 999px; background: var(--card); border: 1px solid var(--line); font-size: .8rem; text-align: center; }
.bulk { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; margin: .5rem 0; }
ol.comments { list-style: none; padding: 0; margin: 0; }
.comment.current, .comment:focus { outline: 3px solid var(--accent); outline-offset: 2px; }
.comment form { display: inline; }
.comment .ban, .comment .lock { display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; margin-top: .5rem; font-size: .9rem; }
.more { margin-top: .5rem; font-size: .9rem; }
.more summary { cursor: pointer; color: var(--muted); }
.flags { color: var(--bad); font-size: .9rem; margin: .25rem 0; }
.actions { flex-wrap: wrap; margin-top: .5rem; }
a.button { display: inline-block; padding: .4rem .6rem; border: 1px solid var(--line); border-radius: 6px; background: var(--card); color: var(--fg); text-decoration: none; }
button.primary { background: var(--accent); color: var(--bg); border-color: var(--accent); }
table { border-collapse: collapse; width: 100%; font-size: .95rem; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
.shortcuts { color: var(--muted); font-size: .85rem; margin-top: 2rem; }
kbd { border: 1px solid var(--line); border-radius: 4px; padding: 0 .3em; font-size: .85em; }
textarea { font: inherit; padding: .5rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
.mail pre { white-space: pre-wrap; overflow-wrap: anywhere; font: inherit; margin: .5rem 0 0; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

/** The site pages (/admin/sites): cards, the settings form, the embed snippet. */
export const DASHBOARD_CSS_SITES = `
.sites { list-style: none; padding: 0; display: grid; gap: .75rem; }
.site-card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; }
.site-card h2 { margin: 0 0 .25rem; }
.site-card dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .75rem; margin: 0; font-size: .95rem; }
.site-card dt { color: var(--muted); }
.site-card dd { margin: 0; overflow-wrap: anywhere; }
.site-form { display: grid; gap: 1rem; max-width: 40rem; }
.site-form .section { border: 1px solid var(--line); border-radius: 8px; padding: .5rem 1rem 1rem; display: grid; gap: .9rem; min-width: 0; }
.site-form legend { font-weight: 700; padding: 0 .25rem; }
.field { display: grid; gap: .25rem; min-width: 0; }
.field .hint, .field .error { margin: 0; }
.field input:not([type=checkbox]), .field select, .field textarea { width: 100%; }
fieldset.field { border: 0; padding: 0; margin: 0; }
fieldset.field legend { font-weight: 600; padding: 0; }
.check { display: inline-flex; gap: .4rem; align-items: center; margin-right: .75rem; }
.check input { width: 1.25rem; height: 1.25rem; }
.check label { font-weight: normal; }
input[aria-invalid=true], textarea[aria-invalid=true] { border-color: var(--bad); }
.error-summary { border-left: 4px solid var(--bad); padding: .25rem .75rem; }
pre.snippet { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: .75rem; white-space: pre-wrap; overflow-wrap: anywhere; }
.crumbs { margin: 0 0 .25rem; }
a.button.primary { background: var(--accent); color: var(--bg); border-color: var(--accent); }
section { margin-top: 1.5rem; }
`;

/**
 * Phones (360 px and up): the header wraps instead of pushing "Sign out" off the screen, and
 * nothing is wider than the screen (long emails, URLs and ids wrap; tables fit).
 */
export const DASHBOARD_CSS_PHONE = `
header.top { flex-wrap: wrap; gap: .5rem 1rem; }
.top nav { flex-wrap: wrap; gap: .25rem 1rem; }
.top nav a { display: inline-block; padding: .2rem 0; }
.signout { display: flex; align-items: center; gap: .5rem; margin-left: auto; min-width: 0; }
.who { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 12rem; }
.comment header > *, .email, .website, .where, .mail header { min-width: 0; overflow-wrap: anywhere; }
.filters input, .filters select { min-width: 0; max-width: 100%; }
td, th { overflow-wrap: anywhere; }
main { overflow-wrap: break-word; }
@media (max-width: 40rem) {
  main, header.top { padding: .75rem; }
  .top nav { order: 3; flex-basis: 100%; }
  .filters { display: grid; grid-template-columns: max-content 1fr; }
  .filters button { grid-column: 1 / -1; }
  .filters input { width: 100%; }
  table { table-layout: fixed; font-size: .85rem; }
  .actions button, .actions a.button, .bulk button { min-height: 2.75rem; }
}
`;
