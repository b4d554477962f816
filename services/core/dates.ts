import { DateTime } from 'luxon';
import type { Clock } from './clock';

/** Today's calendar date (ISO) where the organisation is, not where the server is. */
export function today(clock: Clock, timeZone: string): string {
  return DateTime.fromJSDate(clock.now(), { zone: timeZone }).toISODate()!;
}

/** The calendar date an instant falls on in a time zone. */
export function localDate(instant: string, timeZone: string): string {
  return DateTime.fromISO(instant, { zone: 'utc' }).setZone(timeZone).toISODate()!;
}

export function formatDate(iso: string): string {
  return DateTime.fromISO(iso).toFormat('d LLL yyyy');
}

export function formatInstant(at: string | Date, timeZone: string): string {
  const dt = typeof at === 'string' ? DateTime.fromISO(at) : DateTime.fromJSDate(at);
  return dt.setZone(timeZone).toFormat("d LLL yyyy 'at' HH:mm");
}
