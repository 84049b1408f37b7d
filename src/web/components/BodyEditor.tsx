import { useMemo } from 'react';
import type { KeyValue, RequestBody } from '../../scripting/model.ts';
import { resolvePreview, unknownVariables, variableValue } from '../http/variable-preview.ts';
import { lab, updateRequest } from '../state/store.ts';
import { CodeEditor } from './CodeEditor.tsx';
import { KeyValueTable } from './KeyValueTable.tsx';
import { UnknownVariables } from './UnknownVariables.tsx';

const MODES: { mode: RequestBody['mode']; label: string }[] = [
  { mode: 'none', label: 'none' },
  { mode: 'json', label: 'JSON' },
  { mode: 'text', label: 'raw text' },
  { mode: 'urlencoded', label: 'form-urlencoded' },
  { mode: 'formdata', label: 'form-data' },
];

/** Switching kinds keeps what can be kept: the text between JSON and raw, the fields between the two forms. */
function switched(body: RequestBody, mode: RequestBody['mode']): RequestBody {
  if (mode === 'none') return { mode };
  if (mode === 'urlencoded' || mode === 'formdata') return { mode, fields: 'fields' in body ? body.fields : [] };
  return { mode, raw: 'raw' in body ? body.raw : '' };
}

export function BodyEditor({ body }: { body: RequestBody }) {
  const jsonError = useMemo(() => {
    if (body.mode !== 'json' || body.raw.trim() === '') return undefined;
    try {
      // Variables are replaced before sending, so a bare {{id}} is fine here.
      JSON.parse(body.raw.replace(/{{[^{}]+}}/g, '0'));
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  }, [body]);
  return (
    <div className="body-editor">
      <fieldset className="body-modes">
        <legend className="visually-hidden">Body type</legend>
        {MODES.map(({ mode, label }) => (
          <label key={mode}>
            <input type="radio" name="body-mode" checked={body.mode === mode} onChange={() => updateRequest({ body: switched(body, mode) })} /> {label}
          </label>
        ))}
      </fieldset>
      {(body.mode === 'json' || body.mode === 'text') && (
        <>
          <CodeEditor label="Request body" language={body.mode === 'json' ? 'json' : 'text'} value={body.raw} onChange={(raw) => updateRequest({ body: { mode: body.mode, raw } })} variables={(name) => variableValue(lab.get(), name)} describedBy="body-unknown" />
          <UnknownVariables names={unknownVariables(lab.get(), body.raw)} id="body-unknown" />
          {jsonError && (
            <p className="field-error" role="status">
              Not valid JSON yet: {jsonError}
            </p>
          )}
        </>
      )}
      {(body.mode === 'urlencoded' || body.mode === 'formdata') && (
        <>
          <KeyValueTable
            label="Form field"
            resolve={(text) => resolvePreview(lab.get(), text)}
            unknown={(text) => unknownVariables(lab.get(), text)}
            rows={body.fields}
            onChange={(fields: KeyValue[]) => updateRequest({ body: { mode: body.mode, fields } as RequestBody })}
          />
          {body.mode === 'formdata' && <p className="muted">Sent as multipart/form-data, text fields only: files cannot be attached from a saved request.</p>}
        </>
      )}
    </div>
  );
}
