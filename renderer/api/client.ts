// The browser's control-API client, typed by the shared ControlRoutes: one `call` for every route,
// with path parameters, query and body checked against the contract at compile time.
import type {
  ApiErrorBody,
  ParamNames,
  PathOf,
  RouteBody,
  RouteKey,
  RouteOutput as Output,
  RouteParams,
  RouteQuery,
  ValidationProblem,
} from '../../electron/shared/contract.js';

export type { RouteKey };

/** What a call takes: only the parts the route declares. JSON routes only (uploads go through upload.ts). */
export type CallInput<K extends RouteKey> = ([ParamNames<PathOf<K>>] extends [never] ? { params?: never } : { params: RouteParams<K> }) &
  ([RouteQuery<K>] extends [undefined] ? { query?: never } : { query: RouteQuery<K> }) &
  ([RouteBody<K>] extends [undefined] ? { body?: never } : { body: RouteBody<K> });

/** An answer other than 2xx, with the API's code and words (ApiErrorBody). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The input the error is about, with words for it (ApiErrorBody.field). */
    readonly field?: { name: string; detail: string },
    /** Problems by line of an uploaded file (an inventory CSV), every one (ApiErrorBody.problems). */
    readonly problems?: readonly ValidationProblem[],
  ) {
    super(message);
  }
}

/** `/api/hosts/:mac/install` with `{ mac }` → `/api/hosts/52%3A54…/install`. */
export function buildPath(path: string, params: Record<string, string> | undefined, query: Record<string, unknown> | undefined): string {
  const filled = path.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${path}`);
    return encodeURIComponent(value);
  });
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  const qs = search.toString();
  return qs ? `${filled}?${qs}` : filled;
}

export async function errorOf(res: Response): Promise<ApiError> {
  let code = `HTTP_${res.status}`;
  let message = `${res.status} ${res.statusText}`;
  let field: ApiErrorBody['error']['field'];
  let problems: ApiErrorBody['error']['problems'];
  try {
    const body = (await res.json()) as Partial<ApiErrorBody>;
    if (body.error) ({ code, message, field, problems } = body.error);
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(res.status, code, message, field, Array.isArray(problems) ? problems : undefined);
}

export interface ApiClient {
  readonly token: string;
  call<K extends RouteKey>(key: K, input?: CallInput<K>): Promise<Output<K>>;
}

export function createApiClient(token: string, fetchImpl: typeof fetch = (...a) => fetch(...a)): ApiClient {
  return {
    token,
    async call<K extends RouteKey>(key: K, input?: CallInput<K>): Promise<Output<K>> {
      const [method = 'GET', path = ''] = key.split(' ');
      const i = (input ?? {}) as { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown };
      const res = await fetchImpl(buildPath(path, i.params, i.query), {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(i.body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
        ...(i.body !== undefined ? { body: JSON.stringify(i.body) } : {}),
        cache: 'no-store',
      });
      if (!res.ok) throw await errorOf(res);
      if (res.status === 204) return undefined as unknown as Output<K>;
      return (await res.json()) as Output<K>;
    },
  };
}
