/**
 * @module What a document's bytes may be shown as: a PDF passed as it came (checked to be one),
 * HTML sanitised (no script, handlers, styles, images or links out), plain text escaped into HTML
 * paragraphs. Anything else is refused. Pure and in memory only.
 */
import sanitizeHtml from 'sanitize-html';
import { sanitiseDocument } from './nrl-document.ts';

/** A body ready to send, or why it cannot be shown. */
export type DocumentContent =
  | {
      readonly kind: 'content';
      readonly contentType: 'application/pdf' | 'text/html; charset=utf-8';
      readonly body: Buffer;
    }
  | {
      readonly kind: 'refused';
      readonly status: 'malformed' | 'wrong-content-type';
      readonly message: string;
    };

/** `text/plain` as escaped paragraphs: the words kept, nothing in them interpreted as markup. */
export function plainTextAsHtml(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== '')
    .map(
      (paragraph) =>
        `<p>${sanitizeHtml(paragraph, { allowedTags: [], allowedAttributes: {}, disallowedTagsMode: 'escape' }).replace(/\n/g, '<br>')}</p>`,
    )
    .join('\n');
}

/** The body as the viewer may show it, judged by its declared media type and its bytes. */
export function documentContent(mediaType: string | undefined, bytes: Buffer): DocumentContent {
  const type = (mediaType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/pdf') {
    if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-')
      return {
        kind: 'refused',
        status: 'malformed',
        message: 'The source sent something that is not a PDF.',
      };
    return { kind: 'content', contentType: 'application/pdf', body: bytes };
  }
  if (type === 'text/html' || type === 'application/xhtml+xml') {
    const html = sanitiseDocument(bytes.toString('utf8'));
    return {
      kind: 'content',
      contentType: 'text/html; charset=utf-8',
      body: Buffer.from(html, 'utf8'),
    };
  }
  if (type === 'text/plain') {
    const html = plainTextAsHtml(bytes.toString('utf8'));
    return {
      kind: 'content',
      contentType: 'text/html; charset=utf-8',
      body: Buffer.from(html, 'utf8'),
    };
  }
  return {
    kind: 'refused',
    status: 'wrong-content-type',
    message: 'This document is in a form the viewer cannot show (only PDF, HTML and plain text).',
  };
}
