import { fireEvent, screen, waitFor, within } from '@testing-library/preact';
import { describe, expect, test } from 'vitest';
import { LIMITS } from '../../../worker/src/wire';
import { network } from '../helpers/server';
import { mainForm, renderApp, resetBetweenTests, status, threadShown } from '../helpers/render';

resetBetweenTests();

const form = () => within(mainForm());
const field = () => form().getByLabelText('Comment') as HTMLTextAreaElement;

describe('Preview', () => {
  test('renders the comment on the server (POST /api/comments/preview); "Write" goes back to the text', async () => {
    await renderApp();
    await threadShown('No comments yet');
    fireEvent.input(field(), { target: { value: 'Is <b>this</b> *right*?' } });
    fireEvent.click(form().getByRole('button', { name: 'Preview' }));

    await waitFor(() => expect(mainForm().querySelector('.preview')).toBeTruthy());
    expect(network.sent('/api/comments/preview', 'POST').map((r) => r.body)).toEqual([{ body: 'Is <b>this</b> *right*?' }]);
    // The server's Markdown: emphasis rendered, raw HTML shown as text.
    expect(mainForm().querySelector('.preview')!.innerHTML).toBe('<p>Is &lt;b&gt;this&lt;/b&gt; <em>right</em>?</p>\n');
    expect(field().hidden).toBe(true);
    const write = form().getByRole('button', { name: 'Write' });

    fireEvent.click(write);
    await waitFor(() => expect(mainForm().querySelector('.preview')).toBeNull());
    expect(field().hidden).toBe(false);
    expect(field().value).toBe('Is <b>this</b> *right*?');
    expect(form().getByRole('button', { name: 'Preview' })).toBeTruthy();
  });

  test('a failed preview says why in the form', async () => {
    await renderApp();
    await threadShown('No comments yet');
    network.offline = true;
    fireEvent.click(form().getByRole('button', { name: 'Preview' }));
    expect((await form().findByRole('alert')).textContent).toBe('Could not reach the comment server. Please check your connection.');
  });
});

describe('the character counter', () => {
  test('appears only in the last 10% of the limit, and is announced in the live region as it goes down', async () => {
    await renderApp();
    await threadShown('No comments yet');
    const type = (length: number) => fireEvent.input(field(), { target: { value: 'x'.repeat(length) } });

    type(LIMITS.body - 500);
    expect(form().queryByText(/characters? left/)).toBeNull();
    expect(status()).toBe('');

    type(LIMITS.body - 499);
    expect(form().getByText('499 characters left')).toBeTruthy();
    expect(status()).toBe('499 characters left');
    // Announced through the widget's one live region, not a second one.
    expect(document.querySelectorAll('[role="status"], [aria-live]')).toHaveLength(1);
    // Not every keystroke: once per hundred.
    type(LIMITS.body - 450);
    expect(form().getByText('450 characters left')).toBeTruthy();
    expect(status()).toBe('499 characters left');
    type(LIMITS.body - 399);
    expect(status()).toBe('399 characters left');
    type(LIMITS.body - 1);
    expect(form().getByText('1 character left')).toBeTruthy();
    type(LIMITS.body);
    expect(status()).toBe('0 characters left');
  });
});
