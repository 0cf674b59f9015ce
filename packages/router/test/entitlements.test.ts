import { describe, expect, it } from 'vitest';
import { ENTITLEMENT_DESCRIPTORS, grantsWithin, isEntitled } from '../src/entitlements.js';

describe('entitlement matching', () => {
  it('matches equal keys and prefix wildcards', () => {
    expect(isEntitled(['project:create'], 'project:create')).toBe(true);
    expect(isEntitled(['project:create'], 'project:delete:1')).toBe(false);
    expect(isEntitled(['project:*'], 'project:create')).toBe(true);
    expect(isEntitled(['project:*'], 'project:delete:abc')).toBe(true);
    expect(isEntitled(['project:delete:*'], 'project:delete:abc')).toBe(true);
    expect(isEntitled(['project:delete:*'], 'project:update:abc')).toBe(false);
    expect(isEntitled(['*'], 'orgSettings:edit')).toBe(true);
    expect(isEntitled([], 'file:create')).toBe(false);
  });

  it('does not treat a grant without * as a prefix', () => {
    expect(isEntitled(['project'], 'project:create')).toBe(false);
    expect(isEntitled(['project:delete:1'], 'project:delete:12')).toBe(false);
  });

  it('lets a ! denial win over any grant', () => {
    const admin = ['*', '!orgRole:assign:owner-id'];
    expect(isEntitled(admin, 'orgRole:assign:owner-id')).toBe(false);
    expect(isEntitled(admin, 'orgRole:assign:member-id')).toBe(true);
    expect(isEntitled(['!project:*', 'project:create'], 'project:create')).toBe(false);
  });

  it('describes every key of the catalogue, scoped ones marked', () => {
    expect(ENTITLEMENT_DESCRIPTORS).toHaveLength(20);
    expect(ENTITLEMENT_DESCRIPTORS.filter((d) => d.scoped).map((d) => d.key)).toEqual([
      'project:update:{id}', 'project:delete:{id}', 'user:update:{id}', 'orgRole:assign:{id}', 'file:delete:{id}',
    ]);
  });
});

describe('grantsWithin (no escalation)', () => {
  const admin = ['*', '!orgRole:assign:owner-id'];
  it('holds for equal and narrower grants', () => {
    expect(grantsWithin(['project:create'], ['project:*'])).toBe(true);
    expect(grantsWithin(['project:delete:*'], ['project:*'])).toBe(true);
    expect(grantsWithin(['file:create'], admin)).toBe(true);
    expect(grantsWithin(admin, admin)).toBe(true);
    expect(grantsWithin(['*'], ['*'])).toBe(true);
    expect(grantsWithin([], [])).toBe(true);
  });
  it('fails for anything broader or denied to the actor', () => {
    expect(grantsWithin(['*'], admin)).toBe(false);
    expect(grantsWithin(['orgRole:assign:owner-id'], admin)).toBe(false);
    expect(grantsWithin(['orgRole:*'], admin)).toBe(false);
    expect(grantsWithin(['project:*'], ['project:create'])).toBe(false);
    expect(grantsWithin(['apiKey:read'], ['file:create'])).toBe(false);
  });
  it('lets the target narrow itself with denials', () => {
    expect(grantsWithin(['orgRole:*', '!orgRole:assign:owner-id'], admin)).toBe(true);
    expect(grantsWithin(['project:*', '!project:delete:*'], ['project:*'])).toBe(true);
  });
});
