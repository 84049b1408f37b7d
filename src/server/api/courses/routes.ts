import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { conflict, notFound } from '../../errors.ts';
import { isForeignKeyViolation } from '../../db/connection.ts';
import { pageFrom, sendPage } from '../shared/pagination.ts';
import { IdParams, pageOf, problems } from '../shared/schemas.ts';
import { deleteCourse, findCourse, insertCourse, listCourses, toCourse, updateCourse } from './queries.ts';
import { Course, CourseListQuery, CreateCourseBody, UpdateCourseBody } from './schemas.ts';

export const courseRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['courses'];
  const security = [{ bearer: [] }];
  const adminOnly = [app.authenticate, app.requireRole('admin')];

  /** Drafts are visible to admins only; the public list never costs a token check. */
  const seesDrafts = async (request: Parameters<typeof app.authenticate>[0], reply: Parameters<typeof app.authenticate>[1]) => {
    if (!request.headers.authorization) return false;
    await app.authenticate(request, reply);
    return request.user.role === 'admin';
  };

  app.get('/', {
    schema: { tags, summary: 'Published courses, paginated', querystring: CourseListQuery, response: { 200: pageOf(Course), ...problems(400) } },
    handler: async (request, reply) => {
      const page = pageFrom(request.query);
      const { rows, total } = await listCourses(request.db, {
        page,
        q: request.query.q?.trim() || undefined,
        sort: request.query.sort ?? '-createdAt',
        includeDrafts: await seesDrafts(request, reply),
      });
      return sendPage(request, reply, page, rows.map(toCourse), total);
    },
  });

  app.get('/:id', {
    schema: { tags, summary: 'One course', params: IdParams, response: { 200: Course, ...problems(400, 404) } },
    handler: async (request, reply) => {
      const row = await findCourse(request.db, request.params.id);
      if (!row || (row.status !== 'published' && !(await seesDrafts(request, reply)))) throw notFound('Course');
      return toCourse(row);
    },
  });

  app.post('/', {
    onRequest: adminOnly,
    schema: { tags, summary: 'Create a course (admin)', security, body: CreateCourseBody, response: { 201: Course, ...problems(400, 401, 403) } },
    handler: async (request, reply) => {
      const course = toCourse(await insertCourse(request.db, request.body));
      return reply.code(201).header('location', `/api/courses/${course.id}`).send(course);
    },
  });

  app.patch('/:id', {
    onRequest: adminOnly,
    schema: { tags, summary: 'Change a course (admin)', security, params: IdParams, body: UpdateCourseBody, response: { 200: Course, ...problems(400, 401, 403, 404) } },
    handler: async (request) => {
      const row = await updateCourse(request.db, request.params.id, request.body);
      if (!row) throw notFound('Course');
      return toCourse(row);
    },
  });

  app.delete('/:id', {
    onRequest: adminOnly,
    schema: { tags, summary: 'Delete a course that nobody has ordered (admin)', security, params: IdParams, response: { ...problems(400, 401, 403, 404, 409) } },
    handler: async (request, reply) => {
      try {
        if (!(await deleteCourse(request.db, request.params.id))) throw notFound('Course');
      } catch (error) {
        if (isForeignKeyViolation(error)) throw conflict('This course has orders, so it cannot be deleted; set its status to draft instead.');
        throw error;
      }
      return reply.code(204).send();
    },
  });
};
