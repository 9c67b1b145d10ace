import type { Problem } from '../logic/problem';

export type Result<T> = { ok: true; data: T; response: Response } | { ok: false; problem: Problem; response: Response };

/** An openapi-fetch answer as data or a problem+json (an unreachable API becomes a problem too). */
export async function call<T>(request: Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<Result<T>> {
  try {
    const { data, error, response } = await request;
    if (response.ok) return { ok: true, data: data as T, response };
    return { ok: false, problem: (error ?? { status: response.status, detail: response.statusText }) as Problem, response };
  } catch (err) {
    return { ok: false, problem: { status: 0, detail: `the API did not answer (${(err as Error).message})` }, response: new Response(null, { status: 599 }) };
  }
}
