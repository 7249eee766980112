/**
 * @module Ships audit entries to a SIEM as they are appended: syslog (RFC 5424) over TLS
 * (RFC 5425, octet-counting framing). Entries hold ids, counts and statuses only, never clinical
 * content. The trail in the database stays the record; the SIEM copy is for monitoring. Each
 * instance ships the entries it appended, in order, reconnecting with backoff; the queue is
 * bounded, and what overflows is counted and reported (the SIEM sees the gap in `seq`).
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { AppendedEntry, AuditRecord } from './audit-log.ts';

/** `audit.syslog` in the configuration. */
export interface SyslogSettings {
  /** `tls://host:port` (6514 is the registered port for syslog over TLS). */
  readonly url: string;
  /** CA certificate(s) (PEM) to trust for the receiver; the system's CAs when absent. */
  readonly caFile?: string | undefined;
  /** The HOSTNAME field; this machine's name when absent. */
  readonly hostname?: string | undefined;
  /** Entries held while the receiver is unreachable; beyond this the oldest are dropped, counted. */
  readonly maxQueue: number;
}

/** What the shipper needs: its settings, a reader of entries by place in the trail, a warning sink. */
export interface SyslogShipperDeps {
  readonly settings: SyslogSettings;
  readonly readEntries: (fromSeq: number, toSeq: number) => Promise<readonly AuditRecord[]>;
  readonly warn: (message: string, error?: unknown) => void;
  /** Extra TLS options (tests pass their own CA here instead of a file). */
  readonly tls?: ConnectionOptions | undefined;
}

/** Ships entries after they are committed. */
export interface SyslogShipper {
  /** Told of each committed append; never throws, never waits. */
  onAppended(appended: AppendedEntry): void;
  /** Sends what is queued (waiting at most `timeoutMs`), then closes the connection. */
  stop(timeoutMs?: number): Promise<void>;
}

/** RFC 5424 PRI for facility 13 (log audit) and severity 6 (informational). */
const PRI = 13 * 8 + 6;
const APP_NAME = 'my-care-record';
/** Our private enterprise number placeholder for the structured-data id (RFC 5424 §7.2.2). */
const SD_ID = 'mcr@32473';
const BOM = '\uFEFF';

/** Parses `tls://host:port`. Throws on anything else. */
export function parseSyslogUrl(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  if (parsed.protocol !== 'tls:' || parsed.hostname === '') {
    throw new Error(`audit.syslog.url must be tls://host:port (got ${parsed.protocol}//…)`);
  }
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port || 6514) };
}

/** One audit entry as an RFC 5424 message (without framing). */
export function formatSyslogMessage(record: AuditRecord, host: string, procId: string): string {
  const header = [
    `<${PRI}>1`,
    record.recordedAt,
    printable(host, 255),
    APP_NAME,
    printable(procId, 128),
    printable(record.entry.event.action, 32),
  ].join(' ');
  const data = `[${SD_ID} seq="${record.seq}" hash="${sdValue(record.hash)}" prevHash="${sdValue(record.prevHash)}"]`;
  return `${header} ${data} ${BOM}${JSON.stringify(record.entry)}`;
}

/** RFC 5425 §4.3 octet-counting: `MSG-LEN SP SYSLOG-MSG`, the length in bytes. */
export function frameSyslogMessage(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}

export function createSyslogShipper(deps: SyslogShipperDeps): SyslogShipper {
  const { host, port } = parseSyslogUrl(deps.settings.url);
  const ca = deps.settings.caFile === undefined ? undefined : readFileSync(deps.settings.caFile);
  const machine = deps.settings.hostname ?? hostname();
  const queue: number[] = [];
  let dropped = 0;
  let socket: TLSSocket | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let backoffMs = 250;

  function onAppended(appended: AppendedEntry): void {
    if (stopped) return;
    queue.push(appended.seq);
    if (queue.length > deps.settings.maxQueue) {
      queue.shift();
      dropped += 1;
    }
    kick();
  }

  /** Starts sending unless already sending; starts again if entries arrived as it finished. */
  function kick(): void {
    running ??= drain().finally(() => {
      running = undefined;
      if (queue.length > 0 && !stopped) kick();
    });
  }

  /** Sends queued entries in order until the queue is empty or the receiver fails. */
  async function drain(): Promise<void> {
    while (queue.length > 0) {
      if (dropped > 0) {
        deps.warn(`audit shipping to syslog dropped ${dropped} entries (queue full)`);
        dropped = 0;
      }
      const batch = queue.slice(0, 100);
      try {
        const open = socket ?? (await openSocket());
        const first = batch[0] ?? 0;
        const last = batch.at(-1) ?? first;
        const wanted = new Set(batch);
        const records = (await deps.readEntries(first, last)).filter((r) => wanted.has(r.seq));
        for (const record of records) {
          const frame = frameSyslogMessage(
            formatSyslogMessage(record, machine, String(process.pid)),
          );
          if (!open.write(frame)) await waitForDrain(open);
        }
        queue.splice(0, batch.length);
        backoffMs = 250;
      } catch (error) {
        socket?.destroy();
        socket = undefined;
        deps.warn('audit shipping to syslog failed; retrying', error);
        if (stopped) return;
        await new Promise((resolve) => setTimeout(resolve, backoffMs).unref());
        backoffMs = Math.min(backoffMs * 2, 30_000);
      }
    }
  }

  function openSocket(): Promise<TLSSocket> {
    return new Promise((resolve, reject) => {
      const opened = connect({
        host,
        port,
        // SNI carries names only (RFC 6066 §3); the certificate is still checked against an IP.
        ...(isIP(host) === 0 ? { servername: host } : {}),
        ...(ca === undefined ? {} : { ca }),
        ...deps.tls,
      });
      opened.setTimeout(10_000);
      opened.once('secureConnect', () => {
        opened.off('error', reject);
        opened.on('error', () => {
          if (socket === opened) socket = undefined;
        });
        opened.on('close', () => {
          if (socket === opened) socket = undefined;
        });
        socket = opened;
        resolve(opened);
      });
      opened.once('timeout', () => opened.destroy(new Error('syslog receiver timed out')));
      opened.once('error', reject);
    });
  }

  return {
    onAppended,
    async stop(timeoutMs = 5000) {
      const pending = running;
      if (pending !== undefined) {
        await Promise.race([
          pending,
          new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
        ]);
      }
      stopped = true;
      const open = socket;
      socket = undefined;
      if (open !== undefined) await new Promise<void>((resolve) => open.end(resolve));
    },
  };
}

function waitForDrain(socket: TLSSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('drain', resolve);
    socket.once('error', reject);
  });
}

/** RFC 5424 header fields are printable US-ASCII without spaces; '-' when empty. */
function printable(value: string, max: number): string {
  const cleaned = value.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return cleaned === '' ? '-' : cleaned;
}

/** RFC 5424 §6.3.3: `"`, `\` and `]` are escaped inside a PARAM-VALUE. */
function sdValue(value: string): string {
  return value.replace(/["\\\]]/g, (char) => `\\${char}`);
}
