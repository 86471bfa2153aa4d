// The smoke check `npm run deploy` runs on the live Worker: the widget, the API, the dashboard,
// and that every required secret is in effect. A new workers.dev address and new secrets take a
// little while to reach every location, so each check is retried until it passes or time is up.
import { setTimeout as sleep } from 'node:timers/promises';

async function getText(origin, path) {
  const response = await fetch(`${origin}${path}`, { redirect: 'manual', signal: AbortSignal.timeout(15_000) });
  return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
}

function jsonOf(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The words of an HTML page's <main> (what the dashboard says went wrong), shortened. */
function pageText(html) {
  const main = html.match(/<main[^>]*>([\s\S]*?)<\/main>/)?.[1] ?? '';
  return main.replace(/<[^>]*>/g, ' ').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** The checks, each a path and what its answer must be (a reason when it is not). */
export function smokeChecks(site) {
  return [
    {
      what: 'widget.js',
      path: '/widget.js',
      fails: (r) => (r.status !== 200 ? `HTTP ${r.status}` : !/javascript/.test(r.type) ? `served as ${r.type || 'no type'}, not JavaScript` : r.text.length < 1000 ? 'it is empty' : null),
    },
    {
      what: `the site's config (/api/sites/${site}/config)`,
      path: `/api/sites/${encodeURIComponent(site)}/config`,
      fails: (r) => (r.status !== 200 ? `HTTP ${r.status}${jsonOf(r.text)?.error ? `: ${jsonOf(r.text).error.message}` : ''}` : jsonOf(r.text)?.site !== site ? 'not a Parley answer' : null),
    },
    {
      what: 'the comments API',
      path: `/api/comments?site=${encodeURIComponent(site)}&thread=%2F`,
      fails: (r) => (r.status !== 200 ? `HTTP ${r.status}${jsonOf(r.text)?.error ? `: ${jsonOf(r.text).error.message}` : ''}` : !Array.isArray(jsonOf(r.text)?.comments) ? 'not a Parley answer' : null),
    },
    {
      what: 'the dashboard (/admin)',
      path: '/admin',
      fails: (r) => (r.status !== 200 ? `HTTP ${r.status}${pageText(r.text) ? `: ${pageText(r.text)}` : ''}` : !r.text.includes('Admin token') ? 'no sign-in form' : null),
    },
    {
      // Without a token, an admin route answers 401 `unauthorized` only when every secret is set;
      // otherwise `admin_disabled` or `not_configured`, naming what is missing.
      what: 'the secrets (ADMIN_TOKEN, LINK_SIGNING_KEY, HASH_KEY)',
      path: '/api/admin/counts',
      fails: (r) => {
        const error = jsonOf(r.text)?.error;
        if (r.status === 401 && error?.code === 'unauthorized') return null;
        return error ? `not in effect yet: ${error.message}` : `HTTP ${r.status}`;
      },
    },
  ];
}

/**
 * Runs every check against `origin` until it passes or `waitMs` is over. Resolves to
 * `[{ what, ok, detail }]`; `report(line)` hears each result as it comes.
 */
export async function smokeCheck(origin, site, { waitMs = 120_000, retryMs = 3_000, report = () => {} } = {}) {
  const deadline = Date.now() + waitMs;
  const results = [];
  for (const check of smokeChecks(site)) {
    let reason;
    for (;;) {
      try {
        reason = check.fails(await getText(origin, check.path));
      } catch (error) {
        reason = error.name === 'TimeoutError' ? 'no answer within 15 s' : `could not be reached (${error.cause?.code ?? error.message})`;
      }
      if (!reason || Date.now() + retryMs > deadline) break;
      await sleep(retryMs);
    }
    results.push({ what: check.what, ok: !reason, detail: reason ?? 'ok' });
    report(reason ? `✗ ${check.what}: ${reason}` : `✓ ${check.what}`);
  }
  return results;
}
