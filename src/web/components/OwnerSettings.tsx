import type { KeyValue, Scripts } from '../../scripting/model.ts';
import { CodeEditor } from './CodeEditor.tsx';
import { KeyValueTable } from './KeyValueTable.tsx';

/**
 * Scripts of a collection or folder: they run around every request inside it, outermost first,
 * as in Postman. A collection also has its own variables.
 */
export function OwnerSettings({ name, scripts, onScripts, variables, onVariables }: { name: string; scripts: Scripts; onScripts: (s: Scripts) => void; variables?: KeyValue[]; onVariables?: (v: KeyValue[]) => void }) {
  return (
    <div className="owner-settings">
      <h4>Pre-request script of {name}</h4>
      <CodeEditor label={`Pre-request script of ${name}`} language="javascript" value={scripts.preRequest} onChange={(preRequest) => onScripts({ ...scripts, preRequest })} />
      <h4>Tests of {name}</h4>
      <CodeEditor label={`Tests of ${name}`} language="javascript" value={scripts.tests} onChange={(tests) => onScripts({ ...scripts, tests })} />
      {variables && onVariables && (
        <>
          <h4>Variables of {name}</h4>
          <KeyValueTable label={`Variable of ${name}`} rows={variables} onChange={onVariables} keyPlaceholder="Variable" />
        </>
      )}
    </div>
  );
}
