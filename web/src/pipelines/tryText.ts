// The try-out box's text per pipeline, kept in sessionStorage so it survives a reload and a visit to
// another page. "Try this line" on a dead letter offers its raw text: stored, announced to a box that
// is already open, and remembered so the box scrolls into view when its page opens.
const KEY = 'mortar.try.';
const OFFERED = 'mortar:try-offered';

let pendingFocus: string | null = null;

export function loadTryText(pipeline: string): string {
  try {
    return sessionStorage.getItem(KEY + pipeline) ?? '';
  } catch {
    return '';
  }
}

export function saveTryText(pipeline: string, text: string): void {
  try {
    if (text) sessionStorage.setItem(KEY + pipeline, text);
    else sessionStorage.removeItem(KEY + pipeline);
  } catch {
    // Storage full or disabled: the box still works, it just does not survive a reload.
  }
}

/** Puts `text` into `pipeline`'s box (open now or opened next). */
export function offerTryText(pipeline: string, text: string): void {
  saveTryText(pipeline, text);
  pendingFocus = pipeline;
  window.dispatchEvent(new CustomEvent<string>(OFFERED, { detail: pipeline }));
}

/** True once after text was offered to `pipeline`. */
export function takeOffered(pipeline: string): boolean {
  if (pendingFocus !== pipeline) return false;
  pendingFocus = null;
  return true;
}

export function onTryTextOffered(listener: (pipeline: string) => void): () => void {
  const handler = (e: Event) => listener((e as CustomEvent<string>).detail);
  window.addEventListener(OFFERED, handler);
  return () => window.removeEventListener(OFFERED, handler);
}
