import {
  Body1,
  Button,
  Field,
  FluentProvider,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Select,
  Spinner,
  Tab,
  TabList,
  teamsDarkTheme,
  teamsHighContrastTheme,
  teamsLightTheme,
  Title3,
  tokens,
} from '@fluentui/react-components';
import { useEffect, useMemo, useState } from 'react';
import { ApiError, getJson, type Credential, type Me, type View } from './api';
import { Section11ReturnPage } from './section11';
import { EscalationsViewPage, ModuleReportPage, MyActionsView, PlanViewPage, QuestionnairesViewPage, ReachViewPage, TrainingViewPage } from './views';

export type ThemeName = 'default' | 'dark' | 'contrast';
const THEMES = { default: teamsLightTheme, dark: teamsDarkTheme, contrast: teamsHighContrastTheme };

const VIEW_NAMES: Record<View, string> = {
  'my-actions': 'My actions',
  plan: 'Action plan',
  escalations: 'Escalations',
  training: 'Training',
  questionnaires: 'Questionnaires',
  reach: 'Reach',
  's11-return': 'Section 11 return',
};

const useStyles = makeStyles({
  page: {
    minHeight: '100vh',
    boxSizing: 'border-box',
    padding: '12px 16px',
    background: tokens.colorNeutralBackground1,
    color: tokens.colorNeutralForeground1,
  },
  header: { display: 'flex', flexWrap: 'wrap', justifyContent: 'space-between', alignItems: 'baseline', gap: '8px' },
  // The views wrap onto more rows rather than scroll: every view stays in sight at 360 px, and
  // nothing clips a tab's focus ring (a scrolling box would).
  tabs: { margin: '8px 0 12px' },
  tabList: { flexWrap: 'wrap' },
  signin: { display: 'flex', flexDirection: 'column', gap: '12px', maxWidth: '420px' },
});

/** How the page was opened: inside Teams (SSO), locally with the development sign-in, or neither. */
export type Start = { kind: 'teams'; credential: Credential } | { kind: 'local'; secret: string } | { kind: 'outside' };

export function App(props: { start: Start; theme: ThemeName; onTheme?: (set: (t: ThemeName) => void) => void }) {
  const [theme, setTheme] = useState<ThemeName>(props.theme);
  useEffect(() => props.onTheme?.(setTheme), [props]);
  const s = useStyles();
  const [credential, setCredential] = useState<Credential | undefined>(props.start.kind === 'teams' ? props.start.credential : undefined);
  return (
    <FluentProvider theme={THEMES[theme]} className={s.page} data-theme={theme}>
      {props.start.kind === 'outside' ? (
        <MessageBar intent="info">
          <MessageBarBody>Open this dashboard in Microsoft Teams: it uses your Teams sign-in to show what you may see.</MessageBarBody>
        </MessageBar>
      ) : credential ? (
        <Dashboard credential={credential} local={props.start.kind === 'local'} onSignOut={() => setCredential(undefined)} />
      ) : (
        <LocalSignIn
          secret={props.start.kind === 'local' ? props.start.secret : ''}
          onSignIn={(personId, secret) => setCredential({ kind: 'local', personId, secret })}
        />
      )}
    </FluentProvider>
  );
}

