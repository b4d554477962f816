import { app, authentication } from '@microsoft/teams-js';
import { createRoot } from 'react-dom/client';
import { getJson } from './api';
import { App, type Start, type ThemeName } from './App';

/** Outside Teams, teams-js waits 60 s for a host that never answers: give it a moment only. */
const TEAMS_WAIT_MS = 1500;

const asTheme = (t: string | null | undefined): ThemeName | undefined => (t === 'dark' || t === 'contrast' || t === 'default' ? t : undefined);

/**
 * Local mode hands this run's secret to the page once, in the address `npm start` prints (a
 * fragment, which no request carries): kept for this browser tab only, and taken out of the
 * address bar so it is not bookmarked or shared with the address.
 */
function localSecret(): string {
  const handed = new URLSearchParams(location.hash.slice(1)).get('local-sign-in');
  if (handed) {
    sessionStorage.setItem('local-sign-in', handed);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem('local-sign-in') ?? '';
}

async function start(): Promise<{ start: Start; theme: ThemeName; inTeams: boolean }> {
  const secret = localSecret();
  const fromUrl = asTheme(new URLSearchParams(location.search).get('theme'));
  const inTeams = await Promise.race([
    app.initialize().then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((r) => setTimeout(() => r(false), TEAMS_WAIT_MS)),
  ]);
  if (inTeams) {
    const context = await app.getContext();
    return {
      start: { kind: 'teams', credential: { kind: 'sso', token: () => authentication.getAuthToken() } },
      theme: fromUrl ?? asTheme(context.app.theme) ?? 'default',
      inTeams,
    };
  }
  const mode = await getJson<{ localMode: boolean }>('/api/tab/mode').catch(() => ({ localMode: false }));
  return { start: mode.localMode ? { kind: 'local', secret } : { kind: 'outside' }, theme: fromUrl ?? 'default', inTeams };
}

start().then(({ start, theme, inTeams }) => {
  createRoot(document.getElementById('root')!).render(
    <App start={start} theme={theme} onTheme={inTeams ? (set) => app.registerOnThemeChangeHandler((t) => set(asTheme(t) ?? 'default')) : undefined} />,
  );
});
