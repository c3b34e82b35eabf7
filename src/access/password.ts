// Password hashing with argon2id (OWASP's recommended parameters: 19 MiB, 2 passes, 1 lane), via
// @node-rs/argon2 (prebuilt binaries). The PHC string stores its own parameters, so raising them
// later keeps old hashes verifiable.
import { hash, verify } from '@node-rs/argon2';
import { UserError } from '../events/errors.ts';

const PARAMS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const; // the library's default algorithm is argon2id (asserted by a test)

export const MIN_PASSWORD_LENGTH = 10;

export function checkPasswordPolicy(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new UserError('bad_request', `a password needs at least ${MIN_PASSWORD_LENGTH} characters`, [
      { where: 'password', message: `${password.length} characters`, hint: 'use a longer passphrase' },
    ]);
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, PARAMS);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** A hash to verify against when the user does not exist, so timing does not reveal user names. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword('not a real password, only for constant-time misses');
  return dummy;
}
