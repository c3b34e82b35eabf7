// How a session began, in the SQLite access store: an access file from before single logout (schema
// version 1, sessions without method or ID token) opens with its sessions intact, as password
// sessions; an OIDC session keeps its ID token until it ends, and expired sessions take theirs
// with them when the next session starts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { AccessStore } from '../../src/access/store.ts';

const dir = mkdtempSync(join(tmpdir(), 'mortar-session-origin-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const idTokens = (path: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return (
      db.prepare('SELECT id_token FROM sessions WHERE id_token IS NOT NULL').all() as { id_token: string }[]
    ).map((r) => r.id_token);
  } finally {
    db.close();
  }
};

describe('the origin of a session in the SQLite access store', () => {
  it('upgrades an older file: its sessions stay valid and end as password sessions', () => {
    const path = join(dir, 'old.sqlite');
    const first = AccessStore.open(path);
    const s = first.createSession('ann', 1_000, 60_000);
    first.close();
    // Back to the first schema: as a file written before the migration that added the columns.
    const db = new Database(path);
    db.exec(
      'DROP TABLE policy; ALTER TABLE sessions DROP COLUMN id_token; ALTER TABLE sessions DROP COLUMN method',
    );
    db.pragma('user_version = 1');
    db.close();
    const store = AccessStore.open(path);
    try {
      expect(store.session(s.token, 2_000)?.user).toBe('ann');
      expect(store.deleteSession(s.token)).toEqual({ method: 'password', idToken: null });
      expect(store.deleteSession(s.token)).toBeUndefined();
    } finally {
      store.close();
    }
  });

  it('keeps an OIDC session ID token only while the session lives', () => {
    const path = join(dir, 'new.sqlite');
    const store = AccessStore.open(path);
    try {
      const a = store.createSession('olga', 1_000, 60_000, null, { idToken: 'token-a' });
      const b = store.createSession('olga', 1_000, 60_000, null, { idToken: 'token-b' });
      expect(idTokens(path).sort()).toEqual(['token-a', 'token-b']);
      expect(store.deleteSession(a.token)).toEqual({ method: 'oidc', idToken: 'token-a' });
      expect(idTokens(path)).toEqual(['token-b']);
      // b has expired by the time another session starts: its ID token goes then, unpresented.
      store.createSession('ann', 70_000, 60_000);
      expect(idTokens(path)).toEqual([]);
      expect(store.session(b.token, 70_000)).toBeUndefined();
    } finally {
      store.close();
    }
  });
});
