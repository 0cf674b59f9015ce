import type { Database, Kysely } from '@monospace/db';
import { invalidInput } from '../errors.js';
import { readSettings } from '../settings/queries.js';

export const MAX_PASSWORD_LENGTH = 256;

let common: Promise<Set<string>> | undefined;
/**
 * ~50,000 most common passwords (zxcvbn-ts's list), imported on first use: the
 * package holds all of zxcvbn's dictionaries (~15 MiB), which a server that
 * never sets a password should not carry.
 */
async function isCommon(password: string): Promise<boolean> {
  common ??= import('@zxcvbn-ts/language-common').then(({ dictionary }) => new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase())));
  return (await common).has(password.toLowerCase());
}

/** SPEC §3: from settings.passwordMinLength to 256 characters, not the email, not a common password. */
export async function assertPasswordPolicy(db: Kysely<Database>, password: string, email: string, field: string): Promise<void> {
  const { password_min_length: min } = await readSettings(db);
  const problems: string[] = [];
  if (password.length < min) problems.push(`Must be at least ${min} characters`);
  if (password.length > MAX_PASSWORD_LENGTH) problems.push(`Must be at most ${MAX_PASSWORD_LENGTH} characters`);
  if (password.trim().toLowerCase() === email.toLowerCase()) problems.push('Must not be the email address');
  if (await isCommon(password)) problems.push('Is too common: choose a less guessable password');
  if (problems.length > 0) throw invalidInput(problems.map((message) => ({ path: [field], message })));
}
