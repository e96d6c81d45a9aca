/**
 * The browser host's access token arrives in the URL fragment (#token=...), which browsers never
 * send to a server. We read it once, take it out of the address bar (so it isn't shoulder-surfed
 * or copied with the URL), and keep it in sessionStorage: per tab, gone when the tab closes, but
 * it survives a reload.
 */
const KEY = 'candlemark.token';

export function takeToken(): string | null {
  const m = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (m) {
    const token = decodeURIComponent(m[1]);
    try {
      sessionStorage.setItem(KEY, token);
    } catch {
      /* storage disabled: the token still lives in memory for this page */
    }
    const rest = window.location.hash.replace(/(^#|&)token=[^&]+/, '$1').replace(/^#&/, '#');
    history.replaceState(null, '', window.location.pathname + window.location.search + (rest === '#' ? '' : rest));
    return token;
  }
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}
