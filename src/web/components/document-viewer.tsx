/**
 * @module A document fetched live and shown in the page: sanitised HTML in a sandboxed frame (no
 * script could run there even if one slipped through the server's sanitiser), a PDF drawn page by
 * page with pdf.js from the fetched bytes. Held in memory only: nothing is cached or stored.
 */
import { useEffect, useRef, useState } from 'react';
import type { OpenedDocument } from '../api-client.ts';
import type { OpenDocument } from '../document-opener.ts';
import { loaded, type Load } from '../load-state.ts';

export interface DocumentViewerProps {
  readonly open: OpenDocument;
  readonly sourceId: string;
  readonly documentId: string;
  /** The frame's and region's accessible name. */
  readonly title: string;
}

export function DocumentViewer({ open, sourceId, documentId, title }: DocumentViewerProps) {
  const [state, setState] = useState<Load<OpenedDocument>>({ kind: 'loading' });
  useEffect(() => {
    let current = true;
    void open({ sourceId, id: documentId }).then((result) => {
      if (!current) return;
      setState(loaded(result));
    });
    return () => {
      current = false;
    };
  }, [open, sourceId, documentId]);
  return (
    <section className="document" aria-label={title}>
      {state.kind === 'loading' && <p role="status">Fetching the document from its source…</p>}
      {state.kind === 'error' && (
        <p className="inset inset--warning" role="alert">
          The document could not be opened: {state.error.message}
        </p>
      )}
      {state.kind === 'loaded' && state.value.kind === 'html' && (
        <iframe className="document__frame" title={title} sandbox="" srcDoc={state.value.html} />
      )}
      {state.kind === 'loaded' && state.value.kind === 'pdf' && (
        <PdfPages bytes={state.value.bytes} title={title} />
      )}
    </section>
  );
}

/** Each page of a PDF drawn on a canvas; pdf.js is loaded only when a PDF is opened. */
function PdfPages({ bytes, title }: { readonly bytes: ArrayBuffer; readonly title: string }) {
  const holder = useRef<HTMLDivElement>(null);
  const [pages, setPages] = useState<number | undefined>(undefined);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const run = { cancelled: false };
    const stopped = (): boolean => run.cancelled;
    const element = holder.current;
    void (async () => {
      try {
        const pdfjs = await import('pdfjs-dist');
        const worker = await import('pdfjs-dist/build/pdf.worker.min.mjs?url');
        pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
        const pdf = await pdfjs.getDocument({
          data: new Uint8Array(bytes.slice(0)),
        }).promise;
        if (stopped()) return;
        setPages(pdf.numPages);
        for (let number = 1; number <= pdf.numPages && !stopped(); number++) {
          const page = await pdf.getPage(number);
          const viewport = page.getViewport({ scale: 1.25 });
          const canvas = document.createElement('canvas');
          canvas.width = Math.floor(viewport.width);
          canvas.height = Math.floor(viewport.height);
          canvas.className = 'document__page';
          canvas.setAttribute('role', 'img');
          canvas.setAttribute('aria-label', `${title}, page ${number} of ${pdf.numPages}`);
          element?.append(canvas);
          await page.render({ canvas, viewport }).promise;
        }
      } catch {
        if (!stopped()) setFailed(true);
      }
    })();
    return () => {
      run.cancelled = true;
      element?.replaceChildren();
    };
  }, [bytes, title]);
  return (
    <>
      {failed && (
        <p className="inset inset--warning" role="alert">
          This PDF could not be drawn here.
        </p>
      )}
      {pages !== undefined && (
        <p className="document__pages">
          {pages} page{pages === 1 ? '' : 's'}
        </p>
      )}
      <div ref={holder} className="document__pdf" />
    </>
  );
}
