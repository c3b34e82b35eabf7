// A mined template in monospace with its wildcards set off, so the constant words read first.
import './PatternsPage.css';

export function Template({ text }: { text: string }) {
  const parts = text.split('<*>');
  return (
    <code className="pattern-template" title={text}>
      {parts.map((p, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed string
        <span key={i}>
          {p}
          {i < parts.length - 1 && <span className="pattern-template__wild">&lt;*&gt;</span>}
        </span>
      ))}
    </code>
  );
}
