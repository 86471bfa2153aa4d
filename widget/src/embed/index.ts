import type { MountOptions, ScriptWidget, StartWidget } from '../embed';
import { pageThread } from '../lib/thread-id';

/*
 * widget-embed.js: the custom element `<parley-comments>` and the JS API `window.Parley`
 * (docs/embedding.md), an ES module that widget.js imports beside itself on pages that use them
 * (embed.tsx, `mountWidget`), and `data-loading="lazy"` and derived thread ids for the script tag.
 * Mounting itself is widget.js's ({@link StartWidget}): a widget mounted here is the one the script
 * tag mounts.
 */

/** `window.Parley`. */
export interface Parley {
  mount(element: Element, options: MountOptions): void;
  /** Shows another thread (none: derives it from the page again); nothing when it is the thread shown. */
  setThread(element: Element, thread?: string): void;
  /** Removes the widget and everything it started. */
  unmount(element: Element): void;
}

/** A widget mounted (or waiting, `loading="lazy"`): what it was mounted with, the thread it shows, and how to take it away. */
interface Mounted {
  options: MountOptions;
  thread: string;
  stop: () => void;
}

/** The thread id `options` give, or derive from the page. */
const threadOf = (options: MountOptions) => options.thread ?? pageThread(options.threadQuery, options.threadNormalize !== 'off');

/** The element's attributes, in the order of {@link elementOptions}; each is also a property (camelCase). */
export const ATTRIBUTES = ['site', 'thread', 'thread-query', 'thread-normalize', 'loading', 'theme', 'lang', 'turnstile-sitekey'];

/** `<parley-comments>`'s attributes as mount options. */
function elementOptions(element: Element): MountOptions {
  const [site, thread, threadQuery, threadNormalize, loading, theme, lang, turnstileSitekey] = ATTRIBUTES.map((name) => element.getAttribute(name) ?? undefined);
  return { site: site!, thread, threadQuery: threadQuery?.split(','), threadNormalize, loading, theme, lang, turnstileSitekey };
}

/**
 * The JS API, mounting with widget.js's `start`. `setThread` mounts the other thread into the same
 * element (its shadow root is kept).
 */
export function createParley(start: StartWidget): Parley & { adopt(widget: ScriptWidget): void } {
  const widgets = new WeakMap<Element, Mounted>();
  const parley = {
    mount(host: Element, options: MountOptions) {
      if (!(host instanceof HTMLElement) || !options?.site) throw new TypeError('Parley.mount(element, { site }): an element and a site id are needed');
      parley.unmount(host);
      const widget: Mounted = { options, thread: threadOf(options), stop: () => {} };
      widgets.set(host, widget);
      const begin = () => (widget.stop = start(host, { ...options, thread: widget.thread }));
      // Lazy: nothing loads until the element is within about a screen of the viewport (at once without IntersectionObserver).
      if (options.loading === 'lazy' && window.IntersectionObserver) {
        const observer = new IntersectionObserver(
          (seen) => {
            if (!seen.some((one) => one.isIntersecting)) return;
            observer.disconnect();
            begin();
          },
          { rootMargin: '600px' },
        );
        observer.observe(host);
        widget.stop = () => observer.disconnect();
      } else begin();
    },
    setThread(host: Element, thread?: string) {
      const widget = widgets.get(host);
      if (!widget) return;
      thread ??= threadOf(widget.options);
      if (thread === widget.thread) return;
      // The same element and shadow root, the other thread; the options stay those given (a later setThread() derives again).
      parley.mount(host, { ...widget.options, thread });
      widgets.get(host)!.options = widget.options;
    },
    unmount(host: Element) {
      widgets.get(host)?.stop();
      widgets.delete(host);
    },
    /**
     * The script tag's widget: mounted by widget.js already (then only known here, for `setThread`
     * and `unmount`), or mounted now. A script tag derives its thread id normalised, as the
     * element does, unless `data-thread-normalize="off"` asks for `location.pathname` exactly.
     */
    adopt([host, { threadQuery, ...rest }, stop]: ScriptWidget) {
      const options = { ...rest, threadQuery: threadQuery?.split(',') };
      if (stop) widgets.set(host, { options, thread: threadOf(options), stop });
      else parley.mount(host, options);
    },
  };
  return parley;
}

/**
 * `<parley-comments site="…" thread="…">`: the widget in the element's shadow root while it is in
 * the document. Without `thread`, it follows the page's address (`popstate`, and the Navigation
 * API's `currententrychange`, which also sees `history.pushState`).
 */
export function defineElement(parley: Parley) {
  const navigation = (globalThis as { navigation?: EventTarget }).navigation;
  class ParleyComments extends HTMLElement {
    static observedAttributes = ['thread'];
    /** Follows the page's address when the element names no thread. */
    #follow = () => this.hasAttribute('thread') || parley.setThread(this);

    connectedCallback() {
      parley.mount(this, elementOptions(this));
      addEventListener('popstate', this.#follow);
      navigation?.addEventListener('currententrychange', this.#follow);
    }

    disconnectedCallback() {
      parley.unmount(this);
      removeEventListener('popstate', this.#follow);
      navigation?.removeEventListener('currententrychange', this.#follow);
    }

    /** `thread` set: that thread; removed: the page's again. */
    attributeChangedCallback() {
      if (this.isConnected) parley.setThread(this, this.getAttribute('thread') ?? undefined);
    }
  }
  // Each attribute is also a property that reflects it (frameworks set either).
  for (const name of ATTRIBUTES) {
    Object.defineProperty(ParleyComments.prototype, name.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase()), {
      get(this: Element) {
        return this.getAttribute(name);
      },
      set(this: Element, value: string | null) {
        if (value == null) this.removeAttribute(name);
        else this.setAttribute(name, value);
      },
    });
  }
  customElements.define('parley-comments', ParleyComments);
}

/**
 * What widget.js calls once it has imported this module: defines `window.Parley` (frozen) and
 * then `<parley-comments>`, unless an earlier copy of widget.js did; and takes over the script
 * tag's widget (`script`).
 */
export function defineEmbed(start: StartWidget, script?: ScriptWidget) {
  const parley = createParley(start);
  if (!window.Parley) {
    window.Parley = Object.freeze({ mount: parley.mount, setThread: parley.setThread, unmount: parley.unmount });
    defineElement(window.Parley);
  }
  if (script) parley.adopt(script);
}

declare global {
  interface Window {
    Parley?: Parley;
  }
}
