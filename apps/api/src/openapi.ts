import { generateOpenApiDocument } from 'trpc-to-openapi';
import { appRouter, ERROR_STATUS, procedureMetas, type Meta } from '@monospace/router';

type Json = Record<string, any>;

const errorSchema = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string', enum: Object.keys(ERROR_STATUS) },
    message: { type: 'string' },
    issues: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'integer' }] } }, message: { type: 'string' } },
      },
    },
  },
};

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

/** Procedure meta by REST method and path, to annotate what the generator cannot know. */
function metaByOperation(): Map<string, Meta> {
  const map = new Map<string, Meta>();
  for (const meta of procedureMetas.values()) {
    if (meta.openapi) map.set(`${meta.openapi.method.toLowerCase()} ${meta.openapi.path}`, meta);
  }
  return map;
}

/**
 * The served OpenAPI 3 document: every REST route generated from the router,
 * then given the contract's success statuses, error body and required entitlements.
 */
export function buildOpenApiDocument(publicUrl: string): Json {
  const doc = generateOpenApiDocument(appRouter, {
    title: 'Monospace System API',
    version: '0.1.0',
    description: 'Organization-level system API: authentication, projects, users, roles, entitlements, API keys and service accounts.',
    baseUrl: `${publicUrl}/api`,
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from /auth/login' },
      apiKey: { type: 'http', scheme: 'bearer', bearerFormat: 'msk_<lookup>_<secret>', description: 'An API key from POST /system/api-keys, as `Authorization: Bearer msk_…`' },
      cookie: { type: 'apiKey', in: 'cookie', name: 'ms_access', description: 'The session-mode access cookie' },
    },
  }) as Json;
  doc.components.schemas = { ...doc.components.schemas, Error: errorSchema };
  const metas = metaByOperation();
  for (const [path, item] of Object.entries(doc.paths as Json)) {
    for (const [method, operation] of Object.entries(item as Json)) {
      const meta = metas.get(`${method} ${path}`);
      const responses: Json = {};
      const success = operation.responses['200'];
      if (meta?.successStatus === 204) responses['204'] = { description: 'No content' };
      else responses[String(meta?.successStatus ?? 200)] = success;
      responses['400'] = errorResponse('Invalid input: `issues` names each bad field');
      if (operation.security) responses['401'] = errorResponse('Missing, invalid, expired or revoked credentials');
      if (meta?.entitlement) {
        responses['403'] = errorResponse(`Lacks the entitlement \`${meta.entitlement}\``);
        operation.description = [operation.description, `Requires the org entitlement \`${meta.entitlement}\`.`].filter(Boolean).join('\n\n');
        operation['x-entitlement'] = meta.entitlement;
      }
      if (path.includes('{')) responses['404'] = errorResponse('Not found');
      responses['500'] = errorResponse('Internal server error');
      operation.responses = responses;
    }
  }
  return doc;
}
