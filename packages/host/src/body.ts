import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { ApiError } from '@calc/core';

/** Largest request body accepted, in bytes; two operands fit in far less. */
export const BODY_LIMIT_BYTES = 1024;

/**
 * Reads a JSON object body of at most BODY_LIMIT_BYTES into req.body. Unlike body-parser, which reads
 * a too-large body to its end before answering 413, this answers as soon as the declared
 * Content-Length (or the bytes received) pass the limit, and closes the connection instead of
 * reading the rest. Only identity Content-Encoding and UTF-8 are accepted (415 otherwise).
 */
export const readJsonBody: RequestHandler = (req, _res, next) => {
  const encoding = (req.get('content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity') {
    return next(new ApiError('UNSUPPORTED_MEDIA_TYPE', `Content-Encoding ${encoding} is not accepted; send the body uncompressed`));
  }
  const charset = /;\s*charset=("?)([^";]+)\1/i.exec(req.get('content-type') ?? '')?.[2]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return next(new ApiError('UNSUPPORTED_MEDIA_TYPE', `charset ${charset} is not accepted; send UTF-8`));
  }
  if (declaredLength(req) > BODY_LIMIT_BYTES) return next(tooLarge());

  const chunks: Buffer[] = [];
  let received = 0;
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received <= BODY_LIMIT_BYTES) return void chunks.push(chunk);
    cleanup();
    req.pause();
    next(tooLarge());
  };
  const onEnd = () => {
    cleanup();
    try {
      req.body = parseStrictJson(Buffer.concat(chunks).toString('utf8'));
      next();
    } catch (error) {
      next(error);
    }
  };
  // An aborted or broken request has no one left to answer; the server's clientError hook covers the rest.
  const onError = () => cleanup();
  const cleanup = () => {
    req.off('data', onData).off('end', onEnd).off('error', onError);
  };
  req.on('data', onData).on('end', onEnd).on('error', onError);
};

/** The body length the client declared (0 without Content-Length, e.g. chunked). */
export function declaredLength(req: IncomingMessage): number {
  const header = req.headers['content-length'];
  return header === undefined ? 0 : Number(header);
}

/** 413; the error handler closes the connection after it, so the rest of the body is never read. */
function tooLarge(): ApiError {
  return new ApiError('PAYLOAD_TOO_LARGE', `the body is larger than ${BODY_LIMIT_BYTES} bytes`, { limitBytes: BODY_LIMIT_BYTES });
}

/** JSON.parse for an object or array only (a bare scalar is rejected); an empty body is an empty object. */
function parseStrictJson(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return {};
  if (trimmed[0] !== '{' && trimmed[0] !== '[') throw new ApiError('INVALID_JSON', 'the body is not valid JSON: it must be a JSON object');
  try {
    return JSON.parse(trimmed);
  } catch (error) {
    throw new ApiError('INVALID_JSON', `the body is not valid JSON: ${(error as Error).message}`);
  }
}
