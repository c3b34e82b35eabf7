// Share link: copies the page's URL (every filter, the sort and the page are in it); where the
// clipboard is not available the link shows in a box to copy by hand.
import { useState } from 'react';
import { Button } from '../ui/Button.tsx';
import { Popover } from './Popover.tsx';

export function ShareButton() {
  const [state, setState] = useState<'idle' | 'copied' | 'manual'>('idle');
  const [open, setOpen] = useState(false);
  const share = async () => {
    try {
      await navigator.clipboard.writeText(window.location.href);
      setState('copied');
      setTimeout(() => setState('idle'), 2_000);
    } catch {
      setState('manual');
      setOpen(true);
    }
  };
  if (state === 'manual')
    return (
      <Popover
        open={open}
        onOpenChange={setOpen}
        align="right"
        trigger={
          <Button size="sm" data-testid="share-link">
            Share link
          </Button>
        }
      >
        <div className="report-share">
          <span>Copy this link:</span>
          <input
            className="report-input"
            readOnly
            value={window.location.href}
            onFocus={(e) => e.target.select()}
            data-testid="share-url"
          />
        </div>
      </Popover>
    );
  return (
    <Button
      size="sm"
      onClick={share}
      data-testid="share-link"
      data-state={state}
      title="Copy a link to this view"
    >
      {state === 'copied' ? 'Link copied' : 'Share link'}
    </Button>
  );
}
