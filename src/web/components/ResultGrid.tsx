/** Rows as a table: a query result or a page of a table. NULL is shown as such, objects as JSON. */
export function ResultGrid({ label, columns, rows }: { label: string; columns: string[]; rows: unknown[][] }) {
  return (
    <div className="grid-scroll">
      <table className="result-grid" aria-label={label}>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={i} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              {row.map((cell, j) => (
                <td key={j}>{cell === null ? <span className="muted">NULL</span> : typeof cell === 'object' ? JSON.stringify(cell) : String(cell)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
