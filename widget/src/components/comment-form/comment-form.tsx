import type { ComponentType, InputHTMLAttributes } from 'preact';
import { LIMITS, type CreateCommentRequest } from '../../../../worker/src/wire';
import type { Preact } from '../../features/features';
import type { ExtraStrings } from '../../i18n/en-extra';
import type { Strings } from '../../i18n/en';
import type { Profile } from '../../lib/own-comments';
import { pluralIn } from '../../lib/plural';

/**
 * The longest name, email, website and comment the server takes: the site's config's `limits`
 * (`GET /api/sites/SITE/config`), read at each render (they may arrive after the form), or else
 * `LIMITS` as compiled in from worker/src/wire.ts.
 */
export type FieldLimits = Pick<typeof LIMITS, 'author' | 'email' | 'website' | 'body'>;

/** What a form sends (with the profile it shows): the comment, the anti-spam fields and "notify me". */
export type Draft = Pick<CreateCommentRequest, 'body' | 'hp' | 'elapsedMs' | 'notify'>;

/** What went wrong, in the reader's words, and the field at fault (`author`, `email`, `website`, `body`) if it is one. */
export interface FormError {
  field?: string;
  text: string;
}

export interface CommentFormProps {
  /** The name, email and website every form shares; not given when editing (only the comment is edited). */
  profile?: Profile;
  onProfileChange?: (profile: Profile) => void;
  /** Checks and posts (or saves) the comment; rejects with the {@link FormError} to show. */
  onSubmit: (draft: Draft) => Promise<void>;
  /** The server's rendering of a comment, for "Preview"; rejects with the {@link FormError} to show. */
  onPreview: (body: string) => Promise<string>;
  /** Says something in the widget's live region (characters left, near the limit). */
  onAnnounce: (text: string) => void;
  /** Given for replies and edits: shows a Cancel button (and Escape cancels). */
  onCancel?: () => void;
  /** The main form: holds the Turnstile challenge, when the site uses one. */
  main?: boolean;
  /** The Markdown to start from: the comment being edited, or what was typed before the form came. */
  body?: string;
  /** Editing: the button says "Save". */
  editing?: boolean;
  /** Focus goes into the comment field as the form appears, with this caret or selection (start, end). */
  focus?: [start: number, end: number];
}

/** The words of the form: its box's label and placeholder come with widget.js, the rest with widget-extra.js. */
export type CommentFormWords = Pick<Strings, 'locale' | 'comment' | 'placeholder'> & ExtraStrings;

interface FormState {
  body: string;
  sending?: boolean;
  error?: FormError | null;
  notify?: boolean;
  /** The preview's HTML while previewing, else null. */
  preview?: string | null;
}

/** Field ids must be unique within the shadow root. */
let forms = 0;

/**
 * The comment, reply or edit form: what was typed, and what is wrong with it (`onSubmit` checks
 * it, and the server). It comes with widget-extra.js, made of widget.js's Preact, in `words`.
 */
