// Public surface of engines/gotime: Go's time package as templates see it (Sprig's date functions, Helm's TOML).
export { DurationError, formatDuration, parseDuration, quoteTime } from './duration.ts';
export { format, parse, ParseError } from './format.ts';
export { fixedZone, Location, parseTzif, TzifError, UTC, type Zone } from './location.ts';
export { GoTime, monthName, weekdayName, zeroTime, ZERO_SEC } from './time.ts';
export { systemZoneinfo } from './zoneinfo-fs.ts';
