/**
 * Whether a name is an IANA time zone this runtime knows (e.g. Europe/Berlin). The one definition:
 * contracts, mappings, the policy, scenarios and the demo operation all use it. Intl also accepts
 * offsets such as "+01:00"; those are refused, since calendars and local times need a named zone
 * with its DST rules.
 */
export function isIanaTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
