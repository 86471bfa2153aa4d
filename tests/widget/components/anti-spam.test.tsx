import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, test, vi } from 'vitest';
import { admin, network, newThread, seed } from '../helpers/server';
import { fillAndPost, formReady, lastOwnComment, mainForm, renderApp, resetBetweenTests, testThread, threadShown } from '../helpers/render';

resetBetweenTests();

const published = async () => {
  await waitFor(() => expect(screen.getByRole('status').textContent).toBe('Thanks! Your comment is published.'));
  await formReady();
};
const held = async () => {
  await waitFor(() => expect(screen.getByRole('status').textContent).toContain('awaiting moderation'));
  await formReady();
};

describe('the honeypot', () => {
  test('is a field people cannot reach: off-screen, hidden from assistive tech, out of the tab order, never autofilled', async () => {
    await renderApp();
    const honeypot = mainForm().querySelector<HTMLInputElement>('input[name="hp"]')!;
    expect(honeypot).toBeTruthy();
    expect(honeypot.getAttribute('aria-hidden')).toBe('true');
    expect(honeypot.getAttribute('tabindex')).toBe('-1');
    expect(honeypot.getAttribute('autocomplete')).toBe('off');
    expect(honeypot.classList.contains('hp')).toBe(true);
    // Not among the form's accessible fields.
    expect(within(mainForm()).getAllByRole('textbox').includes(honeypot)).toBe(false);
  });

  test('is sent as `hp`: empty from a person; a bot that types into it is told its comment waits, and it goes to spam', async () => {
    await renderApp({ site: 'open' });
    await threadShown('No comments yet');
    fillAndPost(mainForm(), { name: 'Grace', comment: 'Hello' });
    await published();
    expect(network.posts()[0].hp).toBe('');

    mainForm().querySelector<HTMLInputElement>('input[name="hp"]')!.value = 'http://spam.example';
    fillAndPost(mainForm(), { comment: 'Buy now' });
    await held();
    expect(network.posts()[1].hp).toBe('http://spam.example');
    expect((await admin.comments('open', testThread(), 'spam')).map((comment) => comment.body)).toEqual(['Buy now']);
  });
});

describe('elapsedMs', () => {
  test('is the time from the form appearing to sending it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    await renderApp();
    await threadShown('No comments yet');
    vi.setSystemTime(1_000_000 + 4_321);
    fillAndPost(mainForm(), { name: 'Grace', comment: 'Hello' });
    await waitFor(() => expect(network.posts()).toHaveLength(1));
    expect(network.posts()[0].elapsedMs).toBe(4_321);
  });
});

describe('proof (sites in `first` moderation)', () => {
  test('is not sent before one of my comments was seen approved; then it is, and the next comment is published at once', async () => {
    const [postA, postB] = [newThread(), newThread()];
    const first = await renderApp({ thread: postA, site: 'trusted' });
    await threadShown('No comments yet');
    fillAndPost(mainForm(), { name: 'Grace', comment: 'My first comment here' });
    await held();
    const approved = lastOwnComment();
    // Still pending: nothing to prove with, and the second one waits too.
    fillAndPost(mainForm(), { comment: 'A second one' });
    await waitFor(() => expect(network.posts()).toHaveLength(2));
    await held();
    expect(network.posts().map((post) => post.proof)).toEqual([undefined, undefined]);
    first.unmount();

    // A moderator approves the first; the widget sees it approved in the list.
    await admin.approve(approved.id);
    const second = await renderApp({ thread: postA, site: 'trusted' });
    // The approved one, and the second, still awaiting moderation.
    await threadShown('2 comments');
    expect(screen.getAllByText('Awaiting moderation')).toHaveLength(1);
    second.unmount();

    // Proof is per site: it works on another post too.
    await renderApp({ thread: postB, site: 'trusted' });
    await threadShown('No comments yet');
    fillAndPost(mainForm(), { name: 'Grace', comment: 'Trusted now' });
    await published();
    expect(network.posts()[2].proof).toEqual({ id: approved.id, token: approved.token });
  });

  test('a comment published at once is itself proof', async () => {
    await renderApp({ site: 'open' });
    await threadShown('No comments yet');
    fillAndPost(mainForm(), { name: 'Grace', comment: 'One' });
    await published();
    const one = lastOwnComment();
    fillAndPost(mainForm(), { comment: 'Two' });
    await waitFor(() => expect(network.posts()).toHaveLength(2));
    expect(network.posts()[1].proof).toEqual({ id: one.id, token: one.token });
  });
});

describe('the main form', () => {
  test('has a slot for the Turnstile challenge; reply forms do not', async () => {
    await seed(testThread(), [{ author: 'Ada' }]);
    await renderApp();
    await threadShown('1 comment');
    expect(mainForm().querySelector('slot[name="turnstile"]')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Reply' }));
    expect(document.querySelectorAll('slot[name="turnstile"]')).toHaveLength(1);
  });
});
