// A small popover anchored below its trigger: opens on the trigger's click, closes on Escape, on a
// click outside, or when its owner says so. No portal: it lives in the filter bar's flow.
import { type ReactElement, type ReactNode, useEffect, useRef } from 'react';

export interface PopoverProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  trigger: ReactElement;
  children: ReactNode;
  align?: 'left' | 'right';
}

export function Popover({ open, onOpenChange, trigger, children, align = 'left' }: PopoverProps) {
  const box = useRef<HTMLDivElement>(null);
  const onChange = useRef(onOpenChange);
  onChange.current = onOpenChange;
  useEffect(() => {
    if (!open) return;
    const outside = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) onChange.current(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onChange.current(false);
    };
    document.addEventListener('mousedown', outside);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', outside);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
  return (
    <div className="popover" ref={box}>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: the click is the trigger button's, bubbled */}
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: the trigger is a button, keyboard works on it */}
      <span className="popover__trigger" onClick={() => onOpenChange(!open)}>
        {trigger}
      </span>
      {open && <div className={`popover__panel popover__panel--${align}`}>{children}</div>}
    </div>
  );
}
