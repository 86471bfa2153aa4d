import type { Locator, Page } from 'playwright-core';

/**
 * Clicks a dashboard form's submit button and waits for the POST's answer; a 4xx/5xx
 * fails at once with the page's own message (rather than a timeout further on).
 */
async function submitForm(page: Page, button: Locator, what: string): Promise<void> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.startsWith('/admin')),
    button.click(),
  ]);
  if (response.status() >= 400) {
    await page.waitForLoadState();
    const text = (await page.locator('body').innerText()).replace(/\s+/g, ' ').trim();
    throw new Error(`${what} failed: POST ${new URL(response.url()).pathname} answered ${response.status()}: "${text.slice(0, 300)}"`);
  }
}

export type DashboardStatus = 'Pending' | 'Approved' | 'Spam' | 'Removed';

/**
 * Opens the moderator dashboard and signs in as the owner by typing the token into "Admin
 * token" (under "Owner: sign in with the admin token"), as the owner would. Resolves on the
 * pending queue.
 */
export async function signInToDashboard(page: Page, origin: string, adminToken: string): Promise<void> {
  await page.goto(`${origin}/admin`);
  const ownerSignIn = page.getByText('Owner: sign in with the admin token', { exact: true });
  if ((await ownerSignIn.count()) > 0 && !(await page.getByLabel('Admin token', { exact: true }).isVisible())) await ownerSignIn.click();
  await page.getByLabel('Admin token', { exact: true }).fill(adminToken);
  await submitForm(page, page.getByRole('button', { name: /^Sign in( with the admin token)?$/ }), 'Signing in to the dashboard');
  await page.getByRole('heading', { name: /^Pending comments/ }).waitFor();
}

export { submitForm };

/**
 * Shows one moderation queue, as a moderator would: through the "Queues" tabs when the
 * dashboard has them, else through its Status filter and "Show" button.
 */
export async function showQueue(page: Page, status: DashboardStatus): Promise<void> {
  const tab = page.getByRole('navigation', { name: 'Queues' }).getByRole('link', { name: new RegExp(`^${status}\\b`) });
  if ((await tab.count()) > 0) {
    await tab.click();
  } else {
    await page.getByLabel('Status', { exact: true }).selectOption({ label: status });
    await page.getByRole('button', { name: 'Show', exact: true }).click();
  }
  await page.getByRole('heading', { name: new RegExp(`^${status} comments`) }).waitFor();
}

/** The comment card (`<article class="comment">`) in the dashboard's list whose text includes `text`. */
export function dashboardCard(page: Page, text: string): Locator {
  return page.locator('article.comment', { hasText: text });
}

/**
 * Clicks "Approve" or "Remove" on the one card containing `text`, and waits for the
 * dashboard to come back with its confirmation and without that card (an approved
 * comment leaves the pending queue; a removed one leaves any queue but "Removed").
 */
export async function moderate(page: Page, text: string, action: 'Approve' | 'Remove'): Promise<void> {
  const card = dashboardCard(page, text);
  await card.waitFor();
  await submitForm(page, card.getByRole('button', { name: action, exact: true }), `${action} on the comment "${text}"`);
  await card.waitFor({ state: 'detached' });
  await page.getByRole('status').filter({ hasText: action === 'Approve' ? 'Comment approved.' : 'Comment removed.' }).waitFor();
}
