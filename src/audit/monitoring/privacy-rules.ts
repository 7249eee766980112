/**
 * @module The privacy-monitoring rules over audit entries: emergency access, a user viewing their
 * own record, views outside working hours, a spike of views by one user, and views of restricted
 * patients. Pure evaluation; the only state is each user's recent views (for the spike rule).
 */
import type { MonitoringConfig } from '../../config/config-schema.ts';
import type { AuditEntry } from '../audit-event.ts';
import type { StaffDirectory } from './staff-directory.ts';
import { checkTimeZone, outsideWorkingHours, type WorkingHours } from './working-hours.ts';

/** Every rule that raises privacy alerts. */
export const PRIVACY_RULES = [
  'emergency-access',
  'same-surname',
  'shared-address',
  'own-record',
  'out-of-hours',
  'view-spike',
  'restricted-patient',
] as const;
/** One privacy-monitoring rule. */
export type PrivacyRule = (typeof PRIVACY_RULES)[number];

/** An alert a rule raised, before it is in the review queue. Ids, codes and times only. */
export interface RaisedAlert {
  readonly rule: PrivacyRule;
  /** The audit entry that triggered it. */
  readonly seq: number;
  readonly userId: string;
  readonly nhsNumber?: string | undefined;
  /** When the triggering action happened (the audit event's time). */
  readonly occurredAt: string;
  /** Why it fired, from codes, counts and times only. */
  readonly detail: string;
}

/** The monitoring configuration with every default applied (see config-schema.ts `monitoring`). */
export type MonitoringSettings = MonitoringConfig;

/** Which action counts as one record view: the start entry, written for every view that passed consent. */
const VIEW_ACTION = 'record-view-started';

/**
 * Checks what the schema cannot (time zones known to this Node.js); throws naming the key.
 */
export function checkMonitoringSettings(settings: MonitoringSettings): void {
  const hours = settings.rules.outOfHours;
  checkTimeZone(hours.timeZone, 'monitoring.rules.outOfHours.timeZone');
  for (const [ods, override] of Object.entries(hours.organisations)) {
    if (override.timeZone !== undefined) {
      checkTimeZone(override.timeZone, `monitoring.rules.outOfHours.organisations.${ods}.timeZone`);
    }
  }
}

/** The working hours of an organisation: its own settings over the defaults. */
export function workingHoursFor(settings: MonitoringSettings, organisation: string): WorkingHours {
  const rule = settings.rules.outOfHours;
  const own = Object.hasOwn(rule.organisations, organisation)
    ? rule.organisations[organisation]
    : undefined;
  return {
    start: own?.start ?? rule.start,
    end: own?.end ?? rule.end,
    timeZone: own?.timeZone ?? rule.timeZone,
    weekends: own?.weekends ?? rule.weekends,
  };
}

/** Evaluates audit entries in sequence order, remembering recent views for the spike rule. */
export interface EntryRules {
  /** The alerts one entry raises. Entries must be given in sequence order. */
  evaluate(seq: number, entry: AuditEntry): RaisedAlert[];
  /** Replays a view seen before a restart into the spike window, raising nothing. */
  rememberView(userId: string, nhsNumber: string, time: string): void;
  /** A spike alert raised before a restart: no second one for that user within the window. */
  rememberSpikeAlert(userId: string, occurredAt: string): void;
  /** How many (user, patient) views the spike window holds now: bounded by patients, not views. */
  rememberedViews(): number;
  /** Forgets every remembered view and alert. */
  reset(): void;
}

/** Creates the entry rules for the settings and staff directory. */
export function createEntryRules(
  settings: MonitoringSettings,
  directory: StaffDirectory,
): EntryRules {
  const { rules } = settings;
  const windowMs = rules.viewSpike.minutes * 60_000;
  // Per user, each patient viewed within the window once, with the time of the newest view, oldest
  // first (a Map keeps insertion order: a patient viewed again moves to the end). What is held is
  // bounded by the different patients a user views in one window, not by the views: a clinician
  // opening the same few records all day holds a few entries.
  const recent = new Map<string, Map<string, number>>();
  const lastSpikeAlert = new Map<string, number>();

  /** Adds a view and returns how many different patients the user viewed within the window. */
  function addView(userId: string, nhsNumber: string, at: number): number {
    let patients = recent.get(userId);
    if (patients === undefined) {
      patients = new Map();
      recent.set(userId, patients);
    }
    const newest = Math.max(at, patients.get(nhsNumber) ?? -Infinity);
    patients.delete(nhsNumber);
    patients.set(nhsNumber, newest);
    // Views come in time order (to within the instances' clocks), so the stale ones are in front.
    for (const [patient, seen] of patients) {
      if (seen > at - windowMs) break;
      patients.delete(patient);
    }
    return patients.size;
  }

  return {
    evaluate(seq, entry) {
      const { event } = entry;
      const alerts: RaisedAlert[] = [];
      const raise = (rule: PrivacyRule, userId: string, nhsNumber: string, detail: string) => {
        alerts.push({ rule, seq, userId, nhsNumber, occurredAt: event.time, detail });
      };

      if (event.action === 'emergency-access' && rules.emergencyAccess.enabled) {
        raise(
          'emergency-access',
          event.actor.userId,
          event.nhsNumber,
          event.reasonCode === undefined
            ? 'emergency access'
            : `emergency access (${event.reasonCode})`,
        );
      }

      if (event.action === 'record-view-completed' && event.patientRestricted === true) {
        if (rules.restrictedPatient.enabled) {
          raise(
            'restricted-patient',
            event.actor.userId,
            event.nhsNumber,
            'viewed a patient with the restricted (R) label',
          );
        }
      }

      if (event.action !== VIEW_ACTION) return alerts;
      const { actor, nhsNumber } = event;

      if (rules.ownRecord.enabled && directory.lookup(actor.username)?.nhsNumber === nhsNumber) {
        raise('own-record', actor.userId, nhsNumber, 'viewed their own record');
      }

      const at = new Date(event.time);
      if (rules.outOfHours.enabled) {
        const outside = outsideWorkingHours(at, workingHoursFor(settings, actor.organisation));
        if (outside !== undefined) {
          raise('out-of-hours', actor.userId, nhsNumber, `viewed at ${outside.detail}`);
        }
      }

      if (rules.viewSpike.enabled) {
        const patients = addView(actor.userId, nhsNumber, at.getTime());
        const last = lastSpikeAlert.get(actor.userId);
        const quiet = last === undefined || at.getTime() - last >= windowMs;
        if (patients > rules.viewSpike.patients && quiet) {
          lastSpikeAlert.set(actor.userId, at.getTime());
          raise(
            'view-spike',
            actor.userId,
            nhsNumber,
            `${patients} different patients within ${rules.viewSpike.minutes} minutes`,
          );
        }
      }
      return alerts;
    },

    rememberView(userId, nhsNumber, time) {
      addView(userId, nhsNumber, new Date(time).getTime());
    },

    rememberSpikeAlert(userId, occurredAt) {
      const at = new Date(occurredAt).getTime();
      if (at > (lastSpikeAlert.get(userId) ?? -Infinity)) lastSpikeAlert.set(userId, at);
    },

    rememberedViews() {
      let held = 0;
      for (const patients of recent.values()) held += patients.size;
      return held;
    },

    reset() {
      recent.clear();
      lastSpikeAlert.clear();
    },
  };
}

/** The action the spike rule counts, for reading recent views back from the trail. */
export const COUNTED_VIEW_ACTION = VIEW_ACTION;
