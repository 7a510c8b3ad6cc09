import type { Decorator } from '@storybook/react-vite';
import { useEffect, useRef, useState, type ReactNode } from 'react';

/** What a reviewer needs next to a state that may look like another one: set per story as `parameters.review`. */
export interface ReviewNote {
  /** What the end user sees. */
  sees: string;
  /** What the state means, and when it happens. */
  means: string;
}

/** The `data-state` of every dashboard inside, as it changes (several dashboards: each distinct state once). */
function useLiveStates(box: React.RefObject<HTMLDivElement | null>): string[] {
  const [states, setStates] = useState<string[]>([]);
  useEffect(() => {
    const root = box.current;
    if (!root) return;
    const read = () => {
      const seen = [...root.querySelectorAll<HTMLElement>('.tenantdash')].map((el) => el.dataset.state ?? '');
      setStates((old) => {
        const next = [...new Set(seen)];
        return old.join() === next.join() ? old : next;
      });
    };
    read();
    const observer = new MutationObserver(read);
    observer.observe(root, { subtree: true, childList: true, attributeFilter: ['data-state'] });
    return () => observer.disconnect();
  }, [box]);
  return states;
}

function Reviewed({ note, children }: { note: ReviewNote; children: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  const states = useLiveStates(box);
  const tone = states.length === 1 ? states[0] : 'mixed';
  return (
    <div className="review" data-review-state={tone}>
      <aside className="review-note" aria-label="Reviewer note (Storybook only)">
        <span className="review-state" data-testid="review-state">
          data-state: <code>{states.length > 0 ? states.join(', ') : '…'}</code>
        </span>
        <p>
          <strong>End user sees:</strong> {note.sees}
        </p>
        <p>
          <strong>Means:</strong> {note.means}
        </p>
      </aside>
      <div className="review-canvas" ref={box}>
        {children}
      </div>
    </div>
  );
}

/**
 * Frames each story with its reviewer note and the live `data-state`, outlined in that state's colour, so
 * states that look alike to an end user (ready, refreshing, refresh-failed) are told apart in review. It wraps
 * the story from outside: the component renders exactly as in production.
 */
export const withReviewNote: Decorator = (Story, { parameters }) => {
  const note = parameters.review as ReviewNote | undefined;
  if (!note) return <Story />;
  return (
    <Reviewed note={note}>
      <Story />
    </Reviewed>
  );
};
