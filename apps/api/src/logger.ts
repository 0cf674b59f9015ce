import { pino, type Logger } from 'pino';

/** JSON logs; credentials are redacted wherever they could appear. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
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
