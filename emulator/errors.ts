/**
 * Calendly-shaped errors: `{title, message, details?}` with the titles of API.md's error table.
 *
 * Handlers throw an `ApiError` (or return `errorResponse(...)`); the server turns it into a JSON
 * answer. Messages are Calendly's typical texts so clients see what they will see in production;
 * details name the offending parameter and say how to fix it.
 */

export interface ErrorDetail {
  parameter?: string;
  message: string;
  code?: string;
}

export interface ErrorBody {
  title: string;
  message: string;
  details?: ErrorDetail[];
  /** Only on `Insufficient scope`: the OAuth scopes the call needs and the token lacks. */
  required_scopes?: string[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    // The details make the message actionable for in-process callers (the control API's twin).
    const details = (body.details ?? []).map((d) =>
      d.parameter ? `${d.parameter}: ${d.message}` : d.message,
    );
    super(`${status} ${body.title}: ${body.message}${details.length > 0 ? ` (${details.join("; ")})` : ""}`);
    this.name = "ApiError";
  }
}

export const MESSAGES = {
  invalidArgument: "The supplied parameters are invalid.",
  tokenInvalid: "The access token is invalid",
  tokenExpired: "The access token expired",
  tokenRevoked: "The access token was revoked",
  noPermission: "You do not have permission",
  noPermissionResource: "You do not have permission to access this resource.",
  upgrade: "Please upgrade to a paid Calendly account.",
  notFound: "The server could not find the requested resource.",
  alreadyExists: "Hook with this url already exists",
  internal: "The server encountered an unexpected condition that prevented it from fulfilling the request.",
  rateLimited: "Rate limit exceeded. Retry after the number of seconds in X-RateLimit-Reset.",
} as const;

export function invalidArgument(details: ErrorDetail[]): ApiError {
  return new ApiError(400, { title: "Invalid Argument", message: MESSAGES.invalidArgument, details });
}

export function unauthenticated(message: string = MESSAGES.tokenInvalid): ApiError {
  return new ApiError(401, { title: "Unauthenticated", message });
}

export function permissionDenied(message: string = MESSAGES.noPermissionResource): ApiError {
  return new ApiError(403, { title: "Permission Denied", message });
}

export function insufficientScope(requiredScopes: string[]): ApiError {
  return new ApiError(403, {
    title: "Insufficient scope",
    message: `This token lacks the OAuth scopes this call needs: ${requiredScopes.join(", ")}.`,
    required_scopes: requiredScopes,
  });
}

export function notFound(): ApiError {
  return new ApiError(404, { title: "Resource Not Found", message: MESSAGES.notFound });
}

export function alreadyExists(): ApiError {
  return new ApiError(409, { title: "Already Exists", message: MESSAGES.alreadyExists });
}

/** API.md leaves the 429 title open; this is the emulator's choice. */
export function tooManyRequests(): ApiError {
  return new ApiError(429, { title: "Too Many Requests", message: MESSAGES.rateLimited });
}

/** API.md: 500 and 503 both carry `Internal Server Error`. */
export function internalError(status: 500 | 503 = 500): ApiError {
  return new ApiError(status, { title: "Internal Server Error", message: MESSAGES.internal });
}
