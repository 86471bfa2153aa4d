import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { findChromium, launchChromiumSession } from '../../support/chromium.mjs';
import { serveDemoPages } from '../support/reader';
import { seedComments } from '../../support/seed';
import { PROJECT_ROOT, startWranglerDev } from '../../../worker/scripts/lib/wrangler-dev.mjs';
import { commentById, LOADED_HEADING, widgetOn } from '../support/widget';

/*
 * The README's screenshots (run through take.mjs): the demo page's widget with a small,
 * believable thread — a pinned comment from the blog's author, a question with a reply, likes,
 * one of them the reader's own — in the light theme and in the dark one (the demo page with
 * tests/fixtures/hosts/demo-dark.css and data-theme="dark"), 760 px wide at 1× so the files stay small.
 */

/** Where the pictures go. */
export const SCREENSHOTS_DIR = join(PROJECT_ROOT, 'docs', 'screenshots');
/** The viewport's width: the demo page's column is then about 700 px, and the picture 760 px with its margin. */
const WIDTH = 760;
/** Page background shown around the widget in the picture, in px. */
const MARGIN = 28;
/** Above this, a picture is too heavy for a README. */
const MAX_BYTES = 200 * 1024;

export async function takeScreenshots(): Promise<string[]> {
  if (!existsSync(join(PROJECT_ROOT, 'dist', 'widget.js'))) throw new Error('dist/ is missing: run `npm run build` first.');
  const chromium = findChromium();
  if (!chromium.path) throw new Error(chromium.missing);

  const server = await startWranglerDev({ vars: { RATE_LIMIT: '0', KV_WRITE_INTERVAL_MS: '0' } });
  const session = await launchChromiumSession(chromium.path);
  const written: string[] = [];
  try {
    const hours = 60;
    const ids = await seedComments(server.origin, server.adminToken, [
      {
        key: 'welcome',
        thread: '/',
        author: 'Maren Okafor',
        website: 'https://fieldnotes.example',
        email: 'maren@fieldnotes.example',
        body: 'Welcome to the new comments! They live on our own server now. If anything looks off, tell us here.',
        minutesAgo: 50 * hours,
        likes: 12,
        pinned: true,
      },
      {
        key: 'question',
        thread: '/',
        author: 'Tomás Ibarra',
        email: 'tomas@example.com',
        body: 'Did the old comments keep their dates? A few of mine go back to **2019**.',
        minutesAgo: 26 * hours,
        likes: 3,
      },
      {
        key: 'answer',
        thread: '/',
        parent: 'question',
        author: 'Maren Okafor',
        website: 'https://fieldnotes.example',
        email: 'maren@fieldnotes.example',
        body: 'They did: dates, names and replies all came across. The [migration notes](https://fieldnotes.example/migration) have the details.',
        minutesAgo: 25 * hours,
        likes: 5,
      },
      {
        key: 'thanks',
        thread: '/',
        parent: 'question',
        author: 'Priya Raman',
        email: 'priya@example.com',
        body: 'Mine from 2020 are all there too. Nice work!',
        minutesAgo: 9 * hours,
      },
      {
        key: 'speed',
        thread: '/',
        author: 'Jonas Weber',
        email: 'jonas@example.com',
        body: 'The page loads noticeably faster on my phone. No more cookie banner for the comments, either.',
        minutesAgo: 3 * hours,
        likes: 1,
      },
    ]);

    const { page } = session;
    await serveDemoPages(session.context, server.origin);
    await page.setViewportSize({ width: WIDTH, height: 1000 });
    await mkdir(SCREENSHOTS_DIR, { recursive: true });

    for (const theme of ['light', 'dark'] as const) {
      await page.goto(`${server.origin}/${theme === 'dark' ? '?theme=dark' : ''}`);
      const widget = widgetOn(page);
      await widget.getByRole('heading', { name: LOADED_HEADING }).waitFor();
      if (theme === 'light') {
        // The reader liked the pinned comment (the like is remembered for the dark picture too).
        await commentById(widget, ids.welcome).getByRole('button', { name: /^Like/ }).click();
        await widget.locator(`#comment-${ids.welcome} [aria-pressed="true"]`).waitFor();
      }
      // No focus ring or hover in the picture.
      await page.mouse.move(0, 0);
      await page.evaluate(() => {
        let el = document.activeElement;
        while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
        (el as HTMLElement | null)?.blur();
      });
      await page.evaluate(() => document.fonts.ready);
      // At the top, the widget's box (relative to the viewport) is relative to the page, as a full-page clip wants.
      await page.evaluate(() => scrollTo(0, 0));
      const box = await page.locator('#comments').boundingBox();
      if (!box) throw new Error('the widget has no box on the demo page');
      const x = Math.max(0, Math.floor(box.x - MARGIN));
      const clip = { x, y: Math.max(0, Math.floor(box.y - MARGIN)), width: Math.min(WIDTH - x, Math.ceil(box.width + 2 * MARGIN)), height: Math.ceil(box.height + 2 * MARGIN) };
      const path = join(SCREENSHOTS_DIR, `widget-${theme}.png`);
      await page.screenshot({ path, clip, fullPage: true, animations: 'disabled', caret: 'hide' });
      const { size } = await stat(path);
      if (size > MAX_BYTES) throw new Error(`${path} is ${(size / 1024).toFixed(0)} KB, over the ${MAX_BYTES / 1024} KB a README picture should weigh`);
      console.log(`${relative(PROJECT_ROOT, path)}: ${clip.width}×${clip.height} px, ${(size / 1024).toFixed(0)} KB`);
      written.push(path);
    }
  } finally {
    await session.close();
    await server.stop();
  }
  return written;
}
