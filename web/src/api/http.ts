// How the app talks to the API: the generated client (from the API's own OpenAPI
// document), the session cookie, X-CSRF-Token on unsafe methods, and errors as ApiError.
import { client } from '../client/client.gen';
import type { Problem } from '../client/types.gen';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly retryAfterSeconds: number | null = null,
    readonly problem: Partial<Problem> & Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'ApiError';
  }

  /** The service could not be reached or could not answer: the same request may be sent again. */
  get isTransient(): boolean {
    return this.status === 0 || this.status === 502 || this.status === 503 || this.status === 504;
  }
}

/** The CSRF token the API set at sign-in (`__Host-` prefixed over https). */
export function csrfToken(cookies: string = document.cookie): string {
  const found = new Map(
    cookies
      .split(';')
      .map((pair) => pair.trim().split('='))
      .filter((parts): parts is [string, string] => parts.length === 2)
      .map(([name, value]) => [name, decodeURIComponent(value)]),
  );
  return found.get('__Host-tutorcal_csrf') ?? found.get('tutorcal_csrf') ?? '';
}

async function isCsrfFailure(response: Response): Promise<boolean> {
  if (response.status !== 403) return false;
  try {
    const body = (await response.clone().json()) as { code?: string };
    return body.code === 'csrf_failed';
  } catch {
    return false;
  }
}

/** fetch with the CSRF header; a refusal for the token is tried once more with the token
 * read again, since signing in in another tab replaces it while this page is open. */
export async function fetchWithCsrf(
  request: Request,
  send: (request: Request) => Promise<Response> = (r) => fetch(r),
  token: () => string = () => csrfToken(),
): Promise<Response> {
  if (!UNSAFE.has(request.method)) return send(request);
  const again = request.clone();
  request.headers.set('X-CSRF-Token', token());
  const response = await send(request);
  if (!(await isCsrfFailure(response))) return response;
  again.headers.set('X-CSRF-Token', token());
  return send(again);
}

function retryAfter(
  response: Response | undefined,
  problem: Record<string, unknown>,
): number | null {
  const header = response?.headers.get('Retry-After');
  const seconds = header !== null && header !== undefined ? Number(header) : problem.retry_after;
  return typeof seconds === 'number' && Number.isFinite(seconds) ? Math.max(1, seconds) : null;
}

export function toApiError(error: unknown, response: Response | undefined): ApiError {
  if (error instanceof ApiError) return error;
  if (response === undefined) {
    return new ApiError(0, 'network', 'The service could not be reached.');
  }
  const problem =
    typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const code = typeof problem.code === 'string' ? problem.code : `http_${response.status}`;
  const detail = typeof problem.detail === 'string' ? problem.detail : response.statusText;
  return new ApiError(response.status, code, detail, retryAfter(response, problem), problem);
}

type Result<T> = { data: T; error: undefined } | { data: undefined; error: unknown };

/** The answer's data, or an ApiError. */
export async function api<T>(call: Promise<Result<T>>): Promise<Exclude<T, undefined>> {
  const result = await call;
  if (result.error !== undefined) throw result.error as ApiError;
  return result.data as Exclude<T, undefined>;
}

let onSignedOut: () => void = () => {};

/** Called when the API says the session is gone (401): the app offers to sign in again. */
export function whenSignedOut(callback: () => void): void {
  onSignedOut = callback;
}

export function configureClient(): void {
  client.setConfig({ fetch: (input, init) => fetchWithCsrf(new Request(input, init)) });
  client.interceptors.error.use((error, response) => {
    const failure = toApiError(error, response);
    if (failure.status === 401) onSignedOut();
    return failure;
  });
}

/** A fresh Idempotency-Key: a booking retried with the same key is booked once. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
