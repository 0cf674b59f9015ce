import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  raw: string;
}

/** A real SMTP server in the test process: what the API's nodemailer sender talks to. */
export class TestSmtp {
  readonly received: ReceivedMail[] = [];
  private server: SMTPServer | undefined;
  port = 0;

  get url() {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        let raw = '';
        stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
        stream.on('end', () => {
          this.received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
    this.server = undefined;
  }

  /** The newest mail to `to`, waiting for it to arrive. */
  async mailTo(to: string, timeoutMs = 10_000): Promise<ReceivedMail> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const mail = this.received.filter((m) => m.to.includes(to)).at(-1);
      if (mail) return mail;
      if (Date.now() > until) throw new Error(`no mail to ${to}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  count(to: string): number {
    return this.received.filter((m) => m.to.includes(to)).length;
  }
}

/** The `token` of the first link in a mail (quoted-printable soft breaks undone). */
export function tokenFrom(mail: ReceivedMail): { link: string; token: string } {
  const text = mail.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  const link = /https?:\/\/\S+token=[A-Za-z0-9_-]+/.exec(text)?.[0];
  if (!link) throw new Error(`no link in mail:\n${text}`);
  return { link, token: new URL(link).searchParams.get('token')! };
}
