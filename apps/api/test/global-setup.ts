import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

/**
 * The PostgreSQL every suite runs on besides PGlite: DATABASE_URL when set,
 * else a throwaway container where a Docker engine answers. Without either the
 * run fails: the contract is tested on both databases, never on one silently.
 */
export default async function setup(project: TestProject) {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv) {
    project.provide('postgresUrl', fromEnv);
    return;
  }
  let container: { getConnectionUri(): string; stop(): Promise<unknown> };
  try {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    container = await new PostgreSqlContainer('postgres:15-alpine').start();
  } catch (error) {
    throw new Error(
      `No PostgreSQL for the tests: set DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test) or start a Docker engine.\n${(error as Error).message}`,
    );
  }
  project.provide('postgresUrl', container.getConnectionUri());
  return async () => {
    await container.stop();
  };
}
