import { useNotifyStatus } from '../api/notify.js';
import { configuredChannels } from '../utils/contactPoints.js';
import './notify.css';

// The router owns the URL's hash: move to the section by script, not by an anchor link.
function toContactPoints() {
  const el = document.getElementById('contact-points-title');
  el?.scrollIntoView?.({ block: 'start' });
  el?.focus();
}

/**
 * Said on every page when alerts would reach nobody (no channel configured); nothing otherwise.
 * On the Alerts page it leads to the contact points, elsewhere to the Alerts page.
 */
export function NoContactBanner({ onAlertsPage = false }) {
  const notify = useNotifyStatus();
  if (!notify.data || configuredChannels(notify.data).length) return null;
  return (
    <div className="notice no-contact" role="alert">
      <strong>Alerts reach nobody: set up a contact point.</strong> Alerts are shown in the console, but no email,
      webhook or Telegram message goes out.{' '}
      {onAlertsPage ? (
        <button type="button" className="link-button" onClick={toContactPoints}>
          Set one up below
        </button>
      ) : (
        <a href="#/alerts">Set one up on the Alerts page</a>
      )}
    </div>
  );
}
