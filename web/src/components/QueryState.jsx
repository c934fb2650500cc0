/** Loading / error-with-retry wrapper for a react-query result. */
export function Loading({ what }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </p>
  );
}

export function ErrorBox({ what, error, onRetry, retrying }) {
  return (
    <div className="error-box" role="alert">
      <p>
        Could not load {what}: {error?.message || 'unknown error'}
      </p>
      {onRetry && (
        <button type="button" onClick={onRetry} disabled={retrying}>
          {retrying ? 'Retrying…' : 'Retry'}
        </button>
      )}
    </div>
  );
}

export function QueryState({ query, what, children }) {
  if (query.isPending) return <Loading what={what} />;
  if (query.isError && query.data === undefined) {
    return <ErrorBox what={what} error={query.error} onRetry={() => query.refetch()} retrying={query.isFetching} />;
  }
  return children(query.data);
}
