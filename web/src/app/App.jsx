// The app shell: logged out, the login page; logged in, the live data provider around the layout
// and the page of the current route.
import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { LoginPage, useSession } from '../features/auth/index.js';
import { LiveProvider } from '../lib/live.jsx';
import { Layout } from './Layout.jsx';
import { pageOf } from './pages.jsx';
import { useHashRoute } from './router.js';

export default function App() {
  const session = useSession();
  const route = useHashRoute();
  const qc = useQueryClient();

  // Logged out or expired: forget every cached response of the old session.
  useEffect(() => {
    if (!session.token) qc.clear();
  }, [session.token, qc]);

  if (!session.token) return <LoginPage notice={session.notice} />;
  const Page = pageOf(route);
  return (
    <LiveProvider token={session.token}>
      <Layout route={route} deviceId={session.deviceId}>
        <Page />
      </Layout>
    </LiveProvider>
  );
}
