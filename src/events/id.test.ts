import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { eventId } from './id.ts';

describe('eventId', () => {
  it('keeps the ids already stored: sha-256 of pipeline, identity and position, first 128 bits', () => {
    // Stored warehouses hold ids made this way; a replay must produce the same ones.
    const inputs: [string, string, number | string][] = [
      ['bench', 'abcdef0123456789', 0],
      ['gateway', 'f'.repeat(64), 123_456_789_012],
      ['zählerstände', 'ファイル', 'batch-7/3'],
      ['p', '\ud83d\ude00\0', 1.5],
    ];
    for (const [p, f, o] of inputs) {
      const expected = createHash('sha256').update(`${p}\0${f}\0${o}`).digest('hex').slice(0, 32);
      expect(eventId(p, f, o)).toBe(expected);
    }
    expect(eventId('bench', 'abcdef0123456789', 0)).toBe('45a04807e24031b4cbcb6e23bcc373a0');
  });
});
