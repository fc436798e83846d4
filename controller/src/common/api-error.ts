import { HttpException, HttpStatus } from '@nestjs/common';

/**
 * The one error type services throw. `code` is a stable machine-readable name; the message is
 * what an operator reads. The exception filter renders both in the documented `{ error }` shape.
 */
export class ApiError extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: string,
    message: string,
  ) {
    super(message, status);
  }

  static badRequest(message: string, code = 'bad_request'): ApiError {
    return new ApiError(HttpStatus.BAD_REQUEST, code, message);
  }
  static unauthorized(message = 'authentication required', code = 'unauthorized'): ApiError {
    return new ApiError(HttpStatus.UNAUTHORIZED, code, message);
  }
  static forbidden(message: string, code = 'forbidden'): ApiError {
    return new ApiError(HttpStatus.FORBIDDEN, code, message);
  }
  static notFound(what: string): ApiError {
    return new ApiError(HttpStatus.NOT_FOUND, 'not_found', `${what} not found`);
  }
  static conflict(message: string, code = 'conflict'): ApiError {
    return new ApiError(HttpStatus.CONFLICT, code, message);
  }
  static gone(message: string, code = 'gone'): ApiError {
    return new ApiError(HttpStatus.GONE, code, message);
  }
  static tooManyRequests(message: string, code = 'rate_limited'): ApiError {
    return new ApiError(HttpStatus.TOO_MANY_REQUESTS, code, message);
  }
}
