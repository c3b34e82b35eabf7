// Multi-line text input, monospace by default (sample log lines); Ctrl+Enter (Cmd+Enter on a Mac)
// submits, Tab stays a focus move so keyboard users are never trapped in the box.
import { forwardRef, type TextareaHTMLAttributes } from 'react';
import './TextArea.css';

export interface TextAreaProps
  extends Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'onChange' | 'value'> {
  value: string;
  onChange: (value: string) => void;
  /** Ctrl+Enter / Cmd+Enter. */
  onSubmit?: () => void;
  label: string;
  mono?: boolean;
}

export const TextArea = forwardRef<HTMLTextAreaElement, TextAreaProps>(function TextArea(
  { value, onChange, onSubmit, label, mono = true, className, onKeyDown, rows = 6, ...rest },
  ref,
) {
  return (
    <textarea
      ref={ref}
      className={`text-area ${mono ? 'text-area--mono' : ''} ${className ?? ''}`}
      aria-label={label}
      rows={rows}
      value={value}
      spellCheck={false}
      autoCapitalize="off"
      autoComplete="off"
      autoCorrect="off"
      onChange={(e) => onChange(e.target.value)}
      onKeyDown={(e) => {
        if (onSubmit && e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          onSubmit();
        }
        onKeyDown?.(e);
      }}
      {...rest}
    />
  );
});
