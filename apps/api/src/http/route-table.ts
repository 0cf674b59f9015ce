/** What the REST layer needs of the OpenAPI document: which paths exist, their methods, and their query types. */
interface DocumentOperation {
  parameters?: { name: string; in: string; schema?: { type?: string | string[] } }[];
}

export interface Operation {
  /** The declared type of each query parameter (`integer`, `boolean`, `string`…), by name. */
  queryTypes: ReadonlyMap<string, string | undefined>;
}

export interface Route {
  pattern: RegExp;
  /** The names of the path's `{parameters}`. */
  params: string[];
  operations: Record<string, Operation>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const typeOf = (schema: { type?: string | string[] } | undefined) => (Array.isArray(schema?.type) ? schema.type[0] : schema?.type);

export function routeTable(document: { paths?: Record<string, Record<string, unknown>> }): Route[] {
  const params = (path: string) => path.split('{').length;
  // A literal path (`/users/me`) is tried before a template that also matches it (`/users/{user_id}`).
  const paths = Object.entries(document.paths ?? {}).sort(([a], [b]) => params(a) - params(b));
  return paths.map(([path, item]) => ({
    params: [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
    pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
    operations: Object.fromEntries(
      Object.entries(item as Record<string, DocumentOperation>)
        .filter(([m]) => METHODS.includes(m))
        .map(([m, op]) => [m, { queryTypes: new Map((op.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, typeOf(p.schema)])) }]),
    ),
  }));
}

export function findRoute(routes: Route[], path: string): Route | undefined {
  return routes.find((r) => r.pattern.test(path));
}


/**
 * Query strings are strings; the procedures' numbers and booleans are strict
 * (RPC must stay strict), so REST converts them here, by the types the document declares.
 * Each value goes out in a one-element array: trpc-to-openapi unwraps those, and
 * would otherwise drop falsy values (`limit=0`, `search=`) instead of validating them.
 */
export function coerceQuery(query: Record<string, unknown>, operation: Operation): Record<string, unknown> {
  const types = operation.queryTypes;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(query)) {
    if (typeof value !== 'string') {
      out[name] = value;
      continue;
    }
    const type = types.get(name);
    if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value)) out[name] = [Number(value)];
    else if (type === 'boolean' && (value === 'true' || value === 'false')) out[name] = [value === 'true'];
    else out[name] = [value];
  }
  return out;
}
