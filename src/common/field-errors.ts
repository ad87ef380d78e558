import { BadRequestException, ParseUUIDPipe } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';

/** The 400 of every refused input: `{ statusCode, message, errors: [{ field, reason }] }`, the field named. */
export function badField(field: string, reason: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, message: `invalid request: ${reason}`, errors: [{ field, reason }] });
}

/** A UUID path parameter; anything else is a 400 naming the field. */
export const uuidParam = (field: string) =>
  new ParseUUIDPipe({ version: undefined, exceptionFactory: () => badField(field, `${field} must be a UUID`) });

/** Documents a UUID path parameter (paired with uuidParam). */
export const ApiUuidParam = (name: string) => ApiParam({ name, type: String, format: 'uuid' });
