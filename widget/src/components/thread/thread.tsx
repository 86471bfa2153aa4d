import { Component, type VNode } from 'preact';
import type { CommentNode } from '../../state/thread';
import { commentItem, SHOWN_REPLIES, type ThreadView } from '../comment/comment';

export interface ThreadProps {
  /** The top-level comments (with their replies). */
  roots: CommentNode[];
  view: ThreadView;
  /** Called after each render that added comments (focus may now find its target). */
  onRendered: () => void;
}

/** Main-thread time the script of one step of a long thread may take (ms); its layout and paint take about as long again. */
const STEP_BUDGET_MS = 6;

/**
 * Top-level comments per chunk. The list is made of chunks, each an element of its own with its
 * layout and paint contained (widget.css): adding comments at the end lays out and paints the last
 * chunk and steps over the others, where a flat list of 1,000 made the browser visit all 1,000 in
 * every frame (a "Load more" click at 900 comments shown took 2.5–6× the main-thread time of one
 * at 60 with a 4× slower CPU; in chunks, the same). A chunk whose comments did not change is not
 * rendered again. For assistive technology it is still one list: `<div role="list">` holding
 * `<ol role="none">` chunks of `<li role="listitem">` (a presentational list makes its items
 * presentational too, unless they say otherwise).
 */
const CHUNK = 10;

/** Comments a node shows: itself and the replies not folded away. */
const shownIn = (node: CommentNode): number => (node.expanded ? node.replies : node.replies.slice(0, SHOWN_REPLIES)).reduce((count, reply) => count + shownIn(reply), 1);

/**
 * The list of comments. A long thread is rendered a step at a time, each step painted before the
 * next begins, with as many comments as fit in {@link STEP_BUDGET_MS} at the speed measured so far
 * (fewer on a slow phone), so that no task blocks the page for long. Rendered again, it renders
 * only the comments that changed (components/comment), and skips the chunks holding none; the
 * browser lays out only the chunks that changed ({@link CHUNK}): a step of "Load more" costs the
 * same however many comments are shown.
 */
export class Thread extends Component<ThreadProps, { shown: number }> {
  /** Top-level comments rendered: the first step is small, so the first comments show at once. */
  state: { shown: number } = { shown: this.#fit(4) };
  /** Script time per comment rendered (ms), as measured; when the step being rendered started, and its comments. */
  #perComment = 1;
  #started = 0;
  #rendering = 0;
  /** A step is scheduled; the thread is gone. */
  #waiting = false;
  #gone = false;
  /** Each chunk's element, as last rendered. */
  #chunks: VNode<{ children: VNode[] }>[] = [];

  /** How many more top-level comments (at least one) hold about `comments` comments. */
  #fit(comments: number): number {
    const { roots } = this.props;
    let end: number = this.state?.shown ?? 0;
    for (let count = 0; end < roots.length && (count === 0 || count + shownIn(roots[end]) <= comments); end++) count += shownIn(roots[end]);
    return end;
  }

  componentDidMount() {
    this.componentDidUpdate();
  }

  componentDidUpdate() {
    if (this.#started) {
      this.#perComment = Math.max(0.05, (performance.now() - this.#started) / this.#rendering);
      this.#started = 0;
    }
    this.props.onRendered();
    if (this.state.shown >= this.props.roots.length || this.#waiting) return;
    this.#waiting = true;
    // The next step once this one is painted: a frame, then a task.
    requestAnimationFrame(() =>
      setTimeout(() => {
        this.#waiting = false;
        if (this.#gone) return;
        // At least about four comments a step, as many as the first: one slow step (a garbage
        // collection in it) would otherwise shrink the next to a comment or two, each with a frame
        // of its own, and a "Load more" click on a slow phone took up to 17 painted steps instead
        // of 5. (Where four comments really take longer than a task should, so does the first step.)
        const shown = this.#fit(Math.max(4, STEP_BUDGET_MS / this.#perComment));
        this.#rendering = this.props.roots.slice(this.state.shown, shown).reduce((count, root) => count + shownIn(root), 0);
        this.#started = performance.now();
        this.setState({ shown });
      }),
    );
  }

  componentWillUnmount() {
    this.#gone = true;
  }

  render({ roots, view }: ThreadProps, { shown }: { shown: number }) {
    // A comment or two more (the reader's own, just posted) show at once.
    const end = roots.length - shown > 2 ? shown : roots.length;
    const chunks = [];
    for (let start = 0; start < end; start += CHUNK) {
      // The same element as last time for a chunk whose comments render as before (components/comment):
      // Preact then compares its ten comments and, each being the element it last rendered, skips them.
      const items = roots.slice(start, Math.min(end, start + CHUNK)).map((node) => commentItem(node, 0, view));
      const last: VNode<{ children: VNode[] }> | undefined = this.#chunks[start / CHUNK];
      if (last?.props.children.length !== items.length || items.some((item, i) => item !== last.props.children[i])) {
        this.#chunks[start / CHUNK] = (
          <ol role="none" key={start}>
            {items}
          </ol>
        );
      }
      chunks.push(this.#chunks[start / CHUNK]);
    }
    // Busy until every comment is there (assistive tech waits for the list to be complete).
    return (
      <div role="list" class="thread" aria-busy={end < roots.length}>
        {chunks}
      </div>
    );
  }
}
