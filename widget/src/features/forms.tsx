import type { ComponentType } from 'preact';
import type { ApiError } from '../api/transport';
import { LIMITS } from '../../../worker/src/wire';
import { commentForm, type Draft, type FieldLimits, type FormError } from '../components/comment-form/comment-form';
import { enErrors } from '../i18n/en-extra';
import { saveOwn, saveProfile, type OwnEntry, type Profile } from '../lib/own-comments';
import { touch } from '../state/thread';
import type { FeatureHost, Features, FormSlotProps, Preact } from './features';
import { client, EDIT_WINDOW_MINUTES, loadReplyPages, missing, ownEntry, profileOf, shownReplies, siteConfig, words } from './host';
import { startTurnstile } from './turnstile';

/*
 * The comment form of widget-extra.js: the features that bring it and open it, and what its
 * buttons do (post, save an edit, preview), through the store's actions.
 */

/** Comments whose `flag` is set (at most one: the open reply form, the open edit form). */
const flagged = (host: FeatureHost, flag: 'replying' | 'editing') => [...host.nodes.values()].filter((node) => node[flag]);

/** The name, email and website every form shares, as typed. */
function setProfile(host: FeatureHost, profile: Profile) {
  // The open reply form shows the profile too: its comment renders again.
  flagged(host, 'replying').forEach(touch);
  host.set({ profile });
}

/**
 * The Idempotency-Key of a post: new for each comment, and the same when a comment whose post
 * failed (no answer, or a server error) is sent again, so the server saves it once.
 */
let failedPost: { text: string; key: string } | undefined;
const postKey = (text: string) => (failedPost?.text === text ? failedPost.key : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`);

/** Checks and posts a comment, or a reply to `parentId`; rejects with a FormError (what is missing) or the ApiError. */
async function post(host: FeatureHost, draft: Draft, parentId: string | null) {
  const { own, info } = host.state;
  const profile = profileOf(host);
  let website = profile.website.trim();
  // People type "example.com"; the server wants a full address.
  if (website && !/^https?:\/\//i.test(website)) website = `https://${website}`;
  const fields = { ...draft, author: profile.author.trim(), email: profile.email.trim(), website };
  setProfile(host, { author: fields.author, email: fields.email, website });
  if (!fields.author) throw missing(host, 'author');
  if (!fields.body.trim()) throw missing(host, 'body');
  if (fields.notify && !fields.email) throw missing(host, 'notify');
  // `first` moderation publishes at once for a commenter who proves an earlier comment was approved.
  const proof = own.find((entry) => entry.listed || entry.comment.status === 'approved');
  host.say('');
  const text = `${host.site}\n${host.thread}\n${parentId}\n${fields.author}\n${fields.body}`;
  const key = postKey(text);
  const sending = client(host).post(
    {
      ...fields,
      site: host.site,
      thread: host.thread,
      parentId,
      email: fields.email || undefined,
      website: fields.website || undefined,
      proof: proof && { id: proof.id, token: proof.token },
      turnstileToken: host.captcha?.token || undefined,
    },
    key,
  );
  // A Turnstile token works once, whatever the answer: ask for a new one at once.
  host.captcha?.reset();
  const { comment, token } = await sending.then(
    (answer) => ((failedPost = undefined), answer),
    (error: ApiError) => {
      if (!error.status || error.status >= 500) failedPost = { text, key };
      throw error;
    },
  );
  saveProfile({ author: fields.author, email: fields.email, website });
  const editWindow = (await siteConfig(host))?.editWindowMinutes ?? EDIT_WINDOW_MINUTES;
  const entry: OwnEntry = { id: comment.id, token, comment, site: host.site, thread: host.thread, savedAt: Date.now(), editUntil: Date.parse(comment.createdAt) + editWindow * 60_000, body: fields.body };
  saveOwn(entry);
  const approved = comment.status === 'approved';
  host.set({ own: [...own, entry], info: { ...info!, total: info!.total + 1 }, notice: approved ? words(host).thanksApproved : words(host).thanksPending });
  if (parentId) {
    // A reply goes after the others: the replies its conversation has but this page did not carry come first.
    let root = host.nodes.get(parentId)!;
    while (root.parent) root = root.parent;
    if ((root.comment.replies ?? 0) > shownReplies(root)) await loadReplyPages(host, root.comment.id);
    host.change(parentId, { replying: false, expanded: true });
  }
  host.append([{ ...comment, pending: !approved }], parentId ? `#comment-${comment.id}` : '');
}

