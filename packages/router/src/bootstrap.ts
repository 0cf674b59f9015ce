import { randomBytes } from 'node:crypto';
import type { Database, Kysely } from '@monospace/db';
import type { PasswordHasher } from './auth/passwords.js';
import type { Clock } from './context.js';
import { findRoleIdByName, getOrCreateSecret, hasUsers, insertUser, lockBootstrap } from './bootstrap/queries.js';

export interface BootstrapOptions {
  db: Kysely<Database>;
  clock: Clock;
  passwords: PasswordHasher;
  /** AUTH_SECRET; absent: one generated once and kept in the database for every instance. */
  authSecret?: string;
  adminEmail: string;
  adminPassword?: string;
}

export interface BootstrapResult {
  authSecret: Uint8Array;
  /** Set when this start created the owner with a generated password: to be shown once. */
  createdOwner?: { email: string; generatedPassword?: string };
}

/** First-start work, safe to run on every start of every instance. */
export async function bootstrap(options: BootstrapOptions): Promise<BootstrapResult> {
  const { db, clock, passwords } = options;
  const secret = options.authSecret ?? (await getOrCreateSecret(db, 'auth_secret', () => randomBytes(48).toString('base64url'), clock.now()));

  const generatedPassword = options.adminPassword ? undefined : randomBytes(18).toString('base64url');
  const created = await db.transaction().execute(async (trx) => {
    await lockBootstrap(trx);
    if (await hasUsers(trx)) return false;
    // Hashed only on the first start, under the lock (one argon2id hash, ~10 ms).
    const passwordHash = await passwords.hash(options.adminPassword ?? generatedPassword!);
    await insertUser(trx, { email: options.adminEmail, name: 'Owner', passwordHash, roleId: await findRoleIdByName(trx, 'owner'), now: clock.now() });
    return true;
  });

  return {
    authSecret: new TextEncoder().encode(secret),
    createdOwner: created ? { email: options.adminEmail, generatedPassword } : undefined,
  };
}
