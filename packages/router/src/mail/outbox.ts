import type { Database, Kysely } from '@monospace/db';
import type { Clock } from '../context.js';
import type { Logger } from '../logger.js';
import { claimDueMail, markFailed, markSent, type MailMessage } from './queries.js';

export type { MailMessage };

/** Delivers one message or throws; the app gives SMTP (nodemailer) or the log. */
export interface MailTransport {
  send(message: MailMessage): Promise<void>;
}

export interface OutboxOptions {
  db: Kysely<Database>;
  clock: Clock;
  transport: MailTransport;
  logger: Logger;
  /** How often to look for due messages when nothing wakes the sender. */
  pollMs?: number;
  /** First retry delay; doubles with each failure, up to `maxBackoffMs`. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
}

const LEASE_MS = 60_000;
const BATCH = 10;

/**
 * Sends what the outbox holds, retrying with exponential backoff. While SMTP is
 * down messages wait in the database: nothing is lost and no request fails.
 */
export class OutboxSender {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;

  constructor(private readonly options: OutboxOptions) {}

  start(): void {
    this.stopped = false;
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Look now (after a commit that queued mail). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.drain()
      .then(() => undefined)
      .catch((error: unknown) => this.options.logger.error({ err: error }, 'mail outbox failed'))
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.wake();
        } else {
          this.timer = setTimeout(() => this.wake(), this.options.pollMs ?? 1000);
          this.timer.unref();
        }
      });
  }

  /** Sends every due message; returns how many were sent. */
  async drain(): Promise<number> {
    const { db, clock, transport, logger } = this.options;
    let sent = 0;
    for (;;) {
      const now = clock.now();
      const batch = await claimDueMail(db, now, new Date(now.getTime() + LEASE_MS), BATCH);
      for (const message of batch) {
        try {
          await transport.send({ to: message.recipient, subject: message.subject, body: message.body });
          await markSent(db, message.id, clock.now());
          sent++;
        } catch (error) {
          const attempts = message.attempts + 1;
          const delay = Math.min((this.options.baseBackoffMs ?? 1000) * 2 ** (attempts - 1), this.options.maxBackoffMs ?? 600_000);
          await markFailed(db, message.id, attempts, new Date(clock.now().getTime() + delay), error instanceof Error ? error.message : String(error));
          logger.warn({ mailId: message.id, attempts, retryInMs: delay }, 'mail delivery failed; will retry');
        }
      }
      if (batch.length < BATCH) return sent;
    }
  }
}
