import 'reflect-metadata';
import { BadRequestException } from '@nestjs/common';
import { CreateToolDto } from '../registry/dto/tool.dto';
import { validationPipe } from './validation';

const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, { type: 'string', i }]));
const body = { type: 'body' as const, metatype: CreateToolDto };

describe('validationPipe', () => {
  it('builds a DTO without walking free-form objects: the object of 100k keys is handed on as it came', async () => {
    const input_schema = keys(100_000);
    const started = performance.now();
    const dto = (await validationPipe().transform({ name: 't', input_schema, annotations: { a: [1, { b: 2 }] } }, body)) as CreateToolDto;
    // The same object, not a copy: nothing walked its keys (the walk took 15 s). The clock only with a margin of seconds.
    expect(dto.input_schema).toBe(input_schema);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(dto).toBeInstanceOf(CreateToolDto);
    expect(dto.annotations).toEqual({ a: [1, { b: 2 }] });
  });

  it('still gives each field its verdict, unknown fields included', async () => {
    const error = await validationPipe()
      .transform({ name: { x: 1 }, input_schema: 'text', tags: [{ a: 1 }], bogus: keys(50_000) }, body)
      .catch((e: BadRequestException) => e);
    expect(error).toBeInstanceOf(BadRequestException);
    const fields = ((error as BadRequestException).getResponse() as { errors: Array<{ field: string }> }).errors.map((e) => e.field);
    expect(new Set(fields)).toEqual(new Set(['name', 'input_schema', 'tags', 'bogus']));
  });
});
