import { readFileSync } from 'node:fs';

/** The directories Go's time package reads zone files from on Unix (platformZoneSources). */
const ZONE_DIRS = ['/usr/share/zoneinfo/', '/usr/share/lib/zoneinfo/', '/usr/lib/locale/TZ/', '/etc/zoneinfo/'];

/**
 * systemZoneinfo reads the TZif data of an IANA zone name from the system's tzdata, as Go's LoadLocation does;
 * undefined when no directory has it. The engine takes zone data through a function so tests and callers can
 * supply their own.
 */
export function systemZoneinfo(name: string): Uint8Array | undefined {
  for (const dir of ZONE_DIRS) {
    try {
      return readFileSync(dir + name);
    } catch {
      // try the next directory
    }
  }
  return undefined;
}
