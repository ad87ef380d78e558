import { ArgumentMetadata, BadRequestException, Type, ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import { FieldError } from './api-error';

/** Flattens class-validator errors into `{ field, reason }`, nested fields as `a.b`. */
export function fieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((reason) => ({ field, reason: reason.replace(/^property /, '') }));
    return [...own, ...fieldErrors(e.children ?? [], field)];
  });
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The same shape with every object emptied: `{ a: { b: 1 } }` → `{ a: {} }`, `[{ x: 1 }, 'y']` → `[{}, 'y']`.
 * No validator of a free-form field looks inside its objects (IsObject, IsString, IsArray,
 * `each` rules on arrays), so each gives the same verdict on the hollow value as on the real one.
 */
function hollow(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(hollow);
  return isPlainObject(value) ? {} : value;
}

/** Properties validated as nested DTOs: their objects are transformed and validated, never hollowed. */
const nestedProperties = new WeakMap<Type<unknown>, Set<string>>();
function nestedOf(metatype: Type<unknown>): Set<string> {
  let nested = nestedProperties.get(metatype);
  if (!nested) {
    const metadata = getMetadataStorage().getTargetValidationMetadatas(metatype, '', true, false);
    nested = new Set(metadata.filter((m) => m.type === ValidationTypes.NESTED_VALIDATION).map((m) => m.propertyName));
    nestedProperties.set(metatype, nested);
  }
  return nested;
}

/**
 * Nest's ValidationPipe, except that class-transformer never walks the inside of a body's
 * free-form objects (a tool's `input_schema`, unknown fields): its key de-duplication is
 * quadratic in an object's keys (`keys.filter((k, i) => keys.indexOf(k) === i)`), 5.5 s for
 * one object of 100k keys. Those values are swapped for hollow copies while the DTO is built
 * and validated, then put back as they came.
 */
class FreeFormValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'body' || !isPlainObject(value) || !metadata.metatype) return super.transform(value, metadata);
    const nested = nestedOf(metadata.metatype);
    const held = new Map<string, unknown>();
    const shallow: Record<string, unknown> = { ...value };
    for (const [key, v] of Object.entries(value)) {
      if (v !== null && typeof v === 'object' && !nested.has(key)) {
        held.set(key, v);
        shallow[key] = hollow(v);
      }
    }
    const result = (await super.transform(shallow, metadata)) as unknown;
    if (isPlainObject(result)) for (const [key, v] of held) if (Object.hasOwn(result, key)) result[key] = v;
    return result;
  }
}

/** Whitelisting, rejecting unknown fields, transforming to the DTO classes; 400 with every field's reason. */
export function validationPipe(): ValidationPipe {
  return new FreeFormValidationPipe({
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
