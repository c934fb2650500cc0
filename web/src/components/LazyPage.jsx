import { Suspense, lazy } from 'react';
import { Loading } from './QueryState.jsx';

/**
 * A page whose code loads on its first visit: `load` imports its module, `name` is its export.
 * The relay and alert pages carry react-hook-form (~18 KB gzip with the alerts page): the first
 * screen needs neither, and the main chunk stays under Vite's 400 kB warning.
 */
export function lazyPage(load, name, what) {
  const Page = lazy(() => load().then((m) => ({ default: m[name] })));
  return function LazyPage(props) {
    return (
      <Suspense fallback={<Loading what={what} />}>
        <Page {...props} />
      </Suspense>
    );
  };
}
