/**
 * @module One audit entry in full, with its inclusion proof checked in this browser against
 * the newest signed checkpoint. What is shown is read from the very bytes that were checked.
 */
import { useEffect, useRef, useState } from 'react';
import type { ApiClient, ApiError } from '../api-client.ts';
import {
  actionLabel,
  basisLabel,
  fieldLabel,
  nhsNumberText,
  outcomeLabel,
  readEvent,
} from '../audit-display.ts';
import { formatDateTime } from '../fhir-display.ts';
import type { EntryProof as EntryProofJson } from '../../api/audit.ts';
import { checkEntryProof, type ProofCheck } from '../proof-check.ts';
import { roleText } from '../role-text.ts';
import { RefusalMessage } from './refusal-message.tsx';
import { useFocusOnMount } from './use-focus-on-mount.ts';

export interface AuditEntryDetailProps {
  readonly api: ApiClient;
  readonly seq: number;
  /** Heading level: 2 on the audit page, 3 inside a review card. */
  readonly level?: 2 | 3;
  readonly onSessionEnded: () => void;
}

type State =
  | { readonly kind: 'loading' }
  | { readonly kind: 'error'; readonly error: ApiError }
  | { readonly kind: 'checked'; readonly proof: EntryProofJson; readonly check: ProofCheck };

function entryEvent(entry: string): unknown {
  try {
    return (JSON.parse(entry) as { event?: unknown }).event;
  } catch {
    return undefined;
  }
}

function SignatureLine({ check, proof }: { check: ProofCheck; proof: EntryProofJson }) {
  switch (check.signature) {
    case 'valid':
      return <>The checkpoint&rsquo;s Ed25519 signature is valid for key {check.keyId}.</>;
    case 'wrong-key':
      return (
        <>
          The public key sent is not key {check.keyId}, which signed the checkpoint: the signature
          could not be checked.
        </>
      );
    case 'bad-signature':
      return (
        <>
          The checkpoint&rsquo;s signature does not match: it was not signed by key {check.keyId}.
        </>
      );
    case 'unsupported':
      return (
        <>
          This browser cannot check Ed25519 signatures; the server reports that it{' '}
          {proof.verified ? 'verified' : 'could not verify'} the proof.
        </>
      );
  }
}

/** Loads the proof, checks it, and shows the entry. */
export function AuditEntryDetail({ api, seq, level = 2, onSessionEnded }: AuditEntryDetailProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [state, setState] = useState<State>({ kind: 'loading' });
  useFocusOnMount(heading, seq);

  useEffect(() => {
    let active = true;
    // Read through a function: the cleanup below changes it between awaits.
    const live = (): boolean => active;
    setState({ kind: 'loading' });
    void (async () => {
      const result = await api.getAuditProof(seq);
      if (!live()) return;
      if (!result.ok) {
        if (result.error.status === 401) onSessionEnded();
        setState({ kind: 'error', error: result.error });
        return;
      }
      const check = await checkEntryProof(result.value, seq);
      if (live()) setState({ kind: 'checked', proof: result.value, check });
    })();
    return () => {
      active = false;
    };
  }, [api, seq, onSessionEnded]);

  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <section className="entry-detail" aria-labelledby={`entry-${seq}-heading`}>
      <Heading id={`entry-${seq}-heading`} ref={heading} tabIndex={-1}>
        Audit entry {seq}
      </Heading>
      {state.kind === 'loading' && (
        <p role="status" className="loading">
          Fetching the entry&rsquo;s proof and checking it…
        </p>
      )}
      {state.kind === 'error' && (
        <RefusalMessage error={state.error} doing="see audit entries and their proofs" />
      )}
      {state.kind === 'checked' && <CheckedEntry proof={state.proof} check={state.check} />}
    </section>
  );
}

function CheckedEntry({ proof, check }: { proof: EntryProofJson; check: ProofCheck }) {
  const event = readEvent(entryEvent(proof.entry));
  const trusted =
    check.included && (check.signature === 'valid' || check.signature === 'unsupported');
  return (
    <>
      <div className={trusted ? 'proof proof--good' : 'proof proof--bad'} role="status">
        <p className="proof__verdict">
          {trusted
            ? `Verified against signed checkpoint ${check.treeSize}`
            : `Not verified: ${check.problem ?? 'the checkpoint’s signature does not check out'}`}
        </p>
        <p className="proof__how">
          {check.included
            ? `Checked in this browser: the entry hashes to its leaf, and its path of ${proof.proof.length} hashes leads to the root of the checkpoint over the first ${check.treeSize} entries, signed ${formatDateTime(proof.checkpoint.timestamp)}.`
            : 'Checked in this browser against the newest signed checkpoint. Run mcr audit verify on the server to find what changed.'}{' '}
          <SignatureLine check={check} proof={proof} />
        </p>
      </div>
      <dl className="facts">
        <div>
          <dt>Time</dt>
          <dd>
            <time dateTime={event.time}>{formatDateTime(event.time)}</time>
          </dd>
        </div>
        <div>
          <dt>Action</dt>
          <dd>{actionLabel(event.action)}</dd>
        </div>
        <div>
          <dt>Outcome</dt>
          <dd>{outcomeLabel(event.outcome)}</dd>
        </div>
        <div>
          <dt>User</dt>
          <dd>
            {event.actor === undefined
              ? 'Nobody signed in'
              : `${event.actor.name} (${event.actor.username})`}
          </dd>
        </div>
        {event.actor !== undefined && (
          <>
            <div>
              <dt>Role</dt>
              <dd>{roleText(event.actor.role)}</dd>
            </div>
            <div>
              <dt>Organisation</dt>
              <dd>{event.actor.organisation}</dd>
            </div>
          </>
        )}
        <div>
          <dt>Patient NHS number</dt>
          <dd>{nhsNumberText(event.nhsNumber)}</dd>
        </div>
        <div>
          <dt>Basis</dt>
          <dd>
            {basisLabel(event.basis)}
            {event.permissionId === undefined ? '' : ` (permission ${event.permissionId})`}
          </dd>
        </div>
        <div>
          <dt>Request</dt>
          <dd>
            <code>{event.requestId}</code>
          </dd>
        </div>
      </dl>
      {event.details.length > 0 && (
        <>
          <h3>Other recorded fields</h3>
          <dl className="facts facts--small">
            {event.details.map(([name, value]) => (
              <div key={name}>
                <dt>{fieldLabel(name)}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
      <details className="hashes">
        <summary>Hashes</summary>
        <dl className="facts facts--small">
          <div>
            <dt>Leaf hash</dt>
            <dd>
              <code>{proof.leafHash}</code>
            </dd>
          </div>
          <div>
            <dt>Checkpoint root</dt>
            <dd>
              <code>{proof.checkpoint.rootHash}</code>
            </dd>
          </div>
          {check.computedRoot !== undefined && check.computedRoot !== proof.checkpoint.rootHash && (
            <div>
              <dt>Root from the proof</dt>
              <dd>
                <code>{check.computedRoot}</code>
              </dd>
            </div>
          )}
          <div>
            <dt>Signing key</dt>
            <dd>
              <code>{proof.checkpoint.keyId}</code>
            </dd>
          </div>
        </dl>
      </details>
    </>
  );
}
