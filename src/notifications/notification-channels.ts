/**
 * @module The channels a notification goes out by: email over SMTP (nodemailer) and a JSON
 * webhook. Each send resolves when the far end accepted it and throws otherwise.
 */
import nodemailer from 'nodemailer';
import type { NotificationsConfig } from '../config/config-schema.ts';
import { emailText, webhookBody, type NotificationMessage } from './notification-message.ts';
import type { NotificationChannel } from './notification-queue.ts';

/** Sends one message to one address (email) or endpoint (webhook). */
export type ChannelSender = (
  message: NotificationMessage,
  email: string | undefined,
) => Promise<void>;

const SEND_TIMEOUT_MS = 10_000;

/** The configured channels, by name. */
export function createChannels(
  settings: NotificationsConfig,
): ReadonlyMap<NotificationChannel, ChannelSender> {
  const channels = new Map<NotificationChannel, ChannelSender>();
  const { email, webhook } = settings;
  if (email !== undefined) {
    const url = new URL(email.smtpUrl);
    const transport = nodemailer.createTransport({
      host: url.hostname,
      port: url.port === '' ? (url.protocol === 'smtps:' ? 465 : 587) : Number(url.port),
      secure: url.protocol === 'smtps:',
      ...(url.username === ''
        ? {}
        : {
            auth: {
              user: decodeURIComponent(url.username),
              pass: decodeURIComponent(url.password),
            },
          }),
      connectionTimeout: SEND_TIMEOUT_MS,
      greetingTimeout: SEND_TIMEOUT_MS,
      socketTimeout: SEND_TIMEOUT_MS,
    });
    channels.set('email', async (message, to) => {
      if (to === undefined) throw new Error('no address');
      const { subject, text } = emailText(message);
      await transport.sendMail({ from: email.from, to, subject, text });
    });
  }
  if (webhook !== undefined) {
    channels.set('webhook', async (message) => {
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(webhook.bearerToken === undefined
            ? {}
            : { authorization: `Bearer ${webhook.bearerToken}` }),
        },
        body: JSON.stringify(webhookBody(message)),
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (!response.ok) throw new Error(`webhook answered ${String(response.status)}`);
    });
  }
  return channels;
}
