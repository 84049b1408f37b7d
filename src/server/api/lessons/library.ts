import fs from 'node:fs/promises';
import path from 'node:path';

/** `lessons/` at the repository root. */
export const DEFAULT_LESSONS_DIR = path.resolve(import.meta.dirname, '../../../../lessons');

/** Only these files are lessons; the name (without .md) is the slug, so no other file is ever read. */
const LESSON_FILE = /^([a-z0-9-]{1,100})\.md$/;

/** Reading speed for prose and code together, in words per minute; trying the requests is included. */
const WORDS_PER_MINUTE = 150;
const MIN_MINUTES = 5;

export interface Lesson {
  slug: string;
  title: string;
  minutes: number;
  markdown: string;
}

/** The first `# ` heading outside code fences, or the slug when there is none. */
export function lessonTitle(markdown: string, slug: string): string {
  let fence: string | undefined;
  for (const line of markdown.split(/\r?\n/)) {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker) {
      if (!fence) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      continue;
    }
    if (!fence && /^# /.test(line)) return line.slice(2).replace(/\s+#*\s*$/, '').trim() || slug;
  }
  return slug;
}

export function lessonMinutes(markdown: string): number {
  const words = markdown.split(/\s+/).filter(Boolean).length;
  return Math.max(MIN_MINUTES, Math.ceil(words / WORDS_PER_MINUTE));
}

export function parseLesson(slug: string, markdown: string): Lesson {
  return { slug, title: lessonTitle(markdown, slug), minutes: lessonMinutes(markdown), markdown };
}

/**
 * The lessons folder, read at request time: a directory listing and one stat per file, with each
 * file parsed again only when its mtime or size changed. Edit a lesson and reload the page.
 */
export function lessonLibrary(dir: string = DEFAULT_LESSONS_DIR) {
  const cache = new Map<string, { mtimeMs: number; size: number; lesson: Lesson }>();

  async function load(slug: string): Promise<Lesson | undefined> {
    const file = path.join(dir, `${slug}.md`);
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat?.isFile()) {
      cache.delete(slug);
      return undefined;
    }
    const cached = cache.get(slug);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.lesson;
    const lesson = parseLesson(slug, await fs.readFile(file, 'utf8'));
    cache.set(slug, { mtimeMs: stat.mtimeMs, size: stat.size, lesson });
    return lesson;
  }

  async function slugs(): Promise<string[]> {
    const names = await fs.readdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [] as string[];
      throw error;
    });
    return names
      .map((name) => LESSON_FILE.exec(name)?.[1])
      .filter((slug): slug is string => slug !== undefined)
      .sort();
  }

  return {
    /** Every lesson in file-name order. */
    async list(): Promise<Lesson[]> {
      const lessons = await Promise.all((await slugs()).map(load));
      return lessons.filter((lesson): lesson is Lesson => lesson !== undefined);
    },
    /** Only a slug that names a listed lesson file is read. */
    async get(slug: string): Promise<Lesson | undefined> {
      return (await slugs()).includes(slug) ? load(slug) : undefined;
    },
  };
}
