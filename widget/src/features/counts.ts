import { extraClient } from '../api/extra-client';
import type { Strings } from '../i18n/en';
import { pluralIn } from '../lib/plural';

/** Most threads one `/api/counts` request may name (the server's limit). */
export const COUNTS_PER_REQUEST = 50;

/**
 * Fills every `[data-parley-count="THREAD"]` element with that thread's count, in the words
 * of the widget (`words.count`: "3 comments"), for index pages: one request per 50 distinct threads. On failure the
 * elements keep what they had.
 */
export function fillCounts(base: string, site: string, elements: NodeListOf<HTMLElement>, words: Pick<Strings, 'locale' | 'count'>) {
  const threads = [...new Set([...elements].map((element) => element.dataset.parleyCount!))];
  for (let start = 0; start < threads.length; start += COUNTS_PER_REQUEST) {
    extraClient(base)
      .counts(site, threads.slice(start, start + COUNTS_PER_REQUEST))
      .then(({ counts }) => {
        for (const element of elements) {
          const count = counts[element.dataset.parleyCount!];
          if (count != null) element.textContent = pluralIn(words.locale, words.count, count);
        }
      }, () => {});
  }
}
