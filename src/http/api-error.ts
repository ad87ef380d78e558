import type { FieldError } from '../common/json-guard';

/** The body of every 4xx/5xx answer. */
export interface ApiError {
  statusCode: number;
  message: string;
  errors?: FieldError[];
}

export type { FieldError } from '../common/json-guard';
