/** A Kubernetes `Status` object as returned in error responses. */
export interface Status {
  kind?: string;
  apiVersion?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: Record<string, unknown>;
}

/**
 * An error answer of the API server. `status` is the HTTP status, `reason` the Status reason
 * (NotFound, AlreadyExists, Conflict, Gone, Expired, Forbidden, Unauthorized, Invalid, TooManyRequests, ...).
 * The message names the verb and the URL path, then the server's own message.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly reason: string;
  readonly body: Status | undefined;
  readonly verb: string;
  readonly path: string;

  constructor(status: number, reason: string, body: Status | undefined, verb: string, path: string) {
    super(`${verb} ${path}: ${status} ${reason}: ${body?.message ?? '(no message)'}`);
    this.status = status;
    this.reason = reason;
    this.body = body;
    this.verb = verb;
    this.path = path;
    this.name = errorClassName(status, reason);
  }
}

export class NotFoundError extends ApiError {}
export class AlreadyExistsError extends ApiError {}
export class ConflictError extends ApiError {}
export class GoneError extends ApiError {}
export class ForbiddenError extends ApiError {}
export class UnauthorizedError extends ApiError {}
export class InvalidError extends ApiError {}
export class TooManyRequestsError extends ApiError {}

function errorClassName(status: number, reason: string): string {
  if (status === 404) return 'NotFoundError';
  if (status === 409) return reason === 'AlreadyExists' ? 'AlreadyExistsError' : 'ConflictError';
  if (status === 410) return 'GoneError';
  if (status === 403) return 'ForbiddenError';
  if (status === 401) return 'UnauthorizedError';
  if (status === 422) return 'InvalidError';
  if (status === 429) return 'TooManyRequestsError';
  return 'ApiError';
}

const defaultReasons: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** Builds the typed error for an HTTP error answer (body parsed as Status when it is one). */
export function apiErrorFrom(status: number, rawBody: string, verb: string, path: string): ApiError {
  let body: Status | undefined;
  try {
    const parsed = JSON.parse(rawBody) as Status;
    if (parsed && typeof parsed === 'object') body = parsed;
  } catch {
    body = rawBody.trim() ? { message: rawBody.trim() } : undefined;
  }
  const reason = body?.reason || defaultReasons[status] || 'Unknown';
  const args = [status, reason, body, verb, path] as const;
  switch (errorClassName(status, reason)) {
    case 'NotFoundError':
      return new NotFoundError(...args);
    case 'AlreadyExistsError':
      return new AlreadyExistsError(...args);
    case 'ConflictError':
      return new ConflictError(...args);
    case 'GoneError':
      return new GoneError(...args);
    case 'ForbiddenError':
      return new ForbiddenError(...args);
    case 'UnauthorizedError':
      return new UnauthorizedError(...args);
    case 'InvalidError':
      return new InvalidError(...args);
    case 'TooManyRequestsError':
      return new TooManyRequestsError(...args);
    default:
      return new ApiError(...args);
  }
}

export const isNotFound = (e: unknown): e is ApiError => e instanceof ApiError && e.status === 404;
export const isAlreadyExists = (e: unknown): e is ApiError =>
  e instanceof ApiError && e.status === 409 && e.reason === 'AlreadyExists';
export const isConflict = (e: unknown): e is ApiError =>
  e instanceof ApiError && e.status === 409 && e.reason !== 'AlreadyExists';
/** 410 Gone, or a watch ERROR event whose Status says Expired/Gone (too old resourceVersion). */
export const isGone = (e: unknown): e is ApiError =>
  e instanceof ApiError && (e.status === 410 || e.reason === 'Expired' || e.reason === 'Gone');
export const isForbidden = (e: unknown): e is ApiError => e instanceof ApiError && e.status === 403;
export const isUnauthorized = (e: unknown): e is ApiError => e instanceof ApiError && e.status === 401;
export const isInvalid = (e: unknown): e is ApiError => e instanceof ApiError && e.status === 422;
export const isTooManyRequests = (e: unknown): e is ApiError => e instanceof ApiError && e.status === 429;
