// A deployment's cron schedule, checked the way the API checks it, so that a schedule it would
// refuse fails `preview` with 0 requests: five fields (minute, hour, day of month, month, day of
// week), each a list of `*`, values or ranges with an optional `/step`, months and weekdays also
// by name; the time zone an IANA name this runtime knows.
import { quote } from "../kit/quote";

interface CronField {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS: readonly CronField[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] },
  // 0 and 7 are both Sunday.
  { name: "day of week", min: 0, max: 7, names: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] },
];

function valueOf(text: string, f: CronField): number | undefined {
  const named = f.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return f.name === "month" ? named + 1 : named;
  if (!/^\d+$/.test(text)) return undefined;
  return Number(text);
}

function fieldProblem(text: string, f: CronField): string | undefined {
  for (const item of text.split(",")) {
    const [range, step, ...extra] = item.split("/");
    if (extra.length > 0 || range === undefined || range === "") return `${f.name} ${quote(text)}: ${quote(item)} is not a value, a range or a step`;
    if (step !== undefined && (!/^\d+$/.test(step) || Number(step) < 1)) return `${f.name} ${quote(text)}: the step ${quote(step)} must be a whole number of at least 1`;
    if (range === "*") continue;
    const bounds = range.split("-");
    if (bounds.length > 2) return `${f.name} ${quote(text)}: ${quote(range)} is not a range`;
    const values = bounds.map((b) => valueOf(b, f));
    for (const [i, v] of values.entries()) {
      if (v === undefined) return `${f.name} ${quote(text)}: ${quote(bounds[i])} is not a number${f.names ? " or a name" : ""}`;
      if (v < f.min || v > f.max) return `${f.name} ${quote(text)}: ${quote(v)} is outside ${f.min}-${f.max}`;
    }
    if (values.length === 2 && values[0]! > values[1]!) return `${f.name} ${quote(text)}: the range ${quote(range)} runs backwards`;
  }
  return undefined;
}

/** What is wrong with a cron expression (empty when nothing is). */
export function cronProblems(expression: string): string[] {
  const parts = expression.trim().split(/\s+/).filter((p) => p !== "");
  if (parts.length !== FIELDS.length) {
    return [`a cron expression has 5 fields (minute hour day-of-month month day-of-week), ${quote(expression)} has ${parts.length}`];
  }
  return parts.flatMap((p, i) => {
    const problem = fieldProblem(p, FIELDS[i]!);
    return problem === undefined ? [] : [problem];
  });
}

/** Whether `timezone` is an IANA time zone name (as `Intl` knows them; "UTC" included). */
export function isTimeZone(timezone: string): boolean {
  // Offsets ("+01:00") pass Intl in recent runtimes, but a schedule takes a zone name.
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(timezone)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}
