// A control-API answer other than 200, with the ApiErrorBody code and words.
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** The input the error is about (ApiErrorBody.field). */
    readonly field?: { name: string; detail: string },
    /** Problems by line of an uploaded file (ApiErrorBody.error.problems). */
    readonly problems?: { line: number | null; message: string }[],
  ) {
    super(message);
  }
}
