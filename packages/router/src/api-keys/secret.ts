import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * `msk_<lookup>_<secret>`: the lookup part (64 random bits, hex) finds the key
 * by one indexed query; the secret (256 random bits) is stored only as SHA-256.
 */
export function generateApiKey(): { key: string; prefix: string; secretHash: string } {
  const prefix = `msk_${randomBytes(8).toString('hex')}`;
  const secret = randomBytes(32).toString('base64url');
  return { key: `${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

export function parseApiKey(key: string): { prefix: string; secret: string } | null {
  const match = /^(msk_[0-9a-f]{16})_([A-Za-z0-9_-]{43})$/.exec(key);
  return match ? { prefix: match[1]!, secret: match[2]! } : null;
}

/** Constant-time comparison of the presented secret with the stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
