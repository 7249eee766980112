/** @module Everything the HTTP layer is given by the composition root (src/app.ts). Routes hold no business rules. */
import type { Sessions } from '../access/sessions.ts';
import type { User } from '../access/user.ts';
import type { UserAccounts } from '../access/user-accounts.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Config } from '../config/config-schema.ts';
import type { Permissions } from '../consent/permissions.ts';
import type { PatientFinder } from '../identity/patient-finder.ts';
import type { RecordViews } from '../record/record-view.ts';
import type { SourceHealth } from '../sources/resilience/with-resilience.ts';

export interface ServerServices {
  readonly config: Config;
  readonly accounts: UserAccounts;
  readonly sessions: Sessions;
  readonly permissions: Permissions;
  readonly audit: AuditLog;
  readonly patients: PatientFinder;
  readonly recordViews: RecordViews;
  readonly mayViewRecords: (user: User) => boolean;
  readonly now: () => Date;
  readonly cookie: { readonly name: string; readonly secure: boolean };
  /** The built web UI (index.html and assets), when present. */
  readonly webRoot: string | undefined;
  /** Readiness: the database answers. */
  readonly checkDatabase: () => Promise<void>;
  /** Each source's breaker, bulkhead and recent calls (status page, /metrics). */
  readonly sourceHealth?: (() => readonly SourceHealth[]) | undefined;
}
