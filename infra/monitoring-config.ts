/**
 * The configuration of the watchdog and the alarms: its keys' defaults (declared in Pulumi.yaml
 * too) and their rules. Pure, like config-rules.ts, which calls `validateMonitoring`.
 */

/** The defaults declared in Pulumi.yaml for the monitoring keys. */
export const MONITORING_DEFAULTS = {
  watchdog: true,
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
} as const;

export type MonitoringKey = keyof typeof MONITORING_DEFAULTS;

/** The monitoring keys that hold whole numbers (read with `pulumi.Config.getNumber`). */
export const MONITORING_WHOLE_NUMBERS = [
  "watchdogRetryingWindowHours",
  "watchdogFailedChecks",
  "alarmPeriodMinutes",
  "alarmReceiverFailures",
  "alarmSignatureFailures",
  "alarmSignatureFailurePeriods",
  "alarmLambdaErrors",
  "alarmLambdaThrottles",
] as const satisfies readonly MonitoringKey[];

/** The watchdog, its schedule and the alarms, as validated. Absent when monitoring is off. */
export interface MonitoringConfig {
  /** An EventBridge rate expression, e.g. `rate(5 minutes)`. */
  schedule: string;
  /** The schedule's interval: the period of the watchdog's alarms. */
  intervalMinutes: number;
  retryingWindowHours: number;
  /** Consecutive passes with a failed (or no) check before the check alarm fires. */
  failedChecks: number;
  /** Subscribe this address to the stack's topic. */
  email?: string;
  /** Notify this existing topic instead of creating one. */
  topicArn?: string;
  /** Period of the receiver's alarms. */
  periodMinutes: number;
  receiverFailures: number;
  signatureFailures: number;
  signatureFailurePeriods: number;
  lambdaErrors: number;
  lambdaThrottles: number;
}

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
 * Checks the monitoring keys; `configured` returns a key's value or its default. Returns the
 * configuration, or `undefined` when monitoring is off (`watchdog: false`, or `endpointUrl`).
 */
export function validateMonitoring(
  configured: (key: MonitoringKey) => unknown,
  problem: (key: MonitoringKey, message: string) => void,
  endpointMode: boolean,
): MonitoringConfig | undefined {
  const whole = (key: MonitoringKey, min: number, max: number, what: string): number => {
    const value = configured(key);
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      problem(key, `must be a whole number from ${min} to ${max} (${what})`);
      return Number.NaN;
    }
    return value;
  };

  const enabled = configured("watchdog");
  if (typeof enabled !== "boolean") problem("watchdog", "must be true or false");

  const email = configured("alarmEmail");
  const topicArn = configured("alarmTopicArn");
  if (typeof email !== "string" || (email !== "" && !EMAIL.test(email))) {
    problem("alarmEmail", "must be an email address, e.g. oncall@example.com (or empty for none)");
  }
  if (typeof topicArn !== "string" || (topicArn !== "" && !TOPIC_ARN.test(topicArn))) {
    problem(
      "alarmTopicArn",
      "must be an SNS topic ARN, arn:aws:sns:<region>:<account>:<name> (or empty to create one)",
    );
  } else if (topicArn.endsWith(".fifo")) {
    problem("alarmTopicArn", "is a FIFO topic, which CloudWatch alarms cannot notify; use a standard topic");
  }
  if (email && topicArn) {
    problem(
      "alarmEmail",
      "is set together with alarmTopicArn: alarms notify that existing topic, not one the stack creates; subscribe the address to it there, and unset alarmEmail",
    );
  }
  const off = enabled === false || endpointMode;
  if (off && (email || topicArn)) {
    problem(
      email ? "alarmEmail" : "alarmTopicArn",
      `has no effect: ${endpointMode ? "endpointUrl mode deploys no watchdog or alarms" : "watchdog is false"}; unset it`,
    );
  }

  const schedule = configured("watchdogSchedule");
  let intervalMinutes = Number.NaN;
  if (typeof schedule !== "string")
    problem("watchdogSchedule", 'must be a rate expression such as "rate(5 minutes)"');
  else {
    const minutes = scheduleMinutes(schedule);
    if (typeof minutes === "string") problem("watchdogSchedule", minutes);
    else intervalMinutes = minutes;
  }
  const failedChecks = whole(
    "watchdogFailedChecks",
    1,
    10,
    "consecutive passes with a failed or missing check",
  );
  if (intervalMinutes * failedChecks > MAX_EVALUATION_MINUTES) {
    problem(
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
    problem(
      "alarmSignatureFailurePeriods",
      "times alarmPeriodMinutes is more than a day, the longest CloudWatch evaluates",
    );
  }
  const lambdaErrors = whole("alarmLambdaErrors", 1, 100_000, "Lambda errors per period");
  const lambdaThrottles = whole("alarmLambdaThrottles", 1, 100_000, "Lambda throttles per period");

  if (off) return undefined;
  return {
    schedule: String(schedule).trim(),
    intervalMinutes,
    retryingWindowHours,
    failedChecks,
    ...(email ? { email: email as string } : {}),
    ...(topicArn ? { topicArn: topicArn as string } : {}),
    periodMinutes,
    receiverFailures,
    signatureFailures,
    signatureFailurePeriods,
    lambdaErrors,
    lambdaThrottles,
  };
}
