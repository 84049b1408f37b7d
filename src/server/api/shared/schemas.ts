import { Type } from 'typebox';

/** Path parameter `:id` as a positive integer (coerced from the URL). */
export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });

export const PageQuery = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1, description: 'Page number, from 1' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Items per page, 1 to 100' })),
};

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        // line/column point into submitted source code (a workspace deploy).
        Type.Object({ path: Type.String(), message: Type.String(), line: Type.Optional(Type.Integer()), column: Type.Optional(Type.Integer()) }, { additionalProperties: true }),
      ),
    ),
  },
  // Extension members (retryAfterSeconds, requestId …) must survive serialization.
  { $id: 'Problem', description: 'RFC 9457 problem details (application/problem+json)', additionalProperties: true },
);

const problemRef = Type.Unsafe<unknown>({ $ref: 'Problem#' });

/** OpenAPI responses for the problems a route can answer with. */
export function problems(...statuses: number[]) {
  return Object.fromEntries(statuses.map((status) => [status, problemRef]));
}

export const PublicUserSchema = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  name: Type.String(),
  role: Type.Union([Type.Literal('user'), Type.Literal('admin')]),
  createdAt: Type.String({ format: 'date-time' }),
});

export function pageOf<T extends ReturnType<typeof Type.Object>>(item: T) {
  return Type.Object({
    data: Type.Array(item),
    page: Type.Integer(),
    limit: Type.Integer(),
    total: Type.Integer(),
  });
}
