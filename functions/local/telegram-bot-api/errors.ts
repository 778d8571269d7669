/** A refusal as the Bot API answers it: `{ ok: false, error_code, description, parameters? }`. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: Record<string, unknown>,
  ) {
    super(description);
    this.name = 'ApiError';
  }

  /** The response body (https://core.telegram.org/bots/api#making-requests). */
  toBody() {
    return {
      ok: false,
      error_code: this.code,
      description: this.description,
      ...(this.parameters ? { parameters: this.parameters } : {}),
    };
  }
}

/** 429 with `parameters.retry_after`, the seconds to wait (https://core.telegram.org/bots/api#responseparameters). */
export function tooManyRequests(seconds: number): ApiError {
  return new ApiError(429, `Too Many Requests: retry after ${seconds}`, { retry_after: seconds });
}
