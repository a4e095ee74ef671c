/** Whether a name is an IANA time zone this runtime knows (e.g. Europe/Berlin). */
export function isIanaTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
