/**
 * One rule for every URL that carries something worth protecting: https, or plain http to a
 * loopback host (the emulator, a local receiver), nothing else. It guards the callback URL a
 * subscription delivers signed events to and the API URL the Calendly token is sent to
 * (`calendly:apiUrl`, `CALENDLY_API_URL`, the CLI's `--api-url`): over plain http to another host,
 * anyone on the path could read the token, or the deliveries.
 */

const LOOPBACK_HOSTS = ["localhost", "[::1]", "::1"];

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.includes(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** What a message says about the URL being checked. */
export interface SecureUrlSubject {
  /** How the value is named: `calendly:apiUrl`, `url`, `--api-url`. */
  name: string;
  /** A valid value to show, e.g. `https://api.calendly.com`. */
  example: string;
  /** Why plain http to another host is refused, e.g. "it would send the Calendly token in clear". */
  whyHttps: string;
}

/** Why `value` is not an https URL (or http to a loopback host), or null when it is one. */
export function secureUrlProblem(value: string, subject: SecureUrlSubject): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${subject.name} "${value}" is not an absolute URL; give it with its scheme, e.g. ${subject.example}`;
  }
  if (value !== value.trim()) return `${subject.name} has leading or trailing spaces; remove them`;
  if (url.protocol === "https:") return null;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return null;
  if (url.protocol === "http:") {
    return (
      `${subject.name} "${value}" is plain http: ${subject.whyHttps}; use https://${url.host}${url.pathname} ` +
      "(plain http is accepted for loopback hosts only, e.g. the emulator's http://127.0.0.1:4010)"
    );
  }
  return `${subject.name} "${value}" is a ${url.protocol} URL; give an https:// URL, e.g. ${subject.example}`;
}

/** The API URL rule: `name` says where the value came from (`calendly:apiUrl`, `CALENDLY_API_URL`, `--api-url`). */
export function apiUrlProblem(value: string, name: string): string | null {
  return secureUrlProblem(value, {
    name,
    example: "https://api.calendly.com (or the emulator's http://127.0.0.1:4010)",
    whyHttps: "the Calendly token would travel in clear",
  });
}
