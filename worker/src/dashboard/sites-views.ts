import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import { WIDGET_LANGUAGES } from '../wire';
import { LANGUAGE_NAMES, SETTING_FIELDS, type SettingField } from '../sites/form';
import type { SiteView } from '../sites/service';
import { nav, page, type Viewer } from './views';

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** A field the form refused, and why (shown beside it and in the summary at the top). */
export interface FieldProblem {
  field: string;
  problem: string;
}

/** The snippet a site owner pastes into their post template. */
export function embedSnippet(origin: string, site: string): string {
  return `<div id="comments"></div>\n<script src="${origin}/widget.js" data-site="${site}" async></script>`;
}

const MODERATION_LABELS: Record<string, string> = { all: 'Every comment waits', first: 'First comment waits', none: 'Publish at once' };

function savedBy(view: SiteView): Html {
  return view.managed
    ? html`saved here <time datetime="${view.managed.updatedAt}">${view.managed.updatedAt.slice(0, 16).replace('T', ' ')} UTC</time> by ${view.managed.updatedBy}`
    : html`from <code>SITES</code> in wrangler.jsonc`;
}

/** What the "Add a site" form shows (as typed, after a refused add). */
export interface AddSiteForm {
  values: Record<string, string>;
  problem?: FieldProblem;
}

const ADD_FIELDS = ['name', 'url', 'origins', 'moderation'] as const;

/** `/admin/sites`: every site, with where its settings come from, and a form to add one. */
export function sitesPage(viewer: Viewer, views: SiteView[], notice?: string, add: AddSiteForm = { values: {} }) {
  const problem = add.problem;
  return page(
    'Sites',
    html`${nav(viewer, 'sites')}
<main>
<h1>Sites <span class="count">(${views.length})</span></h1>
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
<p class="hint">Changes take effect without a redeploy: here at once, everywhere within about a minute and a half.</p>
<ul class="sites">
${views.map(
  (view) => html`<li class="site-card">
  <h2><a href="/admin/sites/${encodeURIComponent(view.site.id)}">${view.site.name}</a></h2>
  <dl>
    <dt>Id</dt><dd><code>${view.site.id}</code></dd>
    <dt>Moderation</dt><dd>${MODERATION_LABELS[view.site.moderation]}</dd>
    <dt>Origins</dt><dd>${view.site.origins.length ? view.site.origins.join(', ') : 'this Worker only'}</dd>
    <dt>Settings</dt><dd>${savedBy(view)}</dd>
  </dl>
  <p class="actions"><a class="button" href="/admin/sites/${encodeURIComponent(view.site.id)}" aria-label="Settings and embed code of ${view.site.name}">Settings and embed code</a> <a class="button" href="/api/admin/export?site=${encodeURIComponent(view.site.id)}" download aria-label="Export ${view.site.name}">Export</a></p>
</li>`,
)}
</ul>
<section aria-labelledby="add">
<h2 id="add">Add a site</h2>
${problemSummary(problem)}
<form method="post" action="/admin/sites" class="site-form" novalidate>
  <div class="field"><label for="f-id">Id</label><input id="f-id" name="id" value="${add.values.id ?? ''}" required autocapitalize="none" spellcheck="false" aria-describedby="${describedBy('f-id', problem, 'id')}"${invalid(problem, 'id')}>${fieldError('f-id', problem, 'id')}<p class="hint" id="f-id-help">1–64 of a–z, 0–9, _ and -. It is the embed’s <code>data-site</code> and part of every storage key: it cannot change later.</p></div>
  ${ADD_FIELDS.map((fieldName) => settingField(SETTING_FIELDS.find((field) => field.name === fieldName)!, add.values, problem))}
  <p class="actions"><button type="submit" class="primary">Add site</button></p>
  <p class="hint">Every other setting is on the site’s page once it is added.</p>
</form>
</section>
</main>`,
  );
}

export interface SiteFormData {
  viewer: Viewer;
  view: SiteView;
  /** What each field shows (as typed, after a refused save). */
  values: Record<string, string | string[]>;
  revision: number;
  /** The Worker's origin, for the embed snippet. */
  origin: string;
  problem?: FieldProblem;
  notice?: string;
}

function describedBy(id: string, problem: FieldProblem | undefined, name: string): string {
  return problem?.field === name ? `${id}-error ${id}-help` : `${id}-help`;
}

function fieldError(id: string, problem: FieldProblem | undefined, name: string): Html | string {
  return problem?.field === name ? html`<p class="error" id="${id}-error">${problem.problem}</p>` : '';
}

function invalid(problem: FieldProblem | undefined, name: string) {
  return problem?.field === name ? raw(' aria-invalid="true"') : '';
}

