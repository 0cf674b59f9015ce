export { appRouter, createCaller, procedureMetas, type AppRouter } from './root.js';
export type { Meta } from './trpc.js';
export * from './context.js';
export type { Logger } from './logger.js';
export * from './errors.js';
export { ENTITLEMENT_DESCRIPTORS, isEntitled, type EntitlementTemplate } from './entitlements.js';
export { createTokenService, type TokenService } from './auth/tokens.js';
export { createPasswordHasher, type PasswordHasher } from './auth/passwords.js';
export { bootstrap } from './bootstrap.js';
