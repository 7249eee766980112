/** @module What Trends and Growth show for the moment their charts' code is being fetched. */

export function ChartsLoading() {
  return (
    <p className="loading" role="status">
      Drawing the charts…
    </p>
  );
}