function settingField(field: SettingField, values: Record<string, string | string[]>, problem: FieldProblem | undefined): Html {
  const id = `f-${field.name}`;
  const value = values[field.name];
  const text = typeof value === 'string' ? value : '';
  const help = html`<p class="hint" id="${id}-help">${field.help}</p>`;
  const common = html`id="${id}" name="${field.name}" aria-describedby="${describedBy(id, problem, field.name)}"${invalid(problem, field.name)}`;
  switch (field.kind) {
    case 'lines':
      return html`<div class="field"><label for="${id}">${field.label}</label><textarea ${common} rows="3" placeholder="${field.placeholder ?? ''}">${text}</textarea>${fieldError(id, problem, field.name)}${help}</div>`;
    case 'select':
      return html`<div class="field"><label for="${id}">${field.label}</label><select ${common}>${(field.options ?? []).map(
        (option) => html`<option value="${option.value}"${option.value === (text || field.options?.[0]?.value) ? raw(' selected') : ''}>${option.label}</option>`,
      )}</select>${fieldError(id, problem, field.name)}${help}</div>`;
    case 'checkbox':
      return html`<div class="field"><span class="check"><input type="checkbox" ${common} value="on"${text ? raw(' checked') : ''}><label for="${id}">${field.label}</label></span>${fieldError(id, problem, field.name)}${help}</div>`;
    case 'languages': {
      const picked = Array.isArray(value) ? value : [];
      return html`<fieldset class="field languages" id="${id}" aria-describedby="${describedBy(id, problem, field.name)}"><legend>${field.label}</legend>${WIDGET_LANGUAGES.map(
        (code) =>
          html`<span class="check"><input type="checkbox" id="${id}-${code}" name="${field.name}" value="${code}"${picked.includes(code) ? raw(' checked') : ''}><label for="${id}-${code}" lang="${code}">${LANGUAGE_NAMES[code]}</label></span> `,
      )}${fieldError(id, problem, field.name)}${help}</fieldset>`;
    }
    case 'number':
      return html`<div class="field"><label for="${id}">${field.label}</label><input type="number" ${common} value="${text}" min="${field.min ?? 0}" step="${field.fractions ? 'any' : '1'}" placeholder="${field.placeholder ?? ''}" inputmode="${field.fractions ? 'decimal' : 'numeric'}">${fieldError(id, problem, field.name)}${help}</div>`;
    default:
      return html`<div class="field"><label for="${id}">${field.label}</label><input type="${field.kind === 'url' ? 'url' : 'text'}" ${common} value="${text}" placeholder="${field.placeholder ?? ''}">${fieldError(id, problem, field.name)}${help}</div>`;
  }
}

function labelOf(field: string): string {
  return field === 'id' ? 'Id' : (SETTING_FIELDS.find((one) => one.name === field)?.label ?? field);
}

function problemSummary(problem: FieldProblem | undefined): Html | string {
  if (!problem) return '';
  const where = problem.field && (problem.field === 'id' || SETTING_FIELDS.some((one) => one.name === problem.field)) ? html`<a href="#f-${problem.field}">${labelOf(problem.field)}</a>: ` : '';
  return html`<div class="error-summary" role="alert"><p>Nothing was saved. ${where}${problem.problem}</p></div>`;
}

/** `/admin/sites/:id`: a site's embed code, its export, and its settings form. */
export function siteFormPage(data: SiteFormData) {
  const { view, problem } = data;
  const sections = [...new Set(SETTING_FIELDS.map((field) => field.section))];
  return page(
    view.site.name,
    html`${nav(data.viewer, 'sites')}
<main>
<p class="crumbs"><a href="/admin/sites">All sites</a></p>
<h1>${view.site.name}</h1>
${data.notice ? html`<p class="notice" role="status">${data.notice}</p>` : ''}
${problemSummary(problem)}
<section aria-labelledby="embed">
<h2 id="embed">Embed</h2>
<p>Paste this into your post template where comments should appear (guides for Hugo, Jekyll, Eleventy, Astro, Next.js, Ghost and WordPress are in Parley’s <code>docs/guides/</code>):</p>
<pre class="snippet"><code>${embedSnippet(data.origin, view.site.id)}</code></pre>
<p class="hint">Each page’s path is its thread. The pages must be served from one of the origins below.</p>
</section>
<section aria-labelledby="export">
<h2 id="export">Export</h2>
<p><a class="button" href="/api/admin/export?site=${encodeURIComponent(view.site.id)}" download>Export comments (JSON)</a></p>
<p class="hint">Every comment of every status, thread settings, followers and the audit log, without secrets. A large site comes in parts: the file’s <code>next</code> names the next one.</p>
</section>
<section aria-labelledby="settings">
<h2 id="settings">Settings</h2>
<p class="hint">Settings ${savedBy(view)}. Empty fields take their defaults. A change takes effect without a redeploy: here at once, everywhere within about a minute and a half.</p>
<form method="post" action="/admin/sites/${encodeURIComponent(view.site.id)}" class="site-form" novalidate>
  <input type="hidden" name="revision" value="${data.revision}">
  ${sections.map(
    (section) =>
      html`<fieldset class="section"><legend>${section}</legend>${SETTING_FIELDS.filter((field) => field.section === section).map((field) => settingField(field, data.values, problem))}</fieldset>`,
  )}
  <p class="actions"><button type="submit" class="primary">Save settings</button> <a class="button" href="/admin/sites">Cancel</a></p>
</form>
</section>
</main>`,
  );
}
