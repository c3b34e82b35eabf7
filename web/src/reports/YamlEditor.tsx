// A plain YAML editor: a monospace textarea with a line-number gutter that scrolls with it and marks
// the lines with errors. Tab moves focus as everywhere else (no keyboard trap). `jumpTo` puts the
// caret at a line (and column) and scrolls it into view.
import { forwardRef, useImperativeHandle, useRef } from 'react';

export interface YamlEditorHandle {
  jumpTo: (line: number, col?: number) => void;
}

export interface YamlEditorProps {
  value: string;
  onChange: (value: string) => void;
  errorLines: Set<number>;
  readOnly?: boolean;
}

const LINE_HEIGHT = 20;

export const YamlEditor = forwardRef<YamlEditorHandle, YamlEditorProps>(function YamlEditor(
  { value, onChange, errorLines, readOnly },
  ref,
) {
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lines = value.split('\n').length;
  useImperativeHandle(ref, () => ({
    jumpTo(line, col = 1) {
      const el = area.current;
      if (!el) return;
      const rows = el.value.split('\n');
      const l = Math.min(Math.max(1, line), rows.length);
      let at = 0;
      for (let i = 0; i < l - 1; i++) at += rows[i]!.length + 1;
      at += Math.min(Math.max(0, col - 1), rows[l - 1]!.length);
      el.focus();
      el.setSelectionRange(at, at);
      el.scrollTop = Math.max(0, (l - 4) * LINE_HEIGHT);
    },
  }));
  return (
    <div className="yaml-editor">
      <div className="yaml-editor__gutter" ref={gutter} aria-hidden="true">
        {Array.from({ length: lines }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: line numbers are positions
          <div key={i} className={errorLines.has(i + 1) ? 'yaml-editor__num has-error' : 'yaml-editor__num'}>
            {i + 1}
          </div>
        ))}
      </div>
      <textarea
        ref={area}
        className="yaml-editor__area"
        aria-label="Report definition (YAML)"
        data-testid="yaml-editor"
        value={value}
        readOnly={readOnly}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        autoCorrect="off"
        wrap="off"
        onChange={(e) => onChange(e.target.value)}
        onScroll={(e) => {
          if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
        }}
      />
    </div>
  );
});
