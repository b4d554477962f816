import { app, authentication } from '@microsoft/teams-js';
import { createRoot } from 'react-dom/client';
import { getJson } from './api';
import { App, type Start, type ThemeName } from './App';

/** Outside Teams, teams-js waits 60 s for a host that never answers: give it a moment only. */
const TEAMS_WAIT_MS = 1500;

const asTheme = (t: string | null | undefined): ThemeName | undefined => (t === 'dark' || t === 'contrast' || t === 'default' ? t : undefined);

async function start(): Promise<{ start: Start; theme: ThemeName; inTeams: boolean }> {
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
    return { start: { kind: 'teams', credential: { kind: 'sso', token: () => authentication.getAuthToken() } }, theme: fromUrl ?? asTheme(context.app.theme) ?? 'default', inTeams };
  }
  const mode = await getJson<{ localMode: boolean }>('/api/tab/mode').catch(() => ({ localMode: false }));
  return { start: mode.localMode ? { kind: 'local' } : { kind: 'outside' }, theme: fromUrl ?? 'default', inTeams };
}

start().then(({ start, theme, inTeams }) => {
  createRoot(document.getElementById('root')!).render(
    <App start={start} theme={theme} onTheme={inTeams ? (set) => app.registerOnThemeChangeHandler((t) => set(asTheme(t) ?? 'default')) : undefined} />,
  );
});
