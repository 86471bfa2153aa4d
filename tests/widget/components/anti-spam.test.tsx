import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { FakeServer } from '../helpers/fake-server';
import { fillAndPost, mainForm, renderApp, resetBetweenTests } from '../helpers/render';

resetBetweenTests();
afterEach(() => vi.useRealTimers());

const published = () => waitFor(() => expect(screen.getByRole('status').textContent).toBe('Thanks! Your comment is published.'));
const held = () => waitFor(() => expect(screen.getByRole('status').textContent).toContain('awaiting moderation'));

describe('the honeypot', () => {
  test('is a field people cannot reach: off-screen, hidden from assistive tech, out of the tab order, never autofilled', async () => {
    new FakeServer().install();
    renderApp();
    const honeypot = mainForm().querySelector<HTMLInputElement>('input[name="hp"]')!;
    expect(honeypot).toBeTruthy();
    expect(honeypot.getAttribute('aria-hidden')).toBe('true');
    expect(honeypot.getAttribute('tabindex')).toBe('-1');
    expect(honeypot.getAttribute('autocomplete')).toBe('off');
    expect(honeypot.classList.contains('hp')).toBe(true);
    // Not among the form's accessible fields.
    expect(within(mainForm()).getAllByRole('textbox').includes(honeypot)).toBe(false);
  });

  test('is sent as `hp`: empty from a person, filled when a bot typed into it', async () => {
    const server = new FakeServer().install();
    renderApp();
    await screen.findByRole('heading', { name: 'No comments yet' });
    fillAndPost(mainForm(), { name: 'Grace', comment: 'Hello' });
    await held();
    expect(server.posts()[0].hp).toBe('');

    mainForm().querySelector<HTMLInputElement>('input[name="hp"]')!.value = 'http://spam.example';
    fillAndPost(mainForm(), { comment: 'Buy now' });
    await waitFor(() => expect(server.posts()).toHaveLength(2));
    expect(server.posts()[1].hp).toBe('http://spam.example');
  });
});

describe('elapsedMs', () => {
  test('is the time from the form appearing to sending it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    const server = new FakeServer().install();
    renderApp();
    await screen.findByRole('heading', { name: 'No comments yet' });
    vi.setSystemTime(1_000_000 + 4_321);
    fillAndPost(mainForm(), { name: 'Grace', comment: 'Hello' });
    await waitFor(() => expect(server.posts()).toHaveLength(1));
    expect(server.posts()[0].elapsedMs).toBe(4_321);
  });
});

describe('proof (sites in `first` moderation)', () => {
  test('is not sent before one of my comments was seen approved; then it is, and the next comment is published at once', async () => {
    const server = new FakeServer({ moderation: 'first' }).install();
    const first = renderApp('/post-a');
    await screen.findByRole('heading', { name: 'No comments yet' });
    fillAndPost(mainForm(), { name: 'Grace', comment: 'My first comment here' });
    await held();
    // Still pending: nothing to prove with.
    fillAndPost(mainForm(), { comment: 'A second one' });
    await waitFor(() => expect(server.posts()).toHaveLength(2));
    expect(server.posts().map((post) => post.proof)).toEqual([undefined, undefined]);
    first.unmount();

    // A moderator approves the first; the widget sees it approved in the list.
    const approved = server.comments[0];
    server.approve(approved.id);
    const second = renderApp('/post-a');
    await screen.findByRole('heading', { name: '1 comment' });
    second.unmount();

    // Proof is per site: it works on another post too.
    renderApp('/post-b');
    await screen.findByRole('heading', { name: 'No comments yet' });
    fillAndPost(mainForm(), { name: 'Grace', comment: 'Trusted now' });
    await published();
    expect(server.posts()[2].proof).toEqual({ id: approved.id, token: `token-${approved.id}` });
  });

  test('a comment published at once is itself proof', async () => {
    const server = new FakeServer({ moderation: 'none' }).install();
    renderApp();
    await screen.findByRole('heading', { name: 'No comments yet' });
    fillAndPost(mainForm(), { name: 'Grace', comment: 'One' });
    await published();
    fillAndPost(mainForm(), { comment: 'Two' });
    await waitFor(() => expect(server.posts()).toHaveLength(2));
    const [one] = server.comments;
    expect(server.posts()[1].proof).toEqual({ id: one.id, token: `token-${one.id}` });
  });
});

describe('the main form', () => {
  test('has a slot for the Turnstile challenge; reply forms do not', async () => {
    const server = new FakeServer().install();
    server.seed({ author: 'Ada' });
    renderApp();
    await screen.findByRole('heading', { name: '1 comment' });
    expect(mainForm().querySelector('slot[name="turnstile"]')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Reply' }));
    expect(document.querySelectorAll('slot[name="turnstile"]')).toHaveLength(1);
  });
});
