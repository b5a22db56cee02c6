/**
 * The settings of a receiver's monitoring (`CalendlyWebhookReceiver.monitor`): the watchdog's
 * schedule and the alarms' thresholds, each optional with its default (`MONITORING_DEFAULTS`), and
 * their rules. Pure, like settings.ts, and for the same two callers: the component (problems name
 * `args.<setting>`) and the stack's configuration, whose keys have these names.
 */
import { type SettingKind, type SettingsCheck, wholeNumberSetting, withDefaults } from "./settings";

export interface MonitoringSettings {
  /** How often the watchdog runs: an EventBridge rate expression; its alarms evaluate over this interval. Default `rate(5 minutes)`. */
  watchdogSchedule?: string;
  /** A subscription counts as retrying while Calendly's `retry_started_at` is less than this many hours old. Default 24. */
  watchdogRetryingWindowHours?: number;
  /** Consecutive runs with a failed (or no) check before the check alarm fires. Default 2. */
  watchdogFailedChecks?: number;
  /** Subscribe this address to the alarm topic the receiver creates (AWS sends a confirmation first). Default: none. */
  alarmEmail?: string;
  /** Notify this existing (standard) SNS topic instead of creating one. Default: none, a topic is created. */
  alarmTopicArn?: string;
  /** Period of the receiver's alarms, in minutes. Default 5. */
  alarmPeriodMinutes?: number;
  /** Receiver 5xx answers per period that alarm. Default 1. */
  alarmReceiverFailures?: number;
  /** Signature mismatches per period that alarm... Default 5. */
  alarmSignatureFailures?: number;
  /** ...for this many periods in a row. Default 3. */
  alarmSignatureFailurePeriods?: number;
  /** Receiver Lambda errors per period that alarm. Default 1. */
  alarmLambdaErrors?: number;
  /** Receiver Lambda throttles per period that alarm. Default 1. */
  alarmLambdaThrottles?: number;
}

/** The settings as the monitoring uses them: defaults filled in, "" for no email and no topic. */
export type ResolvedMonitoringSettings = Readonly<Required<MonitoringSettings>> & {
  /** The schedule's interval: the period of the watchdog's alarms. */
  readonly intervalMinutes: number;
};

/** The defaults, for every setting left unset ("": none). */
export const MONITORING_DEFAULTS: Readonly<Required<MonitoringSettings>> = {
  watchdogSchedule: "rate(5 minutes)",
  watchdogRetryingWindowHours: 24,
  watchdogFailedChecks: 2,
  alarmEmail: "",
  alarmTopicArn: "",
  alarmPeriodMinutes: 5,
  alarmReceiverFailures: 1,
  alarmSignatureFailures: 5,
  alarmSignatureFailurePeriods: 3,
  alarmLambdaErrors: 1,
  alarmLambdaThrottles: 1,
};

/** How each setting is written in the stack's configuration. */
export const MONITORING_SETTING_KINDS: Readonly<Record<keyof MonitoringSettings, SettingKind>> = {
  watchdogSchedule: "string",
  watchdogRetryingWindowHours: "wholeNumber",
  watchdogFailedChecks: "wholeNumber",
  alarmEmail: "string",
  alarmTopicArn: "string",
  alarmPeriodMinutes: "wholeNumber",
  alarmReceiverFailures: "wholeNumber",
  alarmSignatureFailures: "wholeNumber",
  alarmSignatureFailurePeriods: "wholeNumber",
  alarmLambdaErrors: "wholeNumber",
  alarmLambdaThrottles: "wholeNumber",
};

/** `rate(N unit)` as EventBridge writes it: `minute`/`hour`/`day` for 1, plural otherwise. */
const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const MINUTES: Record<string, number> = { minute: 1, hour: 60, day: 1440 };
/** CloudWatch evaluates at most one day of periods for an alarm. */
const MAX_EVALUATION_MINUTES = 1440;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

/** The interval of a rate expression in minutes, or a problem. */
export function scheduleMinutes(expression: string): number | string {
  const match = RATE.exec(expression.trim());
  if (!match) {
    return expression.startsWith("cron(")
      ? "a cron expression has no fixed interval for the alarms to evaluate; use a rate expression such as rate(5 minutes)"
      : 'must be an EventBridge rate expression such as "rate(5 minutes)" or "rate(1 hour)"';
  }
  const count = Number(match[1]);
  const unit = match[2]!;
  if (count === 0) return "the interval must be at least one minute";
  if ((count === 1) !== !unit.endsWith("s")) {
    return `EventBridge writes "rate(1 ${unit.replace(/s$/, "")})" and "rate(${count} ${unit.replace(/s?$/, "s")})"; use that form`;
  }
  return count * MINUTES[unit.replace(/s$/, "")]!;
}

