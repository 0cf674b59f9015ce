import type { Database, Kysely, Transaction } from '@monospace/db';

type Db = Kysely<Database> | Transaction<Database>;

export interface MailMessage {
  to: string;
  subject: string;
  body: string;
}

/** Stored in the caller's transaction, beside the token it carries: nothing is sent for a rolled-back change. */
export function enqueueMail(db: Db, message: MailMessage, now: Date) {
  return db.insertInto('mail_outbox').values({ recipient: message.to, subject: message.subject, body: message.body, next_attempt_at: now, created_at: now }).execute();
}

/**
 * Claims due messages by pushing their next attempt past a lease, in one
 * statement: no transaction stays open while SMTP talks, and SKIP LOCKED lets
 * several API processes drain one outbox without sending a message twice.
 */
export function claimDueMail(db: Db, now: Date, leaseUntil: Date, limit: number) {
  return db
    .updateTable('mail_outbox')
    .set({ next_attempt_at: leaseUntil })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('mail_outbox')
        .select('id')
        .where('sent_at', 'is', null)
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning(['id', 'recipient', 'subject', 'body', 'attempts'])
    .execute();
}

export function markSent(db: Db, id: string, now: Date) {
  return db.updateTable('mail_outbox').set({ sent_at: now, last_error: null }).where('id', '=', id).execute();
}

export function markFailed(db: Db, id: string, attempts: number, nextAttemptAt: Date, error: string) {
  return db.updateTable('mail_outbox').set({ attempts, next_attempt_at: nextAttemptAt, last_error: error.slice(0, 500) }).where('id', '=', id).execute();
}
