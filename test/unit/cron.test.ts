// Cron expressions and time zones as the API checks them (a schedule it would refuse fails preview).
import { cronProblems, isTimeZone } from "../../provider/resources/cron";

describe("cronProblems", () => {
  it.each([
    "* * * * *",
    "0 3 * * *",
    "*/15 9-17 * * MON-FRI",
    "0 0 1,15 * *",
    "30 6 * JAN-MAR 0",
    "0 12 * * 7",
    "5-55/10 0-23/2 1-31 1-12 0-7",
    "  0   3 * * *  ",
  ])("accepts %j", (expression) => {
    expect(cronProblems(expression)).toEqual([]);
  });

  it.each([
    ["", 'a cron expression has 5 fields (minute hour day-of-month month day-of-week), "" has 0'],
    ["* * * *", 'a cron expression has 5 fields (minute hour day-of-month month day-of-week), "* * * *" has 4'],
    ["0 0 * * * *", 'a cron expression has 5 fields (minute hour day-of-month month day-of-week), "0 0 * * * *" has 6'],
    ["60 * * * *", 'minute "60": 60 is outside 0-59'],
    ["0 24 * * *", 'hour "24": 24 is outside 0-23'],
    ["0 0 0 * *", 'day of month "0": 0 is outside 1-31'],
    ["0 0 * 13 *", 'month "13": 13 is outside 1-12'],
    ["0 0 * * 8", 'day of week "8": 8 is outside 0-7'],
    ["0 0 * * MON-SUN", 'day of week "MON-SUN": the range "MON-SUN" runs backwards'],
    ["*/0 * * * *", 'minute "*/0": the step "0" must be a whole number of at least 1'],
    ["a * * * *", 'minute "a": "a" is not a number'],
    ["0 0 * FOO *", 'month "FOO": "FOO" is not a number or a name'],
    ["1,,2 * * * *", 'minute "1,,2": "" is not a value, a range or a step'],
    ["1-2-3 * * * *", 'minute "1-2-3": "1-2-3" is not a range'],
    ["0 0 L * *", 'day of month "L": "L" is not a number'],
  ])("refuses %j", (expression, problem) => {
    expect(cronProblems(expression)).toEqual([problem]);
  });
});

describe("isTimeZone", () => {
  it.each(["UTC", "Europe/Paris", "America/Argentina/Buenos_Aires", "Etc/GMT+5", "Asia/Kolkata"])("accepts %j", (tz) => {
    expect(isTimeZone(tz)).toBe(true);
  });
  it.each(["", "Mars/Olympus", "+01:00", " UTC", "Europe/Paris ", "utc/x"])("refuses %j", (tz) => {
    expect(isTimeZone(tz)).toBe(false);
  });
});