/**
 * Judges every monitoring setting (an unset one takes its default), reporting each problem under
 * its name. Returns the settings with the defaults filled in; meaningful only when no problem was
 * reported.
 */
export function checkMonitoringSettings(
  check: SettingsCheck<keyof MonitoringSettings>,
): ResolvedMonitoringSettings {
  const value = withDefaults<Record<keyof MonitoringSettings, unknown>>(MONITORING_DEFAULTS, check.given);
  const whole = (key: keyof MonitoringSettings, min: number, max: number, what: string) =>
    wholeNumberSetting(check, value[key], key, { min, max, fix: what });

  const email = value.alarmEmail;
  const topicArn = value.alarmTopicArn;
  if (typeof email !== "string" || (email !== "" && !EMAIL.test(email))) {
    check.problem("alarmEmail", "must be an email address, e.g. oncall@example.com (or empty for none)");
  }
  if (typeof topicArn !== "string" || (topicArn !== "" && !TOPIC_ARN.test(topicArn))) {
    check.problem(
      "alarmTopicArn",
      "must be an SNS topic ARN, arn:aws:sns:<region>:<account>:<name> (or empty to create one)",
    );
  } else if (topicArn.endsWith(".fifo")) {
    check.problem(
      "alarmTopicArn",
      "is a FIFO topic, which CloudWatch alarms cannot notify; use a standard topic",
    );
  }
  if (email && topicArn) {
    check.problem(
      "alarmEmail",
      "is set together with alarmTopicArn: alarms notify that existing topic, not one the stack creates; subscribe the address to it there, and unset alarmEmail",
    );
  }

  const schedule = value.watchdogSchedule;
  let intervalMinutes = Number.NaN;
  if (typeof schedule !== "string")
    check.problem("watchdogSchedule", 'must be a rate expression such as "rate(5 minutes)"');
  else {
    const minutes = scheduleMinutes(schedule);
    if (typeof minutes === "string") check.problem("watchdogSchedule", minutes);
    else intervalMinutes = minutes;
  }
  const failedChecks = whole(
    "watchdogFailedChecks",
    1,
    10,
    "consecutive passes with a failed or missing check",
  );
  if (intervalMinutes * failedChecks > MAX_EVALUATION_MINUTES) {
    check.problem(
      "watchdogSchedule",
      `${schedule} times watchdogFailedChecks (${failedChecks}) is more than a day, the longest CloudWatch evaluates; run the watchdog more often`,
    );
  }
  const retryingWindowHours = whole(
    "watchdogRetryingWindowHours",
    1,
    720,
    "how recent retry_started_at must be",
  );
  const periodMinutes = whole("alarmPeriodMinutes", 1, 60, "the period of the receiver's alarms");
  const receiverFailures = whole("alarmReceiverFailures", 1, 100_000, "5xx answers per period");
  const signatureFailures = whole("alarmSignatureFailures", 1, 100_000, "signature mismatches per period");
  const signatureFailurePeriods = whole("alarmSignatureFailurePeriods", 1, 24, "consecutive periods");
  if (periodMinutes * signatureFailurePeriods > MAX_EVALUATION_MINUTES) {
    check.problem(
      "alarmSignatureFailurePeriods",
      "times alarmPeriodMinutes is more than a day, the longest CloudWatch evaluates",
    );
  }
  const lambdaErrors = whole("alarmLambdaErrors", 1, 100_000, "Lambda errors per period");
  const lambdaThrottles = whole("alarmLambdaThrottles", 1, 100_000, "Lambda throttles per period");

  return {
    watchdogSchedule: String(schedule).trim(),
    intervalMinutes,
    watchdogRetryingWindowHours: retryingWindowHours,
    watchdogFailedChecks: failedChecks,
    alarmEmail: String(email),
    alarmTopicArn: String(topicArn),
    alarmPeriodMinutes: periodMinutes,
    alarmReceiverFailures: receiverFailures,
    alarmSignatureFailures: signatureFailures,
    alarmSignatureFailurePeriods: signatureFailurePeriods,
    alarmLambdaErrors: lambdaErrors,
    alarmLambdaThrottles: lambdaThrottles,
  };
}
