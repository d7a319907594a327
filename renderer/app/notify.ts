// Desktop notifications where the browser allows them. Permission is asked only from a click (a
// prompt on load is blocked by browsers and annoys people); without it, nothing is shown.
export type NotifyPermission = 'granted' | 'denied' | 'default' | 'unsupported';

function api(): typeof Notification | null {
  return typeof globalThis.Notification === 'function' ? globalThis.Notification : null;
}

export function notifyPermission(): NotifyPermission {
  return api()?.permission ?? 'unsupported';
}

/** Call from a user gesture only. */
export async function askNotifyPermission(): Promise<NotifyPermission> {
  const n = api();
  if (!n) return 'unsupported';
  try {
    return await n.requestPermission();
  } catch {
    return n.permission;
  }
}

/** Shows a notification when allowed and the window is not in front (the page says it already then). */
export function notify(title: string, body: string): void {
  const n = api();
  if (!n || n.permission !== 'granted') return;
  if (document.visibilityState === 'visible' && document.hasFocus()) return;
  try {
    new n(title, { body });
  } catch {
    // Some platforms allow notifications only from a service worker: the title and the page still say it.
  }
}
