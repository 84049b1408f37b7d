import { Type } from 'typebox';
import { PageQuery } from '../shared/schemas.ts';

export const COURSE_SORTS = ['createdAt', '-createdAt', 'title', '-title', 'price', '-price'] as const;

export const Course = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  description: Type.String(),
  priceCents: Type.Integer(),
  status: Type.Union([Type.Literal('draft'), Type.Literal('published')]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const CourseListQuery = Type.Object(
  {
    ...PageQuery,
    q: Type.Optional(Type.String({ maxLength: 100, description: 'Words to find in the title or description' })),
    sort: Type.Optional(Type.Union(COURSE_SORTS.map((s) => Type.Literal(s)), { default: '-createdAt', description: 'Field to sort by; a leading "-" sorts descending' })),
  },
  { additionalProperties: false },
);

const fields = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.String({ maxLength: 5000 }),
  priceCents: Type.Integer({ minimum: 0, maximum: 100_000_000 }),
  status: Type.Union([Type.Literal('draft'), Type.Literal('published')]),
};

export const CreateCourseBody = Type.Object(
  { title: fields.title, description: Type.Optional(fields.description), priceCents: fields.priceCents, status: Type.Optional(fields.status) },
  { additionalProperties: false },
);

export const UpdateCourseBody = Type.Object(
  { title: Type.Optional(fields.title), description: Type.Optional(fields.description), priceCents: Type.Optional(fields.priceCents), status: Type.Optional(fields.status) },
  { additionalProperties: false, minProperties: 1 },
);
