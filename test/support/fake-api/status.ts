import { qualifiedName, type ResourceType } from './kinds.ts';

/** metav1.StatusDetails, as far as the fake fills it in. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  /** With a 429 (or a 5xx), how long the client should wait; the Retry-After header says the same. */
  retryAfterSeconds?: number;
}

/** metav1.Status for a failed request, field order as the API server writes it. */
export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

/** A failure that becomes an HTTP status plus a Status body. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  /** The body the API server sends with this error. */
  toStatus(): StatusBody {
    return {
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: this.message, reason: this.reason,
      ...(this.details ? { details: this.details } : {}), code: this.code,
    };
  }
}

/** Reason and generic message the API server uses for a bare status code (what failNext answers with). */
const GENERIC: Readonly<Record<number, readonly [reason: string, message: string]>> = {
  400: ['BadRequest', 'the server rejected our request for an unknown reason'],
  401: ['Unauthorized', 'Unauthorized'],
  403: ['Forbidden', 'forbidden'],
  404: ['NotFound', 'the server could not find the requested resource'],
  405: ['MethodNotAllowed', 'the server does not allow this method on the requested resource'],
  409: ['Conflict', 'the server reported a conflict'],
  410: ['Expired', 'the resource has expired'],
  415: ['UnsupportedMediaType', 'the server does not support the media type'],
  422: ['Invalid', 'the server rejected our request due to an error in our request'],
  429: ['TooManyRequests', 'Too many requests, please try again later.'],
  500: ['InternalError', 'an error on the server ("injected failure") has prevented the request from succeeding'],
  503: ['ServiceUnavailable', 'the server is currently unable to handle the request'],
  504: ['Timeout', 'the server was unable to return a response in the time allotted, but may still be processing the request'],
};

/** The Status the API server would send for `code` with nothing more specific to say; `retryAfterSeconds` goes in its details. */
export function genericError(code: number, retryAfterSeconds?: number): ApiError {
  const [reason, message] = GENERIC[code] ?? ['Unknown', `the server responded with the status code ${code}`];
  const details = retryAfterSeconds !== undefined ? { retryAfterSeconds } : code === 404 || code === 405 ? {} : undefined;
  return new ApiError(code, reason, message, details);
}

function objectDetails(r: ResourceType, name?: string): StatusDetails {
  return { ...(name !== undefined ? { name } : {}), ...(r.group ? { group: r.group } : {}), kind: r.plural };
}

/** A missing or wrong bearer token. */
export function unauthorized(): ApiError {
  return genericError(401);
}

/** A malformed request: selectors, query parameters, bodies. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

/** A named object that does not exist. */
export function notFound(r: ResourceType, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedName(r)} "${name}" not found`, objectDetails(r, name));
}

/** RBAC's denial, worded as the real authorizer words it. */
export function forbidden(r: ResourceType, a: { user: string; verb: string; resource: string; namespace?: string; name?: string }): ApiError {
  const target = a.name !== undefined ? `${qualifiedName(r)} "${a.name}"` : qualifiedName(r);
  const scope = a.namespace !== undefined ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return new ApiError(403, 'Forbidden',
    `${target} is forbidden: User "${a.user}" cannot ${a.verb} resource "${a.resource}" in API group "${r.group}" ${scope}`,
    objectDetails(r, a.name));
}

/** A write based on a stale resourceVersion. */
export function conflict(r: ResourceType, name: string): ApiError {
  return new ApiError(409, 'Conflict',
    `Operation cannot be fulfilled on ${qualifiedName(r)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    objectDetails(r, name));
}

/** A well-formed request that cannot be applied, such as a failed json patch `test`. */
export function invalid(message: string): ApiError {
  return new ApiError(422, 'Invalid', message);
}

/** A PATCH with a content type that is not a patch format. */
export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got ${JSON.stringify(contentType)})`);
}

/** What a watch resuming before the compaction point gets, as the only event. */
export function tooOldResourceVersion(requested: number, compacted: number): ApiError {
  return new ApiError(410, 'Expired', `too old resource version: ${requested} (${compacted})`);
}

/** A continue token from before a compaction: the snapshot it pointed into is gone. */
export function expiredContinue(): ApiError {
  return new ApiError(410, 'Expired',
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');
}
