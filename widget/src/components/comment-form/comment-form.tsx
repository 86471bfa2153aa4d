import { Component, type InputHTMLAttributes } from 'preact';
import { LIMITS, type CreateCommentRequest } from '../../../../worker/src/wire';
import type { ApiError } from '../../api/transport';
import { explain, extra } from '../../lib/extra';
import { errorText, fieldText, plural, t } from '../../lib/i18n';
import type { Profile } from '../../lib/own-comments';
import type { App } from '../app/app';

/** What a form sends: the comment, the profile, the anti-spam fields and "notify me". */
export type FormFields = Pick<CreateCommentRequest, 'author' | 'email' | 'website' | 'body' | 'hp' | 'elapsedMs' | 'notify'>;

export interface CommentFormProps {
  /** The widget: its shared profile (name, email, website) and live region. */
  app: App;
  /** Posts (or saves) the comment; rejects with an {@link ApiError} when the server refuses it. */
  onSubmit: (fields: FormFields) => Promise<void>;
  /** Given for replies and edits: shows a Cancel button (and Escape cancels); focus goes into the form. */
  onCancel?: () => void;
  /** The main form: holds the Turnstile challenge, when the site uses one. */
  main?: boolean;
  /** Editing: the Markdown to start from. Only the comment field is shown, and the button says "Save". */
  body?: string;
}

interface FormState {
  body: string;
  sending?: boolean;
  /** What went wrong, and the field at fault (`author`, `email`, `website`, `body`) if it is one. */
  error?: { field?: string; text: string } | null;
  notify?: boolean;
  /** The preview's HTML while previewing, else null. */
  preview?: string | null;
}

/** Field ids must be unique within the shadow root. */
let forms = 0;

/** Characters left from which the counter shows (the last 10%). */
const COUNT_FROM = LIMITS.body / 10;

/** The comment, reply or edit form. Checks what it can itself; shows the server's verdict for the rest. */
export class CommentForm extends Component<CommentFormProps, FormState> {
  id = `f${forms++}`;
  fields: Record<string, HTMLElement | null> = {};
  /** When the form appeared, for `elapsedMs` (bots send at once). */
  shown = Date.now();

  state: FormState = { body: this.props.body ?? '' };

  componentDidMount() {
    if (this.props.onCancel) this.fields.body!.focus();
  }

  /** Shows an error, and takes the reader to the field at fault. */
  fail(error: FormState['error']) {
    this.setState({ error, sending: false }, () => error?.field && this.fields[error.field]!.focus());
  }

  submit = async (event: Event) => {
    event.preventDefault();
    const { app, onSubmit } = this.props;
    const { body, notify } = this.state;
    const profile = app.state.profile;
    let website = profile.website.trim();
    // People type "example.com"; the server wants a full address.
    if (website && !/^https?:\/\//i.test(website)) website = `https://${website}`;
    const sent = { author: profile.author.trim(), email: profile.email.trim(), website };
    const editing = this.props.body != null;
    if (!editing) app.setState({ profile: sent });
    const missing = !editing && !sent.author ? 'author' : !body.trim() ? 'body' : notify && !sent.email ? 'notify' : '';
    if (missing) return this.fail({ field: missing === 'notify' ? 'email' : missing, text: t.fieldErrors[missing]! });
    this.setState({ error: null, sending: true });
    try {
      await onSubmit({ ...sent, body, hp: (this.fields.hp as HTMLInputElement | null)?.value, elapsedMs: Date.now() - this.shown, notify: notify || undefined });
      this.setState({ body: '', sending: false, preview: null });
    } catch (failure) {
      // Anything but an ApiError (a bug) has no code: it reads as "Something went wrong".
      const { code, field = '' } = failure as ApiError;
      const text = await explain(code);
      const problem = code === 'invalid_request' && fieldText(field);
      this.fail(problem ? { field, text: problem } : { text });
    }
  };

  /** "Preview" / "Write" (in widget-extra.js). */
  preview = () => extra().then((x) => x.preview(this), () => this.fail({ text: errorText('network_error') }));

  /** Near the limit, says how many characters are left (in the live region, once per hundred). */
  type(body: string) {
    const left = LIMITS.body - body.length;
    const step = (n: number) => Math.floor(n / 100);
    if (left < COUNT_FROM && (!left || step(left) !== step(LIMITS.body - this.state.body.length))) this.props.app.say(plural(t.left, left));
    this.setState({ body });
  }

  render({ app, onCancel, main, body: editing }: CommentFormProps, { body, sending, error, notify, preview }: FormState) {
    const id = this.id;
    const profile = app.state.profile;
    const left = LIMITS.body - body.length;
    const ref = (field: string) => (element: HTMLElement | null) => void (this.fields[field] = element);
    /** Props tying a field to its label, its error and the hint. */
    const wire = (field: string) => ({
      id: id + field,
      ref: ref(field),
      'aria-invalid': error?.field === field || undefined,
      'aria-describedby': `${error?.field === field ? `${id}${field}-error ` : ''}${id}hint`,
    });
    const fieldError = (field: string) =>
      error?.field === field && (
        <p class="err" id={`${id}${field}-error`} role="alert">
          {error.text}
        </p>
      );
    const input = (field: keyof Profile, label: string, attributes: InputHTMLAttributes<HTMLInputElement>) => (
      <div class="field">
        <label for={id + field}>{label}</label>
        <input
          {...wire(field)}
          {...attributes}
          maxLength={LIMITS[field]}
          value={profile[field]}
          onInput={(event) => app.setState({ profile: { ...profile, [field]: event.currentTarget.value } })}
        />
        {fieldError(field)}
      </div>
    );

    return (
      <form onSubmit={this.submit} noValidate>
        <div class="field">
          <label for={`${id}body`}>{t.comment}</label>
          <textarea
            {...wire('body')}
            hidden={preview != null}
            rows={4}
            required
            maxLength={LIMITS.body}
            placeholder={t.placeholder}
            value={body}
            onInput={(event) => this.type(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) event.currentTarget.form!.requestSubmit();
              if (event.key === 'Escape') onCancel?.();
            }}
          />
          {preview != null && <div class="body preview" dangerouslySetInnerHTML={{ __html: preview }} />}
          {left < COUNT_FROM && <p class="muted">{plural(t.left, left)}</p>}
          {fieldError('body')}
        </div>
        {editing == null && (
          <>
            <div class="fields">
              {input('author', t.name, { autocomplete: 'name', required: true })}
              {input('email', t.email, { type: 'email', autocomplete: 'email' })}
              {input('website', t.website, { type: 'url', autocomplete: 'url' })}
            </div>
            <label class="check">
              <input type="checkbox" checked={notify} onChange={(event) => this.setState({ notify: event.currentTarget.checked })} />
              {t.notify}
            </label>
            {/* The honeypot: off-screen and hidden from assistive tech; people never fill it, form-filling bots do. */}
            <input class="hp" name="hp" ref={ref('hp')} tabIndex={-1} autocomplete="off" aria-hidden="true" />
            {main && <slot name="turnstile" />}
          </>
        )}
        {error && !error.field && (
          <p class="err" role="alert">
            {error.text}
          </p>
        )}
        <div class="row">
          <p class="hint" id={`${id}hint`}>
            {t.hint}
          </p>
          <button type="button" onClick={this.preview}>
            {preview != null ? t.write : t.preview}
          </button>
          {onCancel && (
            <button type="button" onClick={onCancel}>
              {t.cancel}
            </button>
          )}
          <button class="primary" disabled={sending}>
            {sending ? t.posting : editing != null ? t.save : t.post}
          </button>
        </div>
      </form>
    );
  }
}
