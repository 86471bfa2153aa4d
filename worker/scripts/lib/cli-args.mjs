// Command-line arguments of `npm run import`.

export const USAGE = `Usage: npm run import -- --site SITE [options] FILE

Imports comments into Parley from a WordPress export (WXR .xml), a Disqus export (.xml) or a
Parley export (.json, from GET /api/admin/export). Safe to run again: nothing is ever duplicated.

  FILE                  the export file (read as a stream: any size)
  --site SITE           the Parley site to import into (declared in SITES)          [required]
  --format FORMAT       wordpress | disqus (default: read from the file)
  --map-prefix FROM=TO  map old links to threads by prefix (repeatable), e.g.
                        --map-prefix https://old.example=/   --map-prefix https://old.example/blog=/posts
  --map FILE.json       map old links to threads: {"https://old.example/?p=4": "/hello/", "https://old.example/*": "/*"}
  --normalise-paths     thread ids normalised as the widget derives them on a page without data-thread
                        (/2014/hello and /2014/hello/index.html -> /2014/hello/); by default they are the
                        links' paths exactly, as earlier releases imported them
  --protected-posts hold|skip
                        comments on WordPress password-protected posts: held for moderation
                        (hold, the default) or not imported (skip)
  --dry-run             read and check the file, print what would be imported; write nothing
  --concurrency N       requests in flight at once (default 4; batches of one thread never overlap)

Where to import (default: the local KV store that \`npm start\` uses):
  --remote URL          a deployed Worker, e.g. https://parley.example.workers.dev
  --token TOKEN         an API token with write access to the site (dashboard: Your account → API
                        tokens), or the admin token (default: $ADMIN_TOKEN; locally: parley-dev-token)
  --url URL             a running local server (default: http://127.0.0.1:$PORT, PORT=8787);
                        when none answers, a temporary one is started on the same KV state
  --persist-to DIR      the local KV state for the temporary server (default: .wrangler/state)

Output:
  --json                print the report as JSON on stdout
  --quiet               no progress bar
  --help                this text
`;

/** Parses argv (without node and the script) into options; throws an Error with a message for the user. */
export function parseArgs(argv) {
  const options = { mapPrefix: [], files: [], json: false, quiet: false, dryRun: false, help: false };
  const takesValue = new Set(['--site', '--protected-posts', '--format', '--map-prefix', '--map', '--remote', '--token', '--url', '--persist-to', '--batch-size', '--concurrency']);
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    if (arg.startsWith('--') && arg.includes('=') && takesValue.has(arg.slice(0, arg.indexOf('=')))) {
      value = arg.slice(arg.indexOf('=') + 1);
      arg = arg.slice(0, arg.indexOf('='));
    } else if (takesValue.has(arg)) {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      value = argv[++i];
    }
    switch (arg) {
      case '--site': options.site = value; break;
      case '--protected-posts':
        if (value !== 'hold' && value !== 'skip') throw new Error('--protected-posts must be hold or skip');
        options.protectedPosts = value;
        break;
      case '--format':
        if (value !== 'wordpress' && value !== 'disqus') throw new Error('--format must be wordpress or disqus');
        options.format = value;
        break;
      case '--map-prefix': options.mapPrefix.push(value); break;
      case '--map': options.map = value; break;
      case '--remote': options.remote = value.replace(/\/+$/, ''); break;
      case '--token': options.token = value; break;
      case '--url': options.url = value.replace(/\/+$/, ''); break;
      case '--persist-to': options.persistTo = value; break;
      case '--batch-size': options.batchSize = Number(value); break;
      case '--concurrency': options.concurrency = Number(value); break;
      case '--json': options.json = true; break;
      case '--quiet': options.quiet = true; break;
      case '--dry-run': options.dryRun = true; break;
      case '--normalise-paths': case '--normalize-paths': options.normalisePaths = true; break;
      case '--help': case '-h': options.help = true; break;
      default:
        if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`);
        options.files.push(arg);
    }
  }
  if (options.help) return options;
  if (!options.site) throw new Error('--site is required (the Parley site id to import into)');
  if (options.files.length !== 1) throw new Error(options.files.length ? 'give one file at a time' : 'give the export file to import');
  if (options.remote && (options.url || options.persistTo)) throw new Error('--remote cannot be combined with --url or --persist-to');
  if (options.batchSize !== undefined && !(options.batchSize >= 1 && options.batchSize <= 100)) throw new Error('--batch-size must be 1-100');
  if (options.concurrency !== undefined && !(Number.isInteger(options.concurrency) && options.concurrency >= 1 && options.concurrency <= 16)) throw new Error('--concurrency must be 1-16');
  return options;
}
