// Shown at Install (finding 1) while nobody could log in to the machine afterwards: the admin
// password is the generated one and was never shown or copied, and no SSH key is set.
import { useEffect, useState } from 'react';
import { useStore } from '../../app/context.js';

/** The Dashboard owns the current view; its Settings button is what the user would press. */
function openSettings(): void {
  const buttons = document.querySelectorAll<HTMLButtonElement>('nav[aria-label="Views"] button');
  Array.from(buttons)
    .find((b) => b.textContent?.trim() === 'Settings')
    ?.click();
}

export function InstallLoginWarning() {
  const store = useStore();
  const [loginKnown, setLoginKnown] = useState<boolean | null>(null);

  useEffect(() => {
    let live = true;
    store.api.call('GET /api/settings').then(
      (v) => live && setLoginKnown(v.loginKnown),
      () => live && setLoginKnown(null), // no answer: say nothing rather than guess
    );
    return () => {
      live = false;
    };
  }, [store]);

  if (loginKnown !== false) return null;
  return (
    <div className="note note-warn login-warning" role="note">
      <span>
        Nobody could log in to this machine once installed: its admin password is the generated one, which nobody has seen yet, and no SSH
        key is set.{' '}
      </span>
      <button type="button" className="link" onClick={openSettings}>
        Show the password or set a key in Settings
      </button>
    </div>
  );
}
