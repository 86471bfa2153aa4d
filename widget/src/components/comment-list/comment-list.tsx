import type { Profile } from '../../lib/own-comments';
import { buildTree, type ShownComment } from '../../lib/thread';
import { Comment } from '../comment/comment';

/** What every comment of the thread can do, handed down the tree. */
export interface ThreadActions {
  /** The comment whose reply form is open. */
  replyTo: string | null;
  setReplyTo: (id: string | null) => void;
  /** The comment to move focus to (just posted, or named by the page's #comment-ID). */
  focusId?: string;
  profile: Profile;
  setProfile: (profile: Profile) => void;
  submit: (body: string, profile: Profile, parentId: string | null) => Promise<void>;
}

/** The thread as nested lists, oldest first. */
export function CommentList({ comments, actions }: { comments: ShownComment[]; actions: ThreadActions }) {
  return (
    <ol class="thread">
      {buildTree(comments).map((node) => (
        <Comment key={node.comment.id} node={node} depth={0} actions={actions} />
      ))}
    </ol>
  );
}
