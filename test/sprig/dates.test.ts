// Differential test: Sprig's date functions (Go time layouts, zones from tzdata, durations) against Go + Sprig.
import { after, before, test } from 'node:test';

import { compareAll, type Case } from './harness.ts';
import { SprigRef } from './sprigref.ts';

let utc: SprigRef;
let ny: SprigRef;
before(async () => {
  [utc, ny] = await Promise.all([SprigRef.start('UTC'), SprigRef.start('America/New_York')]);
});
after(() => {
  utc.close();
  ny.close();
});

const layouts = [
  '2006-01-02 15:04:05.999999999 -0700 MST', 'Mon Jan _2 15:04:05 2006', 'Monday, 02-Jan-06 15:04:05 MST',
  '2006-01-02T15:04:05Z07:00', '2006-01-02T15:04:05.000Z0700', '3:4:5 PM pm', '03:04:05.999', '__2 002 _2',
  'January 2, 2006 Z07 -07 -07:00:00 Z070000', '06 1 2 15', 'Jan-Month', 'Mondays', '.000 ,999 .9 x.0000',
  '2006.01.02 Janu', 'Z07:00:00 -070000', '',
]; // prettier-ignore
const instants = [0, 1700000000, -1, 951782400, 1234567890, 2000000000, 4102444800, -2208988800];
const zones = [
  'UTC',
  'America/New_York',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Local',
  'Nowhere/Zone',
  '',
  'America/Sao_Paulo',
  'Pacific/Chatham',
];

test('sprig dates: formatting in zones', async () => {
  const cases: Case[] = [];
  for (const layout of layouts) {
    cases.push({
      tpl: '{{ range .t }}{{ dateInZone $.l . "Europe/Berlin" }}|{{ date $.l . }}|{{ end }}',
      data: { l: layout, t: instants },
    });
  }
  // Data numbers are float64, which Sprig reads as "now": convert to int first.
  for (const c of cases) c.tpl = c.tpl.replaceAll(' . ', ' (int64 .) ');
  for (const zone of zones) {
    cases.push({
      tpl: '{{ range .t }}{{ dateInZone "2006-01-02 15:04:05 MST -07:00" (int .) $.z }}|{{ htmlDateInZone (int .) $.z }}|{{ end }}',
      data: { z: zone, t: instants },
    });
  }
  cases.push({ tpl: '{{ htmlDate (int 1700000000) }}|{{ date "2006" (toDate "2006-01-02" "2024-02-29") }}', data: {} });
  await compareAll(utc, cases, { localZone: 'UTC' });
  await compareAll(ny, cases, { localZone: 'America/New_York' });
});

test('sprig dates: parsing, modifying, durations', async () => {
  const parses = [
    ['2006-01-02', '2024-02-29'],
    ['2006-01-02', '2023-02-29'],
    ['2006-01-02', '2024-13-01'],
    ['2006-01-02', 'x'],
    ['2006-01-02 15:04', '2024-01-02 25:00'],
    ['2006-01-02T15:04:05Z07:00', '2024-01-02T03:04:05+05:30'],
    ['2006-01-02T15:04:05Z07:00', '2024-01-02T03:04:05Z'],
    ['2006-01-02 MST', '2024-07-01 EDT'],
    ['2006-01-02 MST', '2024-07-01 XYZ'],
    ['Jan 2 2006', 'feb 3 2021'],
    ['02 Jan 06 15:04 -0700', '03 Mar 21 10:00 +0100'],
    ['2006-01-02', '2024-01-02 extra'],
    ['2006-002', '2024-060'],
    ['2006-002', '2023-366'],
    ['3:04PM', '11:30PM'],
    ['15:04:05.000', '10:11:12.345'],
    ['15:04:05', '10:11:12.5'],
    ['2006-01-02 15:04:05.999999999', '2024-01-02 03:04:05.123456789'],
    ['', ''],
    ['2006', ''],
    ['Monday 2006', 'Friday 2024'],
    ['2006-01-02 15:04 MST', '2024-01-02 10:00 GMT+3'],
    ['2006-01-02 -07', '2024-01-02 +25'],
    ['_2 Jan', ' 5 Feb'],
  ];
  const cases: Case[] = parses.map(([l, v]) => ({
    tpl: '{{ toDate .l .v }}|{{ (toDate .l .v).Unix }}|{{ mustToDate .l .v | date "2006-01-02T15:04:05.999999999Z07:00 MST" }}',
    data: { l, v },
  }));
  for (const d of [
    '1h',
    '-1.5h',
    '90m',
    '1h2m3.5s',
    '1us',
    '1µs',
    '300ms',
    '',
    '1',
    'x',
    '1x',
    '.5h',
    '1.h',
    '-',
    '+2h',
    '9223372036s',
    '2562047h',
    '0',
    '1e3s',
  ]) {
    cases.push({
      tpl: '{{ dateModify .d (toDate "2006-01-02" "2024-03-10") }}|{{ mustDateModify .d (toDate "2006-01-02" "2024-03-10") | unixEpoch }}',
      data: { d },
    });
  }
  for (const s of ['95', '0', '-61', '3600', '86400', 'x', '99999999999999999999', '1.5']) {
    cases.push({ tpl: '{{ duration .s }}|{{ duration (int64 .s) }}|{{ durationRound .s }}', data: { s } });
  }
  for (const s of ['1h', '2h3m', '400h', '10000h', '40s', '59s', '61s', '-3h', '1ms', 'x']) {
    cases.push({ tpl: '{{ durationRound .s }}', data: { s } });
  }
  cases.push(
    {
      tpl: '{{ duration 95 }}|{{ duration (int64 95) }}|{{ durationRound (int64 3600000000000) }}|{{ durationRound 5 }}',
      data: {},
    },
    {
      tpl: '{{ $t := toDate "2006-01-02 15:04:05" "2024-03-10 01:30:00" }}{{ $t.Year }} {{ $t.Month }} {{ $t.Day }} {{ $t.Weekday }} {{ $t.YearDay }} {{ $t.Hour }} {{ $t.UTC }} {{ ($t.Add 3600000000000) }} {{ $t.AddDate 0 1 -10 }} {{ $t.IsZero }} {{ (toDate "x" "y").IsZero }}',
      data: {},
    },
    {
      tpl: '{{ toJson (toDate "2006-01-02" "2024-01-02") }}|{{ unixEpoch (toDate "2006-01-02" "2024-01-02") }}|{{ typeOf (toDate "2006" "2024") }}|{{ kindOf (toDate "2006" "2024") }}',
      data: {},
    },
    {
      tpl: '{{ ((toDate "2006" "2025").Sub (toDate "2006" "2024")) }}|{{ (toDate "2006" "2025").After (toDate "2006" "2024") }}',
      data: {},
    },
  );
  await compareAll(utc, cases, { localZone: 'UTC' });
  await compareAll(ny, cases, { localZone: 'America/New_York' });
});
