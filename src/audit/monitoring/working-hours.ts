/** @module Working hours per organisation, and whether a moment falls outside them in the organisation's time zone. */

/** An organisation's working day: local times `HH:MM` in an IANA time zone. */
export interface WorkingHours {
  readonly start: string;
  readonly end: string;
  readonly timeZone: string;
  /** Saturdays and Sundays are outside working hours. */
  readonly weekends: boolean;
}

/** Why a moment is outside working hours, or undefined when it is inside them. */
export interface OutsideHours {
  /** e.g. `Sat 10:15 Europe/London (weekend)`. */
  readonly detail: string;
}

const WEEKEND = new Set(['Sat', 'Sun']);
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Throws a RangeError naming the zone when it is not a time zone this Node.js knows. */
export function checkTimeZone(timeZone: string, where: string): void {
  try {
    formatterFor(timeZone);
  } catch (error) {
    throw new RangeError(`${where}: ${timeZone} is not a known time zone`, { cause: error });
  }
}

function minutesOf(time: string): number {
  const [hours = '0', minutes = '0'] = time.split(':');
  return Number(hours) * 60 + Number(minutes);
}

/** The local weekday (`Mon`…`Sun`) and `HH:MM` of a moment in a time zone. */
export function localTime(at: Date, timeZone: string): { weekday: string; time: string } {
  const parts = formatterFor(timeZone).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  return { weekday: part('weekday'), time: `${part('hour')}:${part('minute')}` };
}

/**
 * Whether `at` is outside the working hours. Hours whose end is before their start span midnight
 * (`19:00`–`08:00` is a night shift); equal start and end mean all day.
 */
export function outsideWorkingHours(at: Date, hours: WorkingHours): OutsideHours | undefined {
  const { weekday, time } = localTime(at, hours.timeZone);
  const where = `${weekday} ${time} ${hours.timeZone}`;
  if (hours.weekends && WEEKEND.has(weekday)) return { detail: `${where} (weekend)` };
  const minute = minutesOf(time);
  const start = minutesOf(hours.start);
  const end = minutesOf(hours.end);
  const inside =
    start === end
      ? true
      : start < end
        ? minute >= start && minute < end
        : minute >= start || minute < end;
  return inside ? undefined : { detail: `${where} (working hours ${hours.start}–${hours.end})` };
}
