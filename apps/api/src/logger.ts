import { pino, type Logger } from 'pino';

/**
 * Standard output as Node's own stream: a closed pipe (`pnpm start | tee`, with tee
 * stopped by the same signal) surfaces as an 'error' event that server.ts ignores.
 * pino's default destination retries such a write forever and the process never exits.
 */
const stdoutDestination = (): pino.DestinationStream => process.stdout;

/** JSON logs; credentials are redacted wherever they could appear. */
export function createLogger(level: string, destination: pino.DestinationStream = stdoutDestination()): Logger {
  return pino(
    {
      level,
      // A failed query's error carries its parameters: never log them.
      serializers: { err: (error: Error) => ({ ...pino.stdSerializers.err(error), params: undefined, parameters: undefined }) },
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.token', '*.refreshToken', '*.accessToken'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

export type { Logger };
