// Deterministic ids: the same input at the same position always yields the same id, so a replay
// (restart, re-read, agent retry) produces rows the warehouse can recognise as already stored.
import * as crypto from 'node:crypto';

// One-shot `crypto.hash` (Node >= 20.12) skips the Hash object createHash builds per call: about
// half the cost per id, and ingest computes one per record. Same digest, so the same ids.
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

/** 128-bit hex id of a source identity and a position inside it. */
export function eventId(pipeline: string, sourceIdentity: string, position: number | string): string {
  return sha256Hex(`${pipeline}\0${sourceIdentity}\0${position}`).slice(0, 32);
}
