import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound } from '../../errors.ts';
import { problems } from '../shared/schemas.ts';
import { lessonLibrary } from './library.ts';

const LessonSummary = Type.Object({
  slug: Type.String({ description: 'The file name without .md, e.g. 01-how-a-request-travels' }),
  title: Type.String(),
  minutes: Type.Integer({ description: 'Estimated minutes to read and do, at least 5' }),
});

const Lesson = Type.Object({
  ...LessonSummary.properties,
  markdown: Type.String({ description: 'The lesson; ```http, ```tests and ```js blocks are runnable in the lab' }),
});

// The pattern is what keeps a path out of the slug ("../", "/", "."): checked before the handler runs.
const SlugParams = Type.Object({ slug: Type.String({ pattern: '^[a-z0-9-]{1,100}$' }) });

/** The lessons in lessons/, for the lab page. Public, like the course list. */
export const lessonRoutes: FastifyPluginAsyncTypebox<{ dir?: string }> = async (app, options) => {
  const tags = ['lessons'];
  const library = lessonLibrary(options.dir);

  app.get('/', {
    schema: { tags, summary: 'Every lesson, in order', response: { 200: Type.Object({ data: Type.Array(LessonSummary) }) } },
    handler: async () => ({
      data: (await library.list()).map(({ slug, title, minutes }) => ({ slug, title, minutes })),
    }),
  });

  app.get('/:slug', {
    schema: { tags, summary: 'One lesson with its Markdown', params: SlugParams, response: { 200: Lesson, ...problems(400, 404) } },
    handler: async (request) => {
      const lesson = await library.get(request.params.slug);
      if (!lesson) throw notFound('Lesson');
      return lesson;
    },
  });
};
