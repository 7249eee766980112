/**
 * @module What a notification says, in plain words: who opened the record, when, and on what
 * basis, with where to see more. Never clinical content, and no NHS number in an email.
 */
import type { NotificationKind } from './notification-queue.ts';

/** One notification as a channel sends it. */
export interface NotificationMessage {
  readonly id: string;
  readonly kind: NotificationKind;
  readonly nhsNumber: string;
  readonly organisation: { readonly odsCode: string; readonly name: string };
  readonly occurredAt: string;
  /** The patient's access history page. */
  readonly link: string;
}

const WHEN = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'long',
  timeStyle: 'short',
  timeZone: 'Europe/London',
});

/** The email's subject and body. */
export function emailText(message: NotificationMessage): { subject: string; text: string } {
  const when = WHEN.format(new Date(message.occurredAt));
  const who = message.organisation.name;
  const opening =
    message.kind === 'emergency-access'
      ? {
          subject: 'Your care record was opened in an emergency',
          first: `On ${when}, staff at ${who} opened your shared care record through My Care Record in an emergency, when you could not be asked for your permission.`,
        }
      : {
          subject: 'A new organisation opened your care record',
          first: `On ${when}, staff at ${who} opened your shared care record through My Care Record for the first time, with the permission you gave.`,
        };
  return {
    subject: opening.subject,
    text: [
      opening.first,
      '',
      `To see who looked at your record, when and why, sign in with NHS login: ${message.link}`,
      '',
      'If you do not recognise this, you can raise a concern from that page and a privacy officer will look into it.',
      '',
      'You can turn these messages off on the same page.',
    ].join('\n'),
  };
}

/** The webhook's JSON body (documented in docs/api.md, "Notification webhook"). */
export function webhookBody(message: NotificationMessage): Record<string, unknown> {
  return {
    id: message.id,
    kind: message.kind,
    nhsNumber: message.nhsNumber,
    organisation: message.organisation,
    occurredAt: message.occurredAt,
    link: message.link,
  };
}
