import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError } from './api-error';

/** Flattens class-validator errors into `{ field, reason }`, nested fields as `a.b`. */
export function fieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((reason) => ({ field, reason: reason.replace(/^property /, '') }));
    return [...own, ...fieldErrors(e.children ?? [], field)];
  });
}

/** Whitelisting, rejecting unknown fields, transforming to the DTO classes; 400 with every field's reason. */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const list = fieldErrors(errors);
      return new BadRequestException({
        statusCode: 400,
        message: `invalid request: ${list.map((e) => e.reason).join('; ')}`.slice(0, 1000),
        errors: list,
      });
    },
  });
}
