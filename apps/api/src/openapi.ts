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
  addAssetRoutes(doc);
  return doc;
}

const security = [{ bearer: [] }, { apiKey: [] }, { cookie: [] }];
const fileRef = { $ref: '#/components/schemas/File' };

/** The multipart upload and the byte download: Express routes, described by hand. */
function addAssetRoutes(doc: Json): void {
  doc.paths['/system/assets'] = {
    post: {
      operationId: 'assets-upload',
      tags: ['files'],
      summary: 'Upload a file',
      description: 'Exactly one file part `file`, and an optional `title`. Streamed to storage; over MAX_UPLOAD_BYTES: 413 and nothing stored. Requires the org entitlement `file:create`.',
      'x-entitlement': 'file:create',
      security,
      requestBody: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' }, title: { type: 'string', maxLength: 500 } } },
            encoding: { file: { contentType: '*/*' } },
          },
        },
      },
      responses: {
        '201': { description: 'Stored', content: { 'application/json': { schema: fileRef } } },
        '400': errorResponse('No `file` part, two file parts, an unexpected field, or a truncated body'),
        '401': errorResponse('Missing, invalid, expired or revoked credentials'),
        '403': errorResponse('Lacks the entitlement `file:create`, or a cross-origin cookie request'),
        '413': errorResponse('Larger than MAX_UPLOAD_BYTES'),
        '415': errorResponse('Not multipart/form-data'),
        '500': errorResponse('Internal server error'),
      },
    },
  };
  const header = (description: string, schema: Json = { type: 'string' }) => ({ description, schema });
  const fileHeaders = {
    'Content-Type': header('The stored MIME type'),
    'Content-Disposition': header('`inline` for images, PDF, audio, video and plain text; `attachment` otherwise or with ?download=true'),
    ETag: header('The SHA-256 of the bytes, quoted'),
    'Last-Modified': header('When the file was stored'),
    'Accept-Ranges': header('`bytes`'),
    'X-Content-Type-Options': header('`nosniff`'),
  };
  const binary = { '*/*': { schema: { type: 'string', format: 'binary' } } };
  doc.paths['/system/assets/{file_id}'] = {
    ...doc.paths['/system/assets/{file_id}'],
    get: {
      operationId: 'assets-download',
      tags: ['files'],
      summary: 'Download the bytes of a file',
      description: 'Honours Range (206, or 416 when unsatisfiable) and If-None-Match (304). The ms_access cookie works too, so `<img src>` can point here.',
      security,
      parameters: [
        { name: 'file_id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } },
        { name: 'download', in: 'query', required: false, schema: { type: 'boolean' }, description: 'true: always `Content-Disposition: attachment`' },
        { name: 'Range', in: 'header', required: false, schema: { type: 'string' }, description: 'One byte range, e.g. `bytes=0-1023`' },
        { name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' } },
      ],
      responses: {
        '200': { description: 'The bytes', headers: { ...fileHeaders, 'Content-Length': header('Size in bytes', { type: 'integer' }) }, content: binary },
        '206': { description: 'The requested range', headers: { ...fileHeaders, 'Content-Range': header('`bytes start-end/size`') }, content: binary },
        '304': { description: 'Not modified (If-None-Match matched)' },
        '400': errorResponse('file_id is not a UUID, or download is not true/false'),
        '401': errorResponse('Missing, invalid, expired or revoked credentials'),
        '404': errorResponse('No such file'),
        '416': errorResponse('Range not satisfiable'),
        '500': errorResponse('Internal server error'),
      },
    },
  };
}
