import type { Transporter } from 'nodemailer';
import type { MailTransport } from '@monospace/router';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

/**
 * SMTP through nodemailer when SMTP_URL is set (smtp:// or smtps://user:pass@host:port);
 * else each message, link included, goes to the log so a developer can follow it.
 * nodemailer is imported with the first message, not at start (a few MiB of idle memory).
 */
export function createMailTransport(config: Pick<Config, 'smtpUrl' | 'mailFrom'>, logger: Logger): MailTransport {
  if (!config.smtpUrl) {
    return {
      async send(message) {
        logger.info({ mail: { to: message.to, subject: message.subject, body: message.body } }, 'mail (SMTP_URL is not set: logged, not sent)');
      },
    };
  }
  const url = new URL(config.smtpUrl);
  const secure = url.protocol === 'smtps:';
  const options = {
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  };
  let transporter: Promise<Transporter> | undefined;
  return {
    async send(message) {
      transporter ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport(options));
      await (await transporter).sendMail({ from: config.mailFrom, to: message.to, subject: message.subject, text: message.body });
    },
  };
}
