// The control token arrives once, in the UI URL (`/?token=…`, printed by `bootbench serve` or
// opened by the desktop shell). It is taken out of the address bar at once, so that it does not
// end up in screenshots, bookmarks or the history, and kept in sessionStorage (this tab only,
// gone when the tab closes) so that a reload still works.
const KEY = 'bootbench.token';

export interface TokenLocation {
  href: string;
}

export interface TokenHistory {
  replaceState(data: unknown, unused: string, url: string): void;
}

/** Reads the token from `?token=` (removing it from the URL) or from the session; null when neither has one. */
export function takeToken(
  location: TokenLocation,
  history: TokenHistory,
  storage: Pick<Storage, 'getItem' | 'setItem'> | null,
): string | null {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    url.searchParams.delete('token');
    history.replaceState(null, '', `${url.pathname}${url.search}${url.hash}`);
    try {
      storage?.setItem(KEY, fromUrl);
    } catch {
      // storage may be disabled: the token still lives for this page
    }
    return fromUrl;
  }
  try {
    return storage?.getItem(KEY) ?? null;
  } catch {
    return null;
  }
}