export function commentForm({ h, Component }: Preact, words: CommentFormWords, limits: FieldLimits = LIMITS): ComponentType<CommentFormProps> {
  const left = (count: number) => pluralIn(words.locale, words.left, count);
  /** Characters left from which the counter shows (the last 10%). */
  const countFrom = () => limits.body / 10;

  return class CommentForm extends Component<CommentFormProps, FormState> {
    id = `f${forms++}`;
    fields: Record<string, HTMLElement | null> = {};
    /** When the form appeared, for `elapsedMs` (bots send at once). */
    shown = Date.now();

    state: FormState = { body: this.props.body ?? '' };

    componentDidMount() {
      const { focus } = this.props;
      const field = this.fields.body as HTMLTextAreaElement;
      if (focus) {
        field.focus();
        field.setSelectionRange(...focus);
      }
    }

    /** Shows an error, and takes the reader to the field at fault. */
    fail(error: FormError | null) {
      this.setState({ error, sending: false }, () => error?.field && this.fields[error.field]?.focus());
    }

    submit = async (event: Event) => {
      event.preventDefault();
      const { body, notify } = this.state;
      this.setState({ error: null, sending: true });
      try {
        await this.props.onSubmit({ body, hp: (this.fields.hp as HTMLInputElement | null)?.value, elapsedMs: Date.now() - this.shown, notify: notify || undefined });
        this.setState({ body: '', sending: false, preview: null });
      } catch (error) {
        this.fail(error as FormError);
      }
    };

    /** "Preview" shows the comment as the server renders it; "Write" goes back. */
    togglePreview = () => {
      if (this.state.preview != null) return this.setState({ preview: null });
      this.props.onPreview(this.state.body).then((preview) => this.setState({ preview, error: null }), (error: FormError) => this.fail(error));
    };

    /** Near the limit, says how many characters are left (in the live region, once per hundred). */
    type(body: string) {
      const remaining = limits.body - body.length;
      const step = (n: number) => Math.floor(n / 100);
      if (remaining < countFrom() && (!remaining || step(remaining) !== step(limits.body - this.state.body.length))) this.props.onAnnounce(left(remaining));
      this.setState({ body });
    }

    render({ profile, onProfileChange, onCancel, main, editing }: CommentFormProps, { body, sending, error, notify, preview }: FormState) {
      const id = this.id;
      const remaining = limits.body - body.length;
      const ref = (field: string) => (element: HTMLElement | null) => void (this.fields[field] = element);
      /** Props tying a field to its label, its error and the hint. */
      const describedBy = (field: string) => ({
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
            {...describedBy(field)}
            {...attributes}
            maxLength={limits[field]}
            value={profile![field]}
            onInput={(event) => onProfileChange!({ ...profile!, [field]: event.currentTarget.value })}
          />
          {fieldError(field)}
        </div>
      );

      return (
        <form onSubmit={this.submit} noValidate>
          <div class="field">
            <label for={`${id}body`}>{words.comment}</label>
            <textarea
              {...describedBy('body')}
              hidden={preview != null}
              rows={4}
              required
              maxLength={limits.body}
              placeholder={words.placeholder}
              value={body}
              onInput={(event) => this.type(event.currentTarget.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) event.currentTarget.form!.requestSubmit();
                if (event.key === 'Escape') onCancel?.();
              }}
            />
            {preview != null && <div class="body preview" dangerouslySetInnerHTML={{ __html: preview }} />}
            {remaining < countFrom() && <p class="muted">{left(remaining)}</p>}
            {fieldError('body')}
          </div>
          {profile && (
            <div class="fields">
              {input('author', words.name, { autocomplete: 'name', required: true })}
              {input('email', words.email, { type: 'email', autocomplete: 'email' })}
              {input('website', words.website, { type: 'url', autocomplete: 'url' })}
            </div>
          )}
          {profile && (
            <label class="check">
              <input type="checkbox" checked={notify} onChange={(event) => this.setState({ notify: event.currentTarget.checked })} />
              {words.notify}
            </label>
          )}
          {/* The honeypot: off-screen and hidden from assistive tech; people never fill it, form-filling bots do. */}
          {profile && <input class="hp" name="hp" ref={ref('hp')} tabIndex={-1} autocomplete="off" aria-hidden="true" />}
          {main && <slot name="turnstile" />}
          {error && !error.field && (
            <p class="err" role="alert">
              {error.text}
            </p>
          )}
          <div class="row">
            <p class="hint" id={`${id}hint`}>
              {words.hint}
            </p>
            <button type="button" onClick={this.togglePreview}>
              {preview != null ? words.write : words.preview}
            </button>
            {onCancel && (
              <button type="button" onClick={onCancel}>
                {words.cancel}
              </button>
            )}
            <button class="primary" disabled={sending}>
              {sending ? words.posting : editing ? words.save : words.post}
            </button>
          </div>
        </form>
      );
    }
  };
}
