import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, test } from 'vitest';
import { admin, network } from '../helpers/server';
import { fillAndPost, mainForm, post, renderApp, resetBetweenTests, status, testThread, threadShown } from '../helpers/render';

resetBetweenTests();

describe('"Notify me of replies"', () => {
  test('is a checkbox in the form; checked, the post asks for it (notify: true)', async () => {
    await renderApp();
    await threadShown('No comments yet');
    const box = within(mainForm()).getByLabelText('Notify me of replies by email') as HTMLInputElement;
    expect(box.type).toBe('checkbox');
    expect(box.checked).toBe(false);
    await post({ name: 'Grace', email: 'grace@example.com', comment: 'Without' });
    expect(network.posts()[0].notify).toBeUndefined();

    fireEvent.click(box);
    await post({ comment: 'With' });
    expect(network.posts()[1]).toMatchObject({ notify: true, email: 'grace@example.com' });
  });

  test('needs an email: without one it says so at the email field, and sends nothing', async () => {
    await renderApp();
    await threadShown('No comments yet');
    fireEvent.click(within(mainForm()).getByLabelText('Notify me of replies by email'));
    fillAndPost(mainForm(), { name: 'Grace', comment: 'Tell me' });
    const alert = await within(mainForm()).findByRole('alert');
    expect(alert.textContent).toBe('Enter your email to get replies.');
    const email = within(mainForm()).getByLabelText('Email (optional)');
    expect(email.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(email);
    expect(network.posts()).toHaveLength(0);
  });
});

describe('"Follow this thread"', () => {
  test('opens an email field (focused, filled from the profile); Follow subscribes and says to check the inbox', async () => {
    localStorage.setItem('parley:profile', JSON.stringify({ author: 'Grace', email: 'grace@example.com', website: '' }));
    await renderApp();
    await threadShown('No comments yet');
    fireEvent.click(screen.getByRole('button', { name: 'Follow this thread' }));
    const email = (await screen.findByLabelText('Get new comments by email')) as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(email));
    expect(email.value).toBe('grace@example.com');
    expect(email.type).toBe('email');

    fireEvent.input(email, { target: { value: 'g.hopper@example.com' } });
    fireEvent.click(screen.getByRole('button', { name: 'Follow' }));
    await waitFor(() => expect(status()).toBe('Check your inbox to confirm.'));
    expect(network.sent('/api/subscriptions', 'POST').map((r) => r.body)).toEqual([{ site: 'demo', thread: testThread(), email: 'g.hopper@example.com' }]);
  });

  test('a refused address is said in the live region', async () => {
    await renderApp();
    await threadShown('No comments yet');
    fireEvent.click(screen.getByRole('button', { name: 'Follow this thread' }));
    const email = await screen.findByLabelText('Get new comments by email');
    fireEvent.input(email, { target: { value: 'nope' } });
    fireEvent.submit(email.closest('form')!);
    await waitFor(() => expect(status()).toBe('Something went wrong. Please try again.'));
  });

  test('shows how many already follow: "Join N other followers."', async () => {
    const none = await renderApp();
    await threadShown('No comments yet');
    expect(screen.queryByText(/Join/)).toBeNull();
    none.unmount();

    const unique = testThread().replace(/\W/g, '');
    await admin.addFollowers('demo', testThread(), [`ada-${unique}@example.com`]);
    const one = await renderApp();
    expect(await screen.findByText('Join 1 other follower.')).toBeTruthy();
    one.unmount();

    await admin.addFollowers('demo', testThread(), [`bob-${unique}@example.com`, `cy-${unique}@example.com`]);
    await renderApp();
    expect(await screen.findByText('Join 3 other followers.')).toBeTruthy();
  });

  test('is not offered on a closed thread', async () => {
    await admin.lock('demo', testThread());
    await renderApp();
    await screen.findByText('Comments are closed.');
    expect(screen.queryByRole('button', { name: 'Follow this thread' })).toBeNull();
  });
});
