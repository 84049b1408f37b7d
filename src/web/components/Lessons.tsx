import { type Token, Lexer, Parser } from 'marked';
import { useEffect, useState } from 'react';
import { requestFromBlock } from '../http/lesson-blocks.ts';
import { openRequest } from '../state/collections.ts';
import { lab } from '../state/store.ts';

interface LessonSummary {
  slug: string;
  title: string;
  minutes: number;
}

/** Lessons from the server's lessons/ folder; their http, tests and js blocks open in the lab. */
export function Lessons({ onOpenScratchpad, onOpenClient }: { onOpenScratchpad: () => void; onOpenClient: () => void }) {
  const [lessons, setLessons] = useState<LessonSummary[]>();
  const [current, setCurrent] = useState<{ slug: string; title: string; markdown: string }>();
  const [error, setError] = useState('');

  useEffect(() => {
    fetch('/api/lessons')
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`${r.status}`))))
      .then((body: { data: LessonSummary[] }) => setLessons(body.data))
      .catch((e: Error) => setError(`Could not load the lessons (${e.message}).`));
  }, []);

  const open = async (slug: string) => {
    const response = await fetch(`/api/lessons/${encodeURIComponent(slug)}`);
    if (response.ok) setCurrent(await response.json());
    else setError(`Could not load that lesson (${response.status}).`);
  };

  if (current) {
    return (
      <article className="lesson" aria-label={current.title}>
        <button type="button" onClick={() => setCurrent(undefined)}>
          ← All lessons
        </button>
        <LessonBody markdown={current.markdown} onOpenScratchpad={onOpenScratchpad} onOpenClient={onOpenClient} />
      </article>
    );
  }
  return (
    <div className="lessons">
      {error && <p role="alert">{error}</p>}
      {!lessons && !error && <p className="muted">Loading lessons …</p>}
      <ol aria-label="Lessons">
        {lessons?.map((lesson) => (
          <li key={lesson.slug}>
            <button type="button" onClick={() => void open(lesson.slug)}>
              {lesson.title}
            </button>{' '}
            <span className="muted">{lesson.minutes} min</span>
          </li>
        ))}
      </ol>
    </div>
  );
}

function LessonBody({ markdown, onOpenScratchpad, onOpenClient }: { markdown: string; onOpenScratchpad: () => void; onOpenClient: () => void }) {
  const tokens = new Lexer().lex(markdown);
  let requestNumber = 0;
  return (
    <div className="lesson-body">
      {tokens.map((token, i) => {
        if (token.type !== 'code' || !['http', 'tests', 'js'].includes(token.lang ?? '')) {
          // Lessons are our own files, served by our server.
          return <div key={i} dangerouslySetInnerHTML={{ __html: Parser.parse([token] as Token[]) }} />;
        }
        if (token.lang === 'tests') return <RunnableBlock key={i} code={token.text} label="Tests for the request above" />;
        if (token.lang === 'js') {
          return (
            <RunnableBlock key={i} code={token.text} label="Client script">
              <button
                type="button"
                onClick={() => {
                  lab.set((s) => ({ ...s, scratchpad: token.text }));
                  onOpenScratchpad();
                }}
              >
                Load into scratchpad
              </button>
            </RunnableBlock>
          );
        }
        requestNumber += 1;
        const next = tokens.slice(i + 1).find((t) => t.type === 'code');
        const tests = next && next.type === 'code' && next.lang === 'tests' ? next.text : '';
        const firstLine = token.text.split('\n')[0] ?? '';
        return (
          <RunnableBlock key={i} code={token.text} label={`Request ${requestNumber}`}>
            <button type="button" aria-label={`Open in client: ${firstLine}`} onClick={() => {
                openRequest(undefined, requestFromBlock(token.text, tests));
                onOpenClient();
              }}>
              Open in client
            </button>
          </RunnableBlock>
        );
      })}
    </div>
  );
}

function RunnableBlock({ code, label, children }: { code: string; label: string; children?: React.ReactNode }) {
  return (
    <figure className="runnable" aria-label={label}>
      <pre>
        <code>{code}</code>
      </pre>
      {children && <figcaption>{children}</figcaption>}
    </figure>
  );
}
