import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

/**
 * The PostgreSQL every suite runs on besides PGlite: DATABASE_URL when set,
 * else a throwaway container where a Docker engine answers. With neither, the
 * suites run on PGlite alone, and say so loudly.
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
    process.stderr.write(
      `\n  WARNING: no PostgreSQL for the tests (no DATABASE_URL, and testcontainers failed: ${(error as Error).message.split('\n')[0]}).\n` +
        '  Running on PGlite only. Set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test to test both databases.\n\n',
    );
    project.provide('postgresUrl', '');
    return;
  }
  project.provide('postgresUrl', container.getConnectionUri());
  return async () => {
    await container.stop();
  };
}
