import { Component, Fragment as Chunk, type VNode } from 'preact';
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

/** Top-level comments per chunk: the list is made of chunks, and a chunk whose comments did not change is not rendered again. */
const CHUNK = 10;

/** Comments a node shows: itself and the replies not folded away. */
const shownIn = (node: CommentNode): number => (node.expanded ? node.replies : node.replies.slice(0, SHOWN_REPLIES)).reduce((count, reply) => count + shownIn(reply), 1);

/**
 * The list of comments. A long thread is rendered a step at a time, each step painted before the
 * next begins, with as many comments as fit in {@link STEP_BUDGET_MS} at the speed measured so far
 * (fewer on a slow phone), so that no task blocks the page for long. Rendered again, it renders
 * only the comments that changed (components/comment), and skips the chunks holding none: a step
 * of "Load more" costs the same however many comments are shown.
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
  /** Each chunk's element, with the nodes and versions it shows. */
  #chunks: { nodes: CommentNode[]; versions: number[]; item: VNode }[] = [];

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
        const shown = this.#fit(STEP_BUDGET_MS / this.#perComment);
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
    const items = [];
    for (let start = 0; start < end; start += CHUNK) {
      const nodes = roots.slice(start, Math.min(end, start + CHUNK));
      const last = this.#chunks[start / CHUNK];
      const same = last && last.nodes.length === nodes.length && nodes.every((node, i) => node === last.nodes[i] && node.version === last.versions[i]);
      if (!same) this.#chunks[start / CHUNK] = { nodes, versions: nodes.map((node) => node.version), item: <Chunk key={start}>{nodes.map((node) => commentItem(node, 0, view))}</Chunk> };
      items.push(this.#chunks[start / CHUNK].item);
    }
    // Busy until every comment is there (assistive tech waits for the list to be complete).
    return (
      <ol class="thread" aria-busy={end < roots.length}>
        {items}
      </ol>
    );
  }
}
