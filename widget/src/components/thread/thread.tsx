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

/**
 * A chunk of the list. A component, not a bare `<ol>`: Preact skips a component whose element is
 * the one it last rendered without looking inside, while an element it diffs, and all its
 * children with it: with bare `<ol>`s each render of the thread (several a "Load more" click)
 * compared every comment shown again, and a click's script time with the CPU 4× slower grew from
 * 29 ms at 20 comments shown to 69 ms at 980 (with its garbage collections); as components, it stays flat.
 */
const Chunk = ({ children }: { children: VNode[] }) => <ol role="none">{children}</ol>;

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
  /**
   * Script time per comment rendered (ms), as measured (until then 2: a first step of about four
   * comments, the least a step has); when the step being rendered started, and its comments (set by {@link #fit}).
   */
  #perComment = 2;
  // No initial values where none is read before it is set (each would cost widget.js bytes).
  #started?: number;
  #rendering!: number;
  /**
   * Top-level comments rendered: none at first. The first step comes in a task of its own, after
   * the frame that shows the thread's count: in the task that brought the thread (parsing it,
   * rendering the count, the sort and the buttons) it made that task the longest of a page load
   * with the CPU 4× slower (40–68 ms of script where the first step alone takes 25–30).
   */
  state: { shown: number } = { shown: 0 };
  /** A step is scheduled. (Should the thread go first, its step renders nothing: Preact renders no component it has unmounted.) */
  #waiting?: boolean;
  /** Each chunk's element, as last rendered. */
  #chunks: VNode<{ children: VNode[] }>[] = [];

  /** How many more top-level comments (at least one) hold about `comments` comments; how many they hold goes to {@link #rendering}. */
  #fit(comments: number): number {
    const { roots } = this.props;
    let end: number = this.state?.shown ?? 0;
    for (this.#rendering = 0; end < roots.length && (!this.#rendering || this.#rendering + shownIn(roots[end]) <= comments); end++) this.#rendering += shownIn(roots[end]);
    return end;
  }

  componentDidMount() {
    this.componentDidUpdate();
  }

  /** After a render: measures a step of ours, and schedules the next. */
  componentDidUpdate(previous?: unknown) {
    const stepped = this.#started;
    if (stepped) {
      this.#perComment = Math.max(0.05, (performance.now() - stepped) / this.#rendering);
      this.#started = 0;
    }
    this.props.onRendered();
    if (this.state.shown >= this.props.roots.length || this.#waiting) return;
    this.#waiting = true;
    const step = () => {
      this.#waiting = false;
      // At least about four comments a step, as many as the first: one slow step (a garbage
      // collection in it) would otherwise shrink the next to a comment or two, each with a frame
      // of its own, and a "Load more" click on a slow phone took up to 17 painted steps instead
      // of 5. (Where four comments really take longer than a task should, so does the first step.)
      this.#started = performance.now();
      this.setState({ shown: this.#fit(Math.max(4, STEP_BUDGET_MS / this.#perComment)) });
    };
    // Comments that came after all before them were shown (a page of "Load more", the reader's
    // own new comment): their first step renders now, in the task that brought them, and is
    // painted in the next frame, not the one after. Otherwise (a step of ours was just rendered,
    // or the thread is new) the next step once this one is painted: a frame, then a task.
    if (previous && !stepped) step();
    else requestAnimationFrame(() => setTimeout(step));
  }

  render({ roots, view }: ThreadProps, { shown }: { shown: number }) {
    const end = Math.min(shown, roots.length);
    const chunks = [];
    for (let start = 0; start < end; start += CHUNK) {
      const stop = Math.min(end, start + CHUNK);
      // The same element as last time for a chunk whose comments render as before (components/comment):
      // Preact then skips it without looking inside ({@link Chunk}). Checked without building a
      // list: every render (each step, each change) looks at every chunk.
      const last: VNode<{ children: VNode[] }> | undefined = this.#chunks[start / CHUNK];
      let same = last?.props.children.length === stop - start;
      for (let i = start; same && i < stop; i++) same = commentItem(roots[i], 0, view) === last!.props.children[i - start];
      if (!same) this.#chunks[start / CHUNK] = <Chunk key={start}>{roots.slice(start, stop).map((node) => commentItem(node, 0, view))}</Chunk>;
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
