/** A data table's header row: the row-label column, then the numeric (right-aligned) columns. */
export function TableHead({ label, numbers }) {
  return (
    <thead>
      <tr>
        <th scope="col">{label}</th>
        {numbers.map((name) => (
          <th key={name} scope="col" className="num">
            {name}
          </th>
        ))}
      </tr>
    </thead>
  );
}
