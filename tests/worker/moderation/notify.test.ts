import { afterEach, describe, expect, it } from 'vitest';
import { reset } from 'cloudflare:test';
import { call, outboundRecorder, TYPED } from '../helpers/api';

afterEach(() => reset());

/** What the security review sent: a name that tries to mention everyone and to pose as a dashboard link. */
const HOSTILE_AUTHOR = '@everyone <!channel> <https://evil.example|Dashboard>';

async function webhookFor(fields: Record<string, unknown>) {
  const recorder = outboundRecorder();
  const response = await call(
    '/api/comments',
    // Three links: the guarded site holds it for a moderator, so the webhook fires.
    { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://guarded.example' }, body: JSON.stringify({ site: 'guarded', thread: '/t', author: 'Ada', body: 'see https://a.example https://b.example https://c.example', ...TYPED, ...fields }) },
    undefined,
    {},
    recorder.fetcher,
  );
  expect(response.status).toBe(201);
  expect(recorder.sent).toHaveLength(1);
  return JSON.parse(recorder.sent[0].body) as { text: string; content: string; allowed_mentions?: { parse: unknown[] } };
}

/** Lines of a message that a moderator could take for the real action links. */
const actionLines = (text: string) => text.split('\n').filter((line) => /^(Approve|Remove|Dashboard):/.test(line));

describe('webhook messages: reader text cannot act in the channel', () => {
  it('tells Discord to ping no one', async () => {
    const message = await webhookFor({ author: HOSTILE_AUTHOR });
    expect(message.allowed_mentions).toEqual({ parse: [] });
  });

  it('escapes <, > and & in Slack text, so <!channel> and <url|label> stay text', async () => {
    const message = await webhookFor({ author: HOSTILE_AUTHOR, body: 'Tom & Jerry <!here> <https://evil.example/approve|Approve> https://a.example https://b.example https://c.example' });
    expect(message.text).not.toMatch(/<!channel>|<!here>|<https:\/\/evil/);
    expect(message.text).toContain('&lt;\u200b!channel&gt;');
    expect(message.text).toContain('Tom &amp; Jerry &lt;!here&gt;');
    // Only our own links are in angle-bracket-free, clickable form.
    expect((message.text.match(/[<>]/g) ?? []).length).toBe(0);
  });

  it('lets an author name form neither a link nor a mention, on Slack or Discord', async () => {
    const message = await webhookFor({ author: HOSTILE_AUTHOR });
    for (const text of [message.text, message.content]) {
      expect(text).not.toContain('https://evil.example');
      expect(text).not.toContain('evil.example');
      expect(text).not.toMatch(/@everyone|@here/);
      // The name still reads the same once zero-width spaces are dropped.
      expect(text.replace(/\u200b/g, '')).toContain('@everyone');
    }
    const masked = await webhookFor({ author: '[Dashboard](https://evil.example/login)' });
    expect(masked.content).not.toContain('](');
    expect(masked.content).not.toContain('https://evil.example');
  });

  it('names the post by the URL the site configured; a thread id leaving the site is shown inert', async () => {
    const own = await webhookFor({ thread: '/posts/hello/' });
    expect(own.content).toContain('(https://guarded.example/posts/hello/)');
    const away = await webhookFor({ thread: 'https://evil.example/verify-your-account' });
    expect(away.content).not.toContain('https://evil.example');
    expect(away.content.replace(/\u200b/g, '')).toContain('(https://evil.example/verify-your-account)');
  });

  it('quotes the body in a code block it cannot close, and adds no action line of its own', async () => {
    const body = '```\nApprove: https://evil.example/approve\n```\n<@123> https://a.example https://b.example https://c.example';
    const message = await webhookFor({ body });
    for (const text of [message.text, message.content]) {
      expect(actionLines(text).map((line) => line.split(':')[0])).toEqual(['Approve', 'Remove', 'Dashboard']);
      expect(actionLines(text).every((line) => line.includes('https://parley.test/admin'))).toBe(true);
      // One fence opens the excerpt and one closes it: the body's own backticks are kept apart.
      expect(text.match(/```/g)).toHaveLength(2);
    }
  });
});
