import { HttpException, HttpStatus } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { createGunzip } from 'node:zlib';

/** How the body of an OTLP/HTTP request is encoded. */
export type OtlpFormat = 'protobuf' | 'json';

const FORMATS: Record<string, OtlpFormat> = {
  'application/x-protobuf': 'protobuf',
  'application/protobuf': 'protobuf',
  'application/json': 'json',
};

const fail = (status: HttpStatus, message: string): never => {
  throw new HttpException({ statusCode: status, message }, status);
};

/** The body's format from Content-Type; 415 for anything else. */
export function otlpFormat(contentType: string | undefined): OtlpFormat {
  const media = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const format = Object.hasOwn(FORMATS, media) ? FORMATS[media] : undefined;
  if (!format) {
    return fail(
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      `Content-Type must be application/x-protobuf or application/json (OTLP/HTTP), not ${media ? `"${media.slice(0, 100)}"` : 'missing'}`,
    );
  }
  return format;
}

function encodingOf(header: string | undefined): 'gzip' | 'identity' {
  const encoding = (header ?? 'identity').trim().toLowerCase();
  if (encoding === 'gzip' || encoding === 'x-gzip') return 'gzip';
  if (encoding === 'identity' || encoding === '') return 'identity';
  return fail(HttpStatus.UNSUPPORTED_MEDIA_TYPE, `Content-Encoding must be gzip or identity, not "${encoding.slice(0, 100)}"`);
}

const tooLarge = (maxBytes: number, what: string) =>
  new HttpException(
    { statusCode: 413, message: `the ${what} is larger than ${maxBytes} bytes (HTTP_MAX_BODY_BYTES)` },
    HttpStatus.PAYLOAD_TOO_LARGE,
  );

/**
 * Reads the whole body, inflating gzip on the fly. The limit applies to the bytes received and
 * to the inflated bytes alike, and is checked chunk by chunk while inflating: a small gzip
 * bomb is cut off after `maxBytes` of output, never inflated whole. 413 when over, 400 when
 * the gzip stream is corrupt, 415 for an unknown Content-Encoding.
 */
export function readOtlpBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const encoding = encodingOf(req.headers['content-encoding']);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.reject(tooLarge(maxBytes, 'body'));
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let inflated = 0;
    let settled = false;
    const gunzip = encoding === 'gzip' ? createGunzip() : null;
    const finish = (error: Error | null) => {
      if (settled) return;
      settled = true;
      req.removeListener('data', onData);
      if (gunzip) {
        req.unpipe(gunzip);
        gunzip.destroy();
      }
      if (error) {
        // Whatever is left of the upload is read and dropped by Node once the answer is sent.
        req.resume();
        reject(error);
      } else resolve(Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) finish(tooLarge(maxBytes, 'body'));
    };
    req.on('data', onData);
    req.once('error', (error) => finish(error));
    req.once('aborted', () => finish(new HttpException({ statusCode: 400, message: 'the request was aborted' }, 400)));
    if (!gunzip) {
      req.on('data', (chunk: Buffer) => {
        if (!settled) chunks.push(chunk);
      });
      req.once('end', () => finish(null));
      return;
    }
    gunzip.on('data', (chunk: Buffer) => {
      if (settled) return;
      inflated += chunk.length;
      if (inflated > maxBytes) return finish(tooLarge(maxBytes, 'inflated body'));
      chunks.push(chunk);
    });
    gunzip.once('end', () => finish(null));
    gunzip.once('error', (error) =>
      finish(new HttpException({ statusCode: 400, message: `the body is not valid gzip: ${error.message}` }, HttpStatus.BAD_REQUEST)),
    );
    req.pipe(gunzip);
  });
}
