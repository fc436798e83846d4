import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { ApiError } from './api-error';
import { requestIdFor } from './request-id';

/** The one error shape of every route (OpenAPI: `ErrorBody`). */
export class ErrorBody {
  @ApiProperty({ description: 'What went wrong, for a person to read.', example: 'agent not found' })
  error!: string;

  @ApiProperty({ description: 'A stable machine-readable name (not_found, validation_failed, role_too_low, rate_limited, …).', example: 'not_found' })
  code!: string;

  @ApiProperty({ description: 'The request id (also in the X-Request-ID header), to find the request in the logs.' })
  request_id!: string;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  410: 'gone',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/** Nest's own exceptions carry `message` as a string or, for validation, a list of strings. */
function messageOf(exception: HttpException): string {
  const body = exception.getResponse();
  if (typeof body === 'string') return body;
  const message = (body as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string') return message;
  return exception.message;
}

/** body-parser errors (bad JSON, too large) arrive as plain errors with a status. */
function isClientParseError(e: unknown): e is Error & { status: number; type?: string } {
  const status = (e as { status?: unknown })?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * Renders every error as `{ error, code, request_id }`. Anything not recognised is a bug: 500,
 * logged with its stack and the request id so an operator can find it.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const requestId = requestIdFor(req, res);
    const { status, body } = this.render(exception, requestId, req);
    if (res.headersSent) return;
    res.status(status).json(body);
  }

  private render(exception: unknown, requestId: string, req: Request): { status: number; body: ErrorBody } {
    if (exception instanceof ApiError) {
      return { status: exception.getStatus(), body: { error: messageOf(exception), code: exception.code, request_id: requestId } };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'error');
      if (status >= 500) this.logger.error({ err: exception, request_id: requestId }, 'request failed');
      return { status, body: { error: messageOf(exception), code, request_id: requestId } };
    }
    if (isClientParseError(exception)) {
      const message = exception.type === 'entity.too.large' ? 'request body too large' : 'request body is not valid JSON';
      return {
        status: exception.status,
        body: { error: message, code: CODE_BY_STATUS[exception.status] ?? 'bad_request', request_id: requestId },
      };
    }
    // A unique violation that slipped past a service's own check is a race between two writers.
    if (exception instanceof QueryFailedError && (exception as { code?: string }).code === '23505') {
      return { status: HttpStatus.CONFLICT, body: { error: 'already exists', code: 'conflict', request_id: requestId } };
    }
    this.logger.error(
      { err: exception, request_id: requestId, method: req.method, url: req.originalUrl },
      (exception as Error)?.stack ?? String(exception),
    );
    return {
      status: HttpStatus.INTERNAL_SERVER_ERROR,
      body: { error: 'internal error', code: 'internal_error', request_id: requestId },
    };
  }
}
