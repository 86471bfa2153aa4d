/**
 * Reader text (names, thread ids) put into plain-text mail and chat messages, where apps turn
 * what looks like a link, an address or a mention into one. A zero-width space after each
 * `.`, `:`, `/`, `@`, `]` and `<` leaves the text looking the same but keeps it from forming a
 * URL (`https://evil.example`, `evil.example`), a mention (`@everyone`, `<@123>`, `<#123>`,
 * `<!channel>`) or a Discord masked link (`[Dashboard](https://…)`).
 *
 * @example
 * inert('@everyone see https://evil.example') // '@\u200beveryone see https:\u200b/\u200b/\u200bevil.\u200bexample'
 */
export function inert(text: string): string {
  return text.replace(/[.:/@\]<]/g, '$&\u200b');
}

/** Slack's escaping for message text: `&`, `<` and `>` (so `<!channel>` or `<url|label>` is shown, not acted on). */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A fenced code block of reader text, for chat: nothing in it becomes a link, a mention or
 * formatting. Backticks are kept apart (a zero-width space after each) so the text cannot
 * close the block.
 */
export function codeBlock(text: string): string {
  return `\`\`\`\n${text.replace(/`/g, '`\u200b')}\n\`\`\``;
}