/** Development only: the server offers it in local mode, on this computer, and nowhere else. */
function LocalSignIn(props: { secret: string; onSignIn: (personId: string, secret: string) => void }) {
  const s = useStyles();
  const [people, setPeople] = useState<{ id: string; name: string; roles: string[] }[]>();
  const [chosen, setChosen] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    getJson<{ people: { id: string; name: string; roles: string[] }[] }>('/api/tab/local/people', { kind: 'local-secret', secret: props.secret }).then(
      (d) => {
        setPeople(d.people);
        setChosen(d.people[0]?.id ?? '');
      },
      (e: unknown) => setError(e instanceof ApiError ? e.message : 'The server could not be reached.'),
    );
  }, [props.secret]);
  if (error)
    return (
      <MessageBar intent="error">
        <MessageBarBody>{error}</MessageBarBody>
      </MessageBar>
    );
  if (!people) return <Spinner label="Loading the directory…" />;
  return (
    <form className={s.signin} onSubmit={(e) => (e.preventDefault(), props.onSignIn(chosen, props.secret))}>
      <Title3>Local sign-in (development only)</Title3>
      <Body1>Outside Teams, in local mode, you can look at the dashboard as anyone in the directory. This is not available on a deployed server.</Body1>
      <Field label="Sign in as">
        <Select value={chosen} onChange={(_, d) => setChosen(d.value)}>
          {people.map((p) => (
            <option key={p.id} value={p.id}>{`${p.name} (${p.roles.join(', ')})`}</option>
          ))}
        </Select>
      </Field>
      <Button appearance="primary" type="submit" disabled={!chosen}>
        Sign in
      </Button>
    </form>
  );
}

function Dashboard(props: { credential: Credential; local: boolean; onSignOut: () => void }) {
  const s = useStyles();
  const [me, setMe] = useState<Me>();
  const [error, setError] = useState<ApiError>();
  // A view of the server's list, or `report:<name>` for a feature module's report (a link may name the report alone: ?view=partnership).
  const [view, setView] = useState<string>(() => new URLSearchParams(location.search).get('view') ?? 'my-actions');
  const shownReport = me && !me.views.includes(view as View) ? me.reports.find((r) => view === `report:${r.name}` || view === r.name) : undefined;
  useEffect(() => {
    getJson<Me>('/api/tab/me', props.credential).then(setMe, (e: unknown) =>
      setError(e instanceof ApiError ? e : new ApiError(0, 'NETWORK', 'The server could not be reached.')),
    );
  }, [props.credential]);
  const page = useMemo(() => {
    if (!me) return null;
    if (shownReport) return <ModuleReportPage key={shownReport.name} credential={props.credential} name={shownReport.name} title={shownReport.title} />;
    const shown = me.views.includes(view as View) ? (view as View) : 'my-actions';
    switch (shown) {
      case 'my-actions':
        return <MyActionsView credential={props.credential} />;
      case 'plan':
        return <PlanViewPage credential={props.credential} />;
      case 'escalations':
        return <EscalationsViewPage credential={props.credential} />;
      case 'training':
        return <TrainingViewPage credential={props.credential} me={me} />;
      case 'questionnaires':
        return <QuestionnairesViewPage credential={props.credential} />;
      case 'reach':
        return <ReachViewPage credential={props.credential} />;
      case 's11-return':
        return <Section11ReturnPage credential={props.credential} />;
    }
  }, [me, view, shownReport, props.credential]);
  if (error)
    return (
      <MessageBar intent="error">
        <MessageBarBody>{`${error.message} (${error.code})`}</MessageBarBody>
      </MessageBar>
    );
  if (!me) return <Spinner label="Signing in…" />;
  return (
    <main>
      <header className={s.header}>
        <Title3 as="h1">Safeguarding dashboard</Title3>
        <Body1>
          {me.name}
          {props.local && (
            <>
              {' (local sign-in) '}
              <Button size="small" appearance="subtle" onClick={props.onSignOut}>
                Change
              </Button>
            </>
          )}
        </Body1>
      </header>
      <nav className={s.tabs} aria-label="Views">
        <TabList
          className={s.tabList}
          selectedValue={shownReport ? `report:${shownReport.name}` : me.views.includes(view as View) ? view : 'my-actions'}
          onTabSelect={(_, d) => setView(String(d.value))}
        >
          {me.views.map((v) => (
            <Tab key={v} value={v}>
              {VIEW_NAMES[v]}
            </Tab>
          ))}
          {me.reports.map((r) => (
            <Tab key={`report:${r.name}`} value={`report:${r.name}`}>
              {r.title}
            </Tab>
          ))}
        </TabList>
      </nav>
      {page}
    </main>
  );
}
