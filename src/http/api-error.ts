/** The body of every 4xx/5xx answer. */
export interface ApiError {
  statusCode: number;
  message: string;
  errors?: FieldError[];
}

export interface FieldError {
  field: string;
  reason: string;
}
