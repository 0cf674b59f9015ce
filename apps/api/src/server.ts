import { createServer } from 'node:http';
import { createDatabase, DataDirLockedError } from '@monospace/db';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';

// A closed standard output (its pipe reader gone) must not crash or hang the process.
process.stdout.on('error', () => {});

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel);
  let queries = 0;
  const database = await createDatabase({ url: config.databaseUrl, dataDir: config.dataDir, onQuery: config.countQueries ? () => void queries++ : undefined });
  await database.migrate();
  const app = await createApp({ database, config, logger, queryCount: config.countQueries ? () => queries : undefined });
  if (app.generatedOwnerPassword) {
    // Shown once, on the first start only; it is stored as an argon2id hash.
    process.stdout.write(
      `\n  First start: created the owner ${config.adminEmail} with the password ${app.generatedOwnerPassword}\n  Change it after logging in (or set ADMIN_PASSWORD before the first start).\n\n`,
    );
  }

  const server = createServer(app.express);
  server.keepAliveTimeout = 65_000;
  // Headers must still come within Node's 60 s; the body of a large upload may take longer than Node's 5 minutes.
  server.requestTimeout = config.requestTimeout * 1000;
  server.listen(config.port, config.host, () => {
    logger.info({ url: config.publicUrl, port: config.port, database: database.kind }, 'Monospace system API listening');
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining in-flight requests');
    server.close(async () => {
      await app.stop();
      await database.close();
      logger.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => {
      logger.warn('drain timed out; closing remaining connections');
      server.closeAllConnections();
    }, 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DataDirLockedError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
