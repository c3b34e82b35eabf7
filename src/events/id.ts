// Deterministic ids: the same input at the same position always yields the same id, so a replay
// (restart, re-read, agent retry) produces rows the warehouse can recognise as already stored.
import { createHash } from 'node:crypto';

/** 128-bit hex id of a source identity and a position inside it. */
export function eventId(pipeline: string, sourceIdentity: string, position: number | string): string {
  return createHash('sha256')
    .update(`${pipeline}\0${sourceIdentity}\0${position}`)
    .digest('hex')
    .slice(0, 32);
}
