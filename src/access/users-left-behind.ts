// Users of an embedded installation's SQLite access store (store.ts) that a ClickHouse warehouse
// lacks: a server switched to ClickHouse without `mortar migrate` (which moves them) tells the
// operator, instead of everyone's sign-in failing without a word. Read-only; no file, no users.
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { AccessBackend } from './access-backend.ts';

export async function usersLeftBehind(path: string, backend: AccessBackend): Promise<string[]> {
  if (!existsSync(path)) return [];
  const db = new Database(path, { readonly: true, fileMustExist: true });
  let names: string[];
  try {
    // A file whose schema was never created holds no users.
    if ((db.pragma('user_version', { simple: true }) as number) < 1) return [];
    names = (db.prepare('SELECT name FROM users ORDER BY name').all() as { name: string }[]).map(
      (r) => r.name,
    );
  } finally {
    db.close();
  }
  if (names.length === 0) return [];
  const have = new Set((await backend.users()).map((u) => u.name));
  return names.filter((n) => !have.has(n));
}
