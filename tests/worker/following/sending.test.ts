import { afterEach, describe, expect, it, vi } from 'vitest';
import { reset } from 'cloudflare:test';
import { ADMIN, announce, cron, drain, env, FEED_URL, feedHost, importFollowers, linkIn, MAIL_API, mailApi, mailTo, NEWS_ORIGIN, outbox, recordingQueue, request } from './support';
import { MAX_SEND_ATTEMPTS } from '../../../worker/src/objects/followers-object';

afterEach(() => {
  vi.restoreAllMocks();
  return reset();
});

const people = (n: number, prefix = 'reader') => Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(2, '0')}@example.com`);

async function sendOf(queue: ReturnType<typeof recordingQueue>, title: string) {
  const page = await (await request(queue, '/api/admin/sites/news/posts', { headers: ADMIN })).json<{ posts: { title: string; send: { id: number; status: string; sent: number; failed: number; total: number; attempts: number; error: string | null; ops: Record<string, number> } }[] }>();
  return page.posts.find((post) => post.title === title)!.send;
}

describe('sending a post to followers in batches', () => {
  it('mails every confirmed follower once, in batches of FOLLOW_BATCH_SIZE, one queue message each', async () => {
    const queue = recordingQueue();
    const everyone = people(10);
    expect(await importFollowers(queue, 'news', everyone, true)).toMatchObject({ confirmed: 10, invited: 0 });
    // Someone who never confirmed gets nothing.
    await importFollowers(queue, 'news', ['pending@example.com'], false);
    await drain(queue);
    await announce(queue, 'news', { url: `${NEWS_ORIGIN}/posts/batched/`, title: 'Batched', author: 'Maren' });
    const { deliveries } = await drain(queue, { extra: { FOLLOW_BATCH_SIZE: '3' } });
    expect(deliveries).toBe(4); // 4 batches of at most 3: the last one finishes the send
    for (const email of everyone) expect((await mailTo(email)).map((m) => m.subject)).toEqual(['[Field Notes] Batched']);
    expect((await mailTo('pending@example.com')).map((m) => m.subject)).toEqual(['Confirm: follow Field Notes']);
    const send = await sendOf(queue, 'Batched');
    expect(send).toMatchObject({ status: 'sent', sent: 10, total: 10, failed: 0 });
    // Counted by the consumer: one outbox write per mail, no KV read or list, one queue message per batch.
    expect(send.ops).toMatchObject({ kvWrites: 10, kvReads: 0, kvLists: 0, deliveries: 4, queueSends: 4 });
  });

  it('resumes after the mail API fails in the middle of a batch: nobody twice, nobody skipped', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const queue = recordingQueue();
    const everyone = people(10);
    await importFollowers(queue, 'news', everyone, true);
    await announce(queue, 'news', { url: `${NEWS_ORIGIN}/posts/outage/`, title: 'Outage' });
    // Batches of 4. The mail API accepts the first batch and half of the second, then is down for
    // the rest of that attempt and the next two (an outage), then recovers.
    let delivery = 0;
    let inDelivery = 0;
    const api = mailApi(() => {
      const down = (delivery === 2 && inDelivery++ >= 2) || delivery === 3 || delivery === 4;
      return down ? new Response('unavailable', { status: 503 }) : Response.json({ id: 'ok' });
    });
    const { delays } = await drain(queue, {
      extra: { ...MAIL_API, FOLLOW_BATCH_SIZE: '4' },
      outbound: api.fetcher,
      beforeDelivery: (n) => {
        delivery = n;
        inDelivery = 0;
      },
    });
    expect(delays).toEqual([30, 60, 120]); // growing delays between attempts
    const delivered = api.delivered.map((body) => body.to);
    expect(delivered.sort()).toEqual([...everyone].sort()); // each exactly once
    // Every attempt at one recipient carries the same Idempotency-Key (the API would drop a repeat).
    const keys = new Map<string, Set<string>>();
    for (const sent of api.sent) keys.set(JSON.parse(sent.body).to, (keys.get(JSON.parse(sent.body).to) ?? new Set()).add(sent.headers.get('idempotency-key')!));
    for (const set of keys.values()) expect(set.size).toBe(1);
    expect(await sendOf(queue, 'Outage')).toMatchObject({ status: 'sent', sent: 10, failed: 0 });
    expect(errors).toHaveBeenCalled();
    // The outbox was not used: the API sent the mail.
    expect(await outbox()).toEqual([]);
  });

  it('a consumer that dies after mailing part of a batch: the batch is taken over, and the outbox keeps each mail once', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const queue = recordingQueue();
    const everyone = people(6);
    await importFollowers(queue, 'news', everyone, true);
    await announce(queue, 'news', { url: `${NEWS_ORIGIN}/posts/crash/`, title: 'Crash' });
    // The first batch's report never reaches the object (the Worker died after mailing): the mails
    // went out, the cursor did not move. Once its lease lapses, the next delivery mails that batch
    // again with the same idempotency keys, which the outbox (like Resend) keeps once.
    const { deliveries } = await drain(queue, { extra: { FOLLOW_BATCH_SIZE: '4', FOLLOW_LEASE_SECONDS: '0', FOLLOWER_OBJECTS: dyingOnFirstReport(env.FOLLOWER_OBJECTS) } });
    expect(deliveries).toBe(3); // the batch that died, the same batch again, the last 2
    const kept = await outbox();
    expect(kept.map((mail) => mail.to).sort()).toEqual([...everyone].sort());
    expect(await sendOf(queue, 'Crash')).toMatchObject({ status: 'sent', sent: 6 });
  });

  it('while a consumer holds a batch, another delivery of the same send waits for it', async () => {
    const queue = recordingQueue();
    await importFollowers(queue, 'news', people(3), true);
    const { send } = await (await announce(queue, 'news', { url: `${NEWS_ORIGIN}/posts/held/`, title: 'Held' })).json<{ send: { id: number } }>();
    const stub = env.FOLLOWER_OBJECTS.get(env.FOLLOWER_OBJECTS.idFromName('followers\nnews'));
    expect((await stub.claim('news', { send: send.id, size: 40 })).state).toBe('batch');
    const busy = await stub.claim('news', { send: send.id, size: 40 });
    expect(busy).toMatchObject({ state: 'busy' });
    expect(busy.state === 'busy' && busy.retryInSeconds).toBeGreaterThan(200);
    expect(await outbox()).toEqual([]);
  });

  it('a send whose queue message was lost is queued again by the cron, after the longest retry delay', async () => {
    const queue = recordingQueue();
    await importFollowers(queue, 'news', people(2), true);
    await announce(queue, 'news', { url: `${NEWS_ORIGIN}/posts/lost/`, title: 'Lost' });
    queue.messages.length = 0; // the message never arrives
    const noFeed = feedHost({ [FEED_URL]: () => new Response('', { status: 304 }) }).fetcher;
    expect((await cron(queue, noFeed, { now: Date.now() + 30 * 60_000 })).queued).toBe(0);
    expect((await cron(queue, noFeed, { now: Date.now() + 71 * 60_000 })).queued).toBe(1);
    await drain(queue);
    expect(await sendOf(queue, 'Lost')).toMatchObject({ status: 'sent', sent: 2 });
  });

  it('counts a refused address as failed, goes on, and retries it on the owner’s request', async () => {
    const queue = recordingQueue();
    await importFollowers(queue, 'news', ['good@example.com', 'typo@exmaple.con', 'fine@example.com'], true);
    await announce(queue, 'news', { url: `${NEWS_ORIGIN}/posts/refused/`, title: 'Refused' });
    let refuseTypo = true;
    const api = mailApi((body) => (refuseTypo && body.to === 'typo@exmaple.con' ? Response.json({ message: 'invalid `to` address' }, { status: 422 }) : Response.json({ id: 'ok' })));
    await drain(queue, { extra: MAIL_API, outbound: api.fetcher });
    const failed = await sendOf(queue, 'Refused');
    expect(failed).toMatchObject({ status: 'sent', sent: 2, failed: 1, total: 3 });
    refuseTypo = false;
    const retried = await request(queue, `/api/admin/sites/news/sends/${failed.id}/retry`, { method: 'POST', headers: ADMIN });
    expect(await retried.json()).toEqual({ queued: true });
    await drain(queue, { extra: MAIL_API, outbound: api.fetcher });
    expect(await sendOf(queue, 'Refused')).toMatchObject({ status: 'sent', sent: 3, failed: 0 });
    expect(api.sent.map((sent) => JSON.parse(sent.body).to).sort()).toEqual(['fine@example.com', 'good@example.com', 'typo@exmaple.con', 'typo@exmaple.con']);
  });

  it(`pauses a send after ${MAX_SEND_ATTEMPTS} failed attempts in a row; Retry resumes it where it stopped`, async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const queue = recordingQueue();
    await importFollowers(queue, 'news', people(3), true);
    await announce(queue, 'news', { url: `${NEWS_ORIGIN}/posts/down/`, title: 'Down' });
    let up = false;
    const api = mailApi(() => (up ? Response.json({ id: 'ok' }) : new Response('bad gateway', { status: 502 })));
    const { deliveries } = await drain(queue, { extra: MAIL_API, outbound: api.fetcher });
    expect(deliveries).toBe(MAX_SEND_ATTEMPTS);
    const paused = await sendOf(queue, 'Down');
    expect(paused).toMatchObject({ status: 'paused', sent: 0, attempts: MAX_SEND_ATTEMPTS, error: 'mail API answered 502' });
    up = true;
    await request(queue, `/api/admin/sites/news/sends/${paused.id}/retry`, { method: 'POST', headers: ADMIN });
    await drain(queue, { extra: MAIL_API, outbound: api.fetcher });
    expect(await sendOf(queue, 'Down')).toMatchObject({ status: 'sent', sent: 3 });
  });
});

describe('importing followers', () => {
  it('without the owner asserting consent, invites each address to confirm (in batches) and counts nobody yet', async () => {
    const queue = recordingQueue();
    const outcome = await importFollowers(queue, 'news', [...people(5, 'imported'), 'imported00@example.com', 'not an address'], false);
    expect(outcome).toMatchObject({ confirmed: 0, invited: 5, unchanged: 1, skipped: 1 });
    await drain(queue, { extra: { FOLLOW_BATCH_SIZE: '2' } });
    const invitation = (await mailTo('imported03@example.com'))[0];
    expect(invitation.text).toContain('The owner of Field Notes added this address');
    const counts = await (await request(queue, '/api/admin/followers?site=news', { headers: ADMIN })).json<{ counts: { confirmed: number; pending: number } }>();
    expect(counts.counts).toMatchObject({ confirmed: 0, pending: 5 });
    await request(queue, linkIn(invitation, 'confirm'), { method: 'POST' });
    const after = await (await request(queue, '/api/admin/followers?site=news&status=confirmed', { headers: ADMIN })).json<{ followers: { email: string; source: string }[] }>();
    expect(after.followers).toEqual([expect.objectContaining({ email: 'imported03@example.com', source: 'import' })]);
  });

  it('reads a WordPress.com subscriber export, leaving out those who had not confirmed', async () => {
    const queue = recordingQueue();
    const csv = ['email_address,name,subscription_date,email_subscription', 'ann@example.com,"Lee, Ann",2021-03-04 10:00:00,Subscribed', 'cy@example.com,Cy,2023-05-06,Not confirmed', 'dee@example.com,"Dee ""D"" Day",2024-07-08,Subscribed', 'nonsense,,,Subscribed'].join('\r\n');
    const response = await request(queue, '/api/admin/followers', { method: 'POST', headers: { ...ADMIN, 'content-type': 'application/json' }, body: JSON.stringify({ site: 'news', csv, consent: true }) });
    expect(await response.json()).toMatchObject({ confirmed: 2, skipped: 2 });
    const list = await (await request(queue, '/api/admin/followers?site=news', { headers: ADMIN })).json<{ followers: { email: string }[] }>();
    expect(list.followers.map((f) => f.email).sort()).toEqual(['ann@example.com', 'dee@example.com']);
  });

  it('requires the owner to say whether these people consented', async () => {
    const queue = recordingQueue();
    const response = await request(queue, '/api/admin/followers', { method: 'POST', headers: { ...ADMIN, 'content-type': 'application/json' }, body: JSON.stringify({ site: 'news', emails: ['a@example.com'] }) });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { field: 'consent' } });
  });
});

/** The followers namespace, with the first `report` of a batch lost (as when the Worker dies after mailing). */
function dyingOnFirstReport(namespace: typeof env.FOLLOWER_OBJECTS): typeof env.FOLLOWER_OBJECTS {
  let died = false;
  return {
    idFromName: (name: string) => namespace.idFromName(name),
    get: (id: DurableObjectId) => {
      const stub = namespace.get(id);
      return new Proxy(stub, {
        get(target, property) {
          if (property === 'report' && !died) {
            died = true;
            return async () => {
              throw new Error('the Worker died before reporting');
            };
          }
          return (...args: unknown[]) => (target as unknown as Record<string | symbol, (...a: unknown[]) => unknown>)[property](...args);
        },
      });
    },
  } as unknown as typeof env.FOLLOWER_OBJECTS;
}
