/** @module A page's refusal or failure, said plainly: a 403 names the role, anything else the server's words. */
import type { ApiError } from '../api-client.ts';
import { ErrorMessage } from './error-message.tsx';

export interface RefusalMessageProps {
  readonly error: ApiError | undefined;
  /** What was being done, for the 403 sentence: "search the audit trail". */
  readonly doing: string;
}

/** Nothing when there is no error. */
export function RefusalMessage({ error, doing }: RefusalMessageProps) {
  if (error === undefined) return null;
  if (error.status === 403) {
    return (
      <div className="panel panel--warning" role="alert">
        <h2>Not available to your role</h2>
        <p>
          Your role does not allow you to {doing}. If you need to, ask your privacy officer or
          system administrator.
        </p>
      </div>
    );
  }
  return <ErrorMessage message={error.message} />;
}
