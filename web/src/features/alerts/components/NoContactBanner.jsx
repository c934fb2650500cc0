import { useNotifyStatus } from '../api/notify.js';
import { configuredChannels } from '../utils/contactPoints.js';

// The router owns the URL's hash: move to the section by script, not by an anchor link.
function toContactPoints() {
  const el = document.getElementById('contact-points-title');
  el?.scrollIntoView?.({ block: 'start' });
  el?.focus();
}

/** Said loud when alerts would reach nobody (no channel configured); nothing otherwise. */
export function NoContactBanner() {
  const notify = useNotifyStatus();
  if (!notify.data || configuredChannels(notify.data).length) return null;
  return (
    <div className="notice no-contact" role="alert">
      <strong>Alerts reach nobody: set up a contact point.</strong> Alerts are shown here, but no email, webhook or
      Telegram message goes out. <button type="button" className="link-button" onClick={toContactPoints}>
        Set one up below
      </button>
    </div>
  );
}
