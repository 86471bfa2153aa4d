import type { SiteConfig } from '../config/sites';
import type { MailMessage } from '../mail/mailer';
import { htmlToMarkdown } from '../portability/html-to-markdown';
import type { Post, SendKind } from '../objects/followers/protocol';
import { fill, formatDate, plural, text } from './i18n';
import { decodeHTML } from 'entities';

/**
 * The mail a site's followers get, in the site's language, as plain text: a confirmation (or an
 * owner's invitation to confirm), a reminder to an address that already follows, each post, and
 * the digests. Every mail after the confirmation carries the follower's manage link and a
 * one-click unsubscribe (RFC 8058 `List-Unsubscribe` and `List-Unsubscribe-Post`).
 */

export interface FollowerMailLinks {
  manage: string;
  unsubscribe: string;
}

/** An excerpt of a summary, when the owner chose summaries: this many characters at most. */
const SUMMARY_CHARS = 600;

export function confirmationMail(site: SiteConfig, to: string, url: string, invited: boolean): MailMessage {
  const words = text(site.language);
  return { to, subject: fill(words.confirmSubject, { site: site.name }), text: fill(invited ? words.inviteBody : words.confirmBody, { site: site.name, url }) };
}

export function alreadyFollowingMail(site: SiteConfig, to: string, links: FollowerMailLinks): MailMessage {
  const words = text(site.language);
  return { to, subject: fill(words.alreadySubject, { site: site.name }), text: fill(words.alreadyBody, { site: site.name, url: links.manage }), unsubscribeUrl: links.unsubscribe };
}

/** One post: title, author and date, the summary or the full text (the site's `followContent`), its link. */
export function postMail(site: SiteConfig, post: Post, to: string, links: FollowerMailLinks): MailMessage {
  const words = text(site.language);
  const body = [post.title, byline(site, post), '', postText(site, post), '', fill(words.readPost, { url: post.url })].filter((line, index) => index !== 1 || line !== '').join('\n');
  return { to, subject: fill(words.postSubject, { site: site.name, title: post.title }), text: `${body}\n\n${footer(site, links)}`, unsubscribeUrl: links.unsubscribe };
}

/** The posts of a day or a week, oldest first, each with its summary (or full text) and link. */
export function digestMail(site: SiteConfig, kind: Extract<SendKind, 'daily' | 'weekly'>, posts: Post[], to: string, links: FollowerMailLinks): MailMessage {
  const words = text(site.language);
  const subject = `${fill(kind === 'daily' ? words.digestDaily : words.digestWeekly, { site: site.name })} (${plural(site.language, words.newPosts, posts.length)})`;
  const sections = posts.map((post) => [`■ ${post.title}`, byline(site, post), '', postText(site, post), '', fill(words.readPost, { url: post.url })].filter((line, index) => index !== 1 || line !== '').join('\n'));
  return { to, subject, text: `${fill(words.digestIntro, { site: site.name })}\n\n${sections.join('\n\n\n')}\n\n${footer(site, links)}`, unsubscribeUrl: links.unsubscribe };
}

function byline(site: SiteConfig, post: Post): string {
  return [post.author, formatDate(site.language, post.publishedAt)].filter(Boolean).join(' · ');
}

function footer(site: SiteConfig, links: FollowerMailLinks): string {
  const words = text(site.language);
  return `--\n${fill(words.footer, { site: site.name })}\n${fill(words.footerManage, { url: links.manage })}\n${fill(words.footerUnsubscribe, { url: links.unsubscribe })}`;
}

/** Each post's text, made once per batch (every recipient of a batch gets the same post objects). */
const texts = new WeakMap<object, Map<string, string>>();

/** What of a post the mail carries, as text: its summary (or an excerpt of its text), or its full text. */
export function postText(site: Pick<SiteConfig, 'followContent'>, post: Pick<Post, 'summary' | 'content'>): string {
  const known = texts.get(post)?.get(site.followContent);
  if (known !== undefined) return known;
  const made = makePostText(site, post);
  texts.set(post, (texts.get(post) ?? new Map()).set(site.followContent, made));
  return made;
}

function makePostText(site: Pick<SiteConfig, 'followContent'>, post: Pick<Post, 'summary' | 'content'>): string {
  if (site.followContent === 'full' && post.content.trim()) return asText(post.content);
  const summary = post.summary.trim() ? asText(post.summary) : asText(post.content);
  return summary.length > SUMMARY_CHARS ? `${summary.slice(0, summary.lastIndexOf(' ', SUMMARY_CHARS - 1) > SUMMARY_CHARS / 2 ? summary.lastIndexOf(' ', SUMMARY_CHARS - 1) : SUMMARY_CHARS - 1)}…` : summary;
}

/** A feed's HTML (or text) as readable plain text: Markdown-ish, links kept as `[text](url)`. */
function asText(value: string): string {
  if (!/<[a-z/!]/i.test(value)) return decodeHTML(value).trim();
  return htmlToMarkdown(value, { newlines: 'collapse' }).trim();
}
