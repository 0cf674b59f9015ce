/**
 * The one registry of org entitlements: keys, descriptions, and the matcher.
 * A grant matches a key when equal, or when it ends in `*` and the key starts
 * with what precedes the `*`. A grant starting with `!` denies what it matches,
 * and a deny wins over any grant (the built-in admin is `*` minus assigning the owner role).
 */

export const ENTITLEMENTS = [
  { key: 'project:create', description: 'Create projects' },
  { key: 'project:update:{id}', description: 'Update the project with this id' },
  { key: 'project:delete:{id}', description: 'Delete the project with this id' },
  { key: 'user:update:{id}', description: 'Update the user with this id (name, email, status)' },
  { key: 'orgRole:assign:{id}', description: 'Give the org role with this id to a user or service account' },
  { key: 'invite:create', description: 'Invite people to the organization or a project' },
  { key: 'invite:update', description: 'Renew invitations' },
  { key: 'invite:delete', description: 'Revoke invitations' },
  { key: 'apiKey:read', description: 'List API keys' },
  { key: 'apiKey:create', description: 'Create API keys' },
  { key: 'apiKey:update', description: 'Rename and describe API keys' },
  { key: 'apiKey:delete', description: 'Delete API keys' },
  { key: 'serviceAccount:read', description: 'List and read service accounts' },
  { key: 'serviceAccount:create', description: 'Create service accounts' },
  { key: 'serviceAccount:update', description: 'Update and disable service accounts' },
  { key: 'serviceAccount:delete', description: 'Delete service accounts and their keys' },
  { key: 'file:create', description: 'Upload files' },
  { key: 'file:delete:{id}', description: 'Delete the file with this id' },
  { key: 'orgSettings:edit', description: 'Change the organization settings' },
  { key: 'systemOpenApiSchema:read', description: 'Read the OpenAPI document of the system API' },
] as const;

export type EntitlementTemplate = (typeof ENTITLEMENTS)[number]['key'];

/** A concrete key: a template with `{id}` filled in. */
export type EntitlementKey<T extends EntitlementTemplate = EntitlementTemplate> = T extends `${infer Head}:{id}`
  ? `${Head}:${string}`
  : T;

export interface EntitlementDescriptor {
  key: EntitlementTemplate;
  description: string;
  scoped: boolean;
}

export const ENTITLEMENT_DESCRIPTORS: readonly EntitlementDescriptor[] = ENTITLEMENTS.map((e) => ({
  key: e.key,
  description: e.description,
  scoped: e.key.endsWith(':{id}'),
}));

export function fillTemplate<T extends EntitlementTemplate>(template: T, id?: string): EntitlementKey<T> {
  if (!template.endsWith(':{id}')) return template as EntitlementKey<T>;
  if (id === undefined) throw new Error(`${template} needs an id`);
  return template.replace('{id}', id) as EntitlementKey<T>;
}

function patternMatches(pattern: string, key: string): boolean {
  return pattern.endsWith('*') ? key.startsWith(pattern.slice(0, -1)) : pattern === key;
}

/** True when the grants allow `key`. */
export function isEntitled(grants: readonly string[], key: string): boolean {
  let granted = false;
  for (const grant of grants) {
    if (grant.startsWith('!')) {
      if (patternMatches(grant.slice(1), key)) return false;
    } else if (!granted && patternMatches(grant, key)) {
      granted = true;
    }
  }
  return granted;
}

/** A grant pattern is well formed: a catalogue key (filled in or wildcarded), `*`, or either denied with `!`. */
export function isValidGrant(grant: string): boolean {
  const pattern = grant.startsWith('!') ? grant.slice(1) : grant;
  if (pattern === '*') return true;
  if (!/^[A-Za-z]+(:[A-Za-z0-9_-]+)*(:?\*)?$/.test(pattern)) return false;
  const prefix = pattern.endsWith('*') ? pattern.slice(0, -1) : pattern;
  return ENTITLEMENTS.some(({ key }) => {
    const head = key.replace(':{id}', ':');
    return pattern.endsWith('*') ? head.startsWith(prefix) || prefix.startsWith(head) : key === pattern || (key.endsWith(':{id}') && pattern.startsWith(head) && pattern.length > head.length);
  });
}

const prefixOf = (pattern: string) => (pattern.endsWith('*') ? pattern.slice(0, -1) : pattern);

/** Every key `inner` matches, `outer` matches too. */
function patternContains(outer: string, inner: string): boolean {
  if (!outer.endsWith('*')) return outer === inner;
  return prefixOf(inner).startsWith(prefixOf(outer));
}

/** Some key matches both patterns. */
function patternsOverlap(a: string, b: string): boolean {
  if (!a.endsWith('*') && !b.endsWith('*')) return a === b;
  if (!a.endsWith('*')) return a.startsWith(prefixOf(b));
  if (!b.endsWith('*')) return b.startsWith(prefixOf(a));
  return prefixOf(a).startsWith(prefixOf(b)) || prefixOf(b).startsWith(prefixOf(a));
}

const allows = (grants: readonly string[]) => grants.filter((g) => !g.startsWith('!'));
const denies = (grants: readonly string[]) => grants.filter((g) => g.startsWith('!')).map((g) => g.slice(1));

/**
 * True when everything `target` grants, `actor` grants too (the no-escalation
 * rule of SPEC §2). Conservative: a target pattern must sit inside one actor
 * grant, and an actor denial may only touch what the target denies as well.
 */
export function grantsWithin(target: readonly string[], actor: readonly string[]): boolean {
  const targetDenies = denies(target);
  return allows(target).every(
    (t) =>
      allows(actor).some((a) => patternContains(a, t)) &&
      denies(actor).every((d) => !patternsOverlap(d, t) || targetDenies.some((td) => patternContains(td, d))),
  );
}