/** Saves an edit of the reader's own comment; rejects with a FormError (nothing written) or the ApiError. */
async function saveEdit(host: FeatureHost, id: string, body: string) {
  if (!body.trim()) throw missing(host, 'body');
  const entry = ownEntry(host, id);
  const { comment } = await client(host).edit(id, entry.token, body);
  const approved = comment.status === 'approved';
  // On a site that pre-moderates everything an edit waits again: the list no longer carries it, the stored copy is shown.
  const edited = { ...entry, comment, body, listed: entry.listed && approved };
  saveOwn(edited);
  host.set({ own: host.state.own.map((own) => (own === entry ? edited : own)), notice: approved ? words(host).saved : words(host).thanksPending });
  host.change(id, { own: edited, comment: { ...host.nodes.get(id)!.comment, ...comment, pending: !approved }, editing: false }, `#comment-${id}`);
}

/** The comment rendered by the server exactly as it would be published (HTML). */
const preview = async (host: FeatureHost, body: string) => (await client(host).preview(body)).html;

/**
 * Runs what a form's button asks; rejects with what the form should say: what is missing, the
 * field the server refused and why, or what the error means.
 */
const forForm = <T,>(host: FeatureHost, action: Promise<T>): Promise<T> =>
  action.catch(async (error: ApiError | FormError): Promise<never> => {
    if ('text' in error) throw error;
    const field = error.code === 'invalid_request' && error.field;
    const problem = field && (host.strings.fieldErrors[field] ?? enErrors[field as keyof typeof enErrors]);
    throw problem ? { field, text: problem } : { text: await host.explain(error) };
  });

/** The features of the comment form, made with widget.js's Preact. */
export function formFeatures(preact: Preact): Pick<Features, 'openForm' | 'toggleForm'> {
  const { h } = preact;

  /** `host`'s comment form: {@link FormSlotProps} to the form's props, its callbacks bound to the store. */
  function boundForm(host: FeatureHost, limits: FieldLimits): ComponentType<FormSlotProps> {
    const CommentForm = commentForm(preact, { ...host.strings, ...words(host) }, limits);
    const shared = { onPreview: (body: string) => forForm(host, preview(host, body)), onAnnounce: host.say };
    return ({ replyTo, edit, box, focused }) => {
      if (edit) {
        const body = ownEntry(host, edit).body ?? '';
        return (
          <CommentForm
            {...shared}
            body={body}
            editing
            focus={[body.length, body.length]}
            onSubmit={(draft) => forForm(host, saveEdit(host, edit, draft.body))}
            onCancel={() => toggleForm(host, edit, 'edit')}
          />
        );
      }
      return (
        <CommentForm
          {...shared}
          profile={profileOf(host)}
          onProfileChange={(profile) => setProfile(host, profile)}
          onSubmit={(draft) => forForm(host, post(host, draft, replyTo ?? null))}
          onCancel={replyTo ? () => toggleForm(host, replyTo, 'reply') : undefined}
          main={!replyTo}
          body={box?.value}
          focus={replyTo ? [0, 0] : focused && box ? [box.selectionStart, box.selectionEnd] : undefined}
        />
      );
    };
  }

  /**
   * Brings the form at once, with the compiled-in limits; then reads the site's config (its
   * limits, and its Turnstile key when the embed gave none: the challenge is started then).
   */
  async function openForm(host: FeatureHost) {
    if (host.state.form) return;
    const limits = { ...LIMITS };
    host.set({ form: boundForm(host, limits), profile: profileOf(host) });
    // Not awaited: a reply or edit form opens without waiting for it.
    siteConfig(host).then((config) => {
      if (!config) return;
      Object.assign(limits, config.limits);
      if (config.turnstileSiteKey && !host.captcha && host.element) host.captcha = startTurnstile(config.turnstileSiteKey, host.element);
      host.set({});
    });
  }

  async function toggleForm(host: FeatureHost, id: string, form: 'reply' | 'edit') {
    await openForm(host);
    const flag = form === 'reply' ? 'replying' : 'editing';
    const open = host.nodes.get(id)?.[flag];
    for (const node of flagged(host, flag)) host.change(node.comment.id, { [flag]: false });
    if (open) host.set({}, `#comment-${id} .${form}`);
    else host.change(id, { [flag]: true });
  }

  return { openForm, toggleForm };
}
