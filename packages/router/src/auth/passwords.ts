import { hash, verify } from '@node-rs/argon2';

// OWASP's argon2id baseline: 19 MiB, two passes, one lane. `algorithm: 2` is
// Algorithm.Argon2id (an ambient const enum that verbatimModuleSyntax cannot import).
const OPTIONS = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Verifies against the hash, or against a fixed dummy hash when there is none, so both take the same time. */
  verify(hash: string | null | undefined, password: string): Promise<boolean>;
}

export async function createPasswordHasher(): Promise<PasswordHasher> {
  const dummy = await hash('not-a-real-password-' + Math.random(), OPTIONS);
  return {
    hash: (password) => hash(password, OPTIONS),
    async verify(stored, password) {
      try {
        const ok = await verify(stored ?? dummy, password);
        return ok && stored != null;
      } catch {
        return false;
      }
    },
  };
}
