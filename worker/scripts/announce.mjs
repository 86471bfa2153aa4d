#!/usr/bin/env node
// `npm run announce -- --site S URL`: tells Parley that a post was published, so its followers get
// it by email (once: announcing the same URL again mails nobody). For sites that deploy from CI:
// run it after the deploy. It sends `POST /api/admin/sites/S/posts` to a deployed Worker with
// --remote, or else to the local server (`npm start`), or a temporary one on the same local KV
// state. See docs/following.md.
import { fileURLToPath } from 'node:url';
import { connect } from './lib/connect.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const say = (text) => process.stderr.write(`${text}\n`);

export const USAGE = `Usage: npm run announce -- --site SITE [options] URL

Mails a new post to the site's followers (once: the same URL announced again mails nobody).

  URL                   the post's address (on the site's url, when the site has one)  [required]
  --site SITE           the Parley site (declared in SITES)                           [required]
  --title TITLE         the post's title (default: the page's <title>, read from URL)
  --summary TEXT        a summary for the mail (default: the page's meta description)
  --author NAME         the author's name
  --published-at DATE   when it was published (ISO 8601; default: now)

Where (default: the local server that \`npm start\` runs, or its KV state):
  --remote URL          a deployed Worker, e.g. https://parley.example.workers.dev
  --token TOKEN         its admin token (default: $ADMIN_TOKEN; locally: parley-dev-token)
  --url URL             a running local server (default: http://127.0.0.1:$PORT, PORT=8787)
  --persist-to DIR      the local KV state for a temporary server (default: .wrangler/state)
  --json                print the answer as JSON
  --help                this text
`;

export function parseAnnounceArgs(argv) {
  const options = { json: false, help: false, urls: [] };
  const names = { '--site': 'site', '--title': 'title', '--summary': 'summary', '--author': 'author', '--published-at': 'publishedAt', '--remote': 'remote', '--token': 'token', '--url': 'url', '--persist-to': 'persistTo' };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    if (arg.startsWith('--') && arg.includes('=')) [arg, value] = [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)];
    if (arg === '--help' || arg === '-h') options.help = true;
    else if (arg === '--json') options.json = true;
    else if (names[arg]) {
      if (value === undefined) {
        if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
        value = argv[++i];
      }
      options[names[arg]] = value;
    } else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
    else options.urls.push(arg);
  }
  if (options.help) return options;
  if (!options.site) throw new Error('--site is required (the Parley site id)');
  if (options.urls.length !== 1) throw new Error('give the address of one post');
  if (!/^https?:\/\//i.test(options.urls[0])) throw new Error(`${options.urls[0]} is not an http(s) address`);
  for (const key of ['remote', 'url']) if (options[key]) options[key] = options[key].replace(/\/+$/, '');
  return options;
}

/** The page's <title> and meta description, when the options do not give them. */
async function readPage(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000), headers: { accept: 'text/html' } });
    if (!response.ok) return {};
    const html = (await response.text()).slice(0, 200_000);
    const decode = (text) => text.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/\s+/g, ' ').trim();
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
    const description = /<meta\s+[^>]*name=["']description["'][^>]*content=["']([^"']*)["']/i.exec(html)?.[1];
    return { title: title ? decode(title) : undefined, summary: description ? decode(description) : undefined };
  } catch {
    return {};
  }
}

async function main() {
  let options;
  try {
    options = parseAnnounceArgs(process.argv.slice(2));
  } catch (error) {
    say(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const url = options.urls[0];
  const page = options.title ? {} : await readPage(url);
  const title = options.title ?? page.title;
  if (!title) {
    say(`${url} has no <title> that could be read: pass --title.`);
    return 2;
  }
  let target;
  try {
    target = await connect(options, { root, say });
  } catch (error) {
    say(error.message);
    return 1;
  }
  try {
    const response = await fetch(`${target.origin}/api/admin/sites/${encodeURIComponent(options.site)}/posts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${target.token}` },
      body: JSON.stringify({ url, title, summary: options.summary ?? page.summary ?? '', author: options.author ?? '', publishedAt: options.publishedAt ?? null }),
      signal: AbortSignal.timeout(60_000),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      say(`The Worker refused the announcement: HTTP ${response.status}: ${body.error?.message ?? 'unknown error'}${body.error?.field ? ` (field ${body.error.field})` : ''}`);
      return 1;
    }
    if (options.json) process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    else if (body.created) process.stdout.write(`Announced “${body.post.title}” on ${target.where}: ${body.send ? `mailing ${body.send.total} follower${body.send.total === 1 ? '' : 's'}` : 'nobody follows yet'}.\n`);
    else process.stdout.write(`“${body.post.title}” was already announced (or read from the feed): nobody is mailed again.\n`);
    return 0;
  } finally {
    await target.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) process.exitCode = await main();
