// The one error type every bridge call rejects with, from the real bridge and from the mock.

export class BridgeError extends Error {
  /**
   * @param {string} code one of ERROR_CODES, or TIMEOUT
   * @param {string} [message]
   * @param {{method?: string}} [details]
   */
  constructor(code, message, details = {}) {
    super(message || code);
    this.name = 'BridgeError';
    this.code = code;
    if (details.method !== undefined) this.method = details.method;
  }

  /** A BridgeError from the `error` member of a response (or anything a host passed instead). */
  static from(error, details) {
    if (error instanceof BridgeError) return error;
    if (error && typeof error === 'object' && typeof error.code === 'string' && error.code) {
      const message = typeof error.message === 'string' ? error.message : '';
      return new BridgeError(error.code, message, details);
    }
    const message = typeof error === 'string' ? error : 'malformed error from host';
    return new BridgeError('INTERNAL', message, details);
  }

  toJSON() {
    return { code: this.code, message: this.message };
  }
}
