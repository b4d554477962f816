import {
  Badge,
  Body1,
  Caption1,
  Field,
  Input,
  makeStyles,
  MessageBar,
  MessageBarBody,
  Select,
  Spinner,
  Subtitle2,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import { useEffect, useState, type ReactNode } from 'react';
import {
  ApiError,
  getJson,
  type ActionRow,
  type CampaignsView,
  type Credential,
  type EscalationsView,
  type Me,
  type ModuleReportView,
  type OverdueView,
  type PlanView,
  type Rag,
  type ReachChannel,
  type ReachView,
  type Report,
  type ResultsView,
  type TrainingView,
} from './api';
import { BAR_COLOURS, CountBars, PercentBars, RAG_COLOURS, StackedBars } from './charts';

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: '8px', marginBottom: '20px' },
  filters: { display: 'flex', flexWrap: 'wrap', gap: '12px', alignItems: 'end' },
  // A long option (a questionnaire's title) must not widen the page past a narrow panel.
  field: { maxWidth: '100%', minWidth: 0 },
  list: { display: 'flex', flexDirection: 'column', gap: '8px', padding: 0, margin: 0, listStyle: 'none' },
  item: { border: `1px solid ${tokens.colorNeutralStroke2}`, borderRadius: tokens.borderRadiusMedium, padding: '8px 10px' },
  overdue: { color: tokens.colorPaletteRedForeground1, fontWeight: tokens.fontWeightSemibold },
  scroll: { overflowX: 'auto' },
});

/** Narrow (a Teams side panel or a phone): tables turn into stacked lists. */
function useNarrow(): boolean {
  const query = '(max-width: 600px)';
  const [narrow, setNarrow] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const m = window.matchMedia(query);
    const on = () => setNarrow(m.matches);
    m.addEventListener('change', on);
    return () => m.removeEventListener('change', on);
  }, []);
  return narrow;
}

/** Loads one API resource; shows a spinner, then the view, or the server's own message. */
function useResource<T>(path: string | undefined, credential: Credential): { data?: T; error?: ApiError } {
  const [state, setState] = useState<{ data?: T; error?: ApiError }>({});
  useEffect(() => {
    if (!path) return;
    let live = true;
    setState({});
    getJson<T>(path, credential).then(
      (data) => live && setState({ data }),
      (e: unknown) => live && setState({ error: e instanceof ApiError ? e : new ApiError(0, 'NETWORK', 'The server could not be reached.') }),
    );
    return () => {
      live = false;
    };
  }, [path, credential]);
  return state;
}

function Loaded<T>(props: { state: { data?: T; error?: ApiError }; children: (data: T) => ReactNode }) {
  if (props.state.error) {
    return (
      <MessageBar intent="error">
        <MessageBarBody>
          {props.state.error.message} ({props.state.error.code})
        </MessageBarBody>
      </MessageBar>
    );
  }
  if (!props.state.data) return <Spinner label="Loading…" />;
  return <>{props.children(props.state.data)}</>;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

const formatDate = (iso?: string) =>
  iso ? new Date(`${iso}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' }) : 'no date';

function RagBadge(props: { status: Rag }) {
  const c = RAG_COLOURS[props.status];
  return (
    <Badge shape="rounded" style={{ background: c.fill, color: c.text, whiteSpace: 'nowrap' }}>
      {c.label}
    </Badge>
  );
}

/** A table when there is room; a list of small cards when narrow. */
function Rows<T>(props: { label: string; rows: T[]; columns: { name: string; cell: (row: T) => ReactNode }[]; keyOf: (row: T) => string; empty: string }) {
  const s = useStyles();
  const narrow = useNarrow();
  if (props.rows.length === 0) return <Body1>{props.empty}</Body1>;
  if (narrow) {
    return (
      <ul className={s.list} aria-label={props.label}>
        {props.rows.map((r) => (
          <li key={props.keyOf(r)} className={s.item}>
            {props.columns.map((c) => (
              <div key={c.name}>
                <Caption1>{c.name}: </Caption1>
                {c.cell(r)}
              </div>
            ))}
          </li>
        ))}
      </ul>
    );
  }
  return (
    // Focusable, so someone without a mouse can scroll a wide table sideways with the arrow keys.
    <div className={s.scroll} tabIndex={0}>
      {/* Sized by content, so a short reference does not get as much room as an action's description. */}
      <Table aria-label={props.label} size="small" style={{ tableLayout: 'auto' }}>
        <TableHeader>
          <TableRow>
            {props.columns.map((c) => (
              <TableHeaderCell key={c.name}>{c.name}</TableHeaderCell>
            ))}
          </TableRow>
        </TableHeader>
        <TableBody>
          {props.rows.map((r) => (
            <TableRow key={props.keyOf(r)}>
              {props.columns.map((c) => (
                <TableCell key={c.name}>{c.cell(r)}</TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

const cellText = (cell: Report['rows'][number][number]) => (cell === null ? '' : String(cell));

/** The one way the tab shows a report (or each section of one): its title, its table and its notes. */
export function ReportView(props: { report: Report | Report[] }) {
  const s = useStyles();
  const sections = Array.isArray(props.report) ? props.report : [props.report];
  return (
    <>
      {sections.map((section, n) => (
        <section key={`${n}|${section.title}`} className={s.section} aria-label={section.title}>
          <Subtitle2>{section.title}</Subtitle2>
          <Rows
            label={section.title}
            rows={section.rows.map((cells, i) => ({ i, cells }))}
            keyOf={(r) => String(r.i)}
            empty="Nothing to report."
            columns={section.headers.map((name, c) => ({ name, cell: (r: { cells: Report['rows'][number] }) => cellText(r.cells[c] ?? null) }))}
          />
          {(section.notes ?? []).map((note) => (
            <Caption1 key={note}>{note}</Caption1>
          ))}
        </section>
      ))}
    </>
  );
}

function actionColumns(s: ReturnType<typeof useStyles>) {
  return [
    { name: 'Ref', cell: (a: ActionRow) => a.ref },
    { name: 'Action', cell: (a: ActionRow) => a.description },
    { name: 'Lead', cell: (a: ActionRow) => a.leads || 'none' },
    { name: 'Status', cell: (a: ActionRow) => <RagBadge status={a.status} /> },
    { name: 'Due', cell: (a: ActionRow) => (a.overdue ? <span className={s.overdue}>{formatDate(a.due)} (overdue)</span> : formatDate(a.due)) },
  ];
}

export function MyActionsView(props: { credential: Credential }) {
  const s = useStyles();
  const state = useResource<{ actions: ActionRow[] }>('/api/tab/my-actions', props.credential);
  return (
    <Loaded state={state}>
      {(d) => (
        <section className={s.section} aria-label="My actions">
          <Subtitle2>{`My open actions (${d.actions.length})`}</Subtitle2>
          <Rows label="My open actions" rows={d.actions} columns={actionColumns(s)} keyOf={(a) => a.id} empty="You lead no open actions." />
        </section>
      )}
    </Loaded>
  );
}

const RAGS: Rag[] = ['B', 'G', 'A', 'R', 'NR'];

export function PlanViewPage(props: { credential: Credential }) {
  const s = useStyles();
  const [lead, setLead] = useState('');
  const [status, setStatus] = useState('');
  const query = new URLSearchParams({ ...(lead ? { lead } : {}), ...(status ? { status } : {}) }).toString();
  const state = useResource<PlanView>(`/api/tab/plan${query ? `?${query}` : ''}`, props.credential);
  const [leads, setLeads] = useState<string[]>([]);
  useEffect(() => {
    if (state.data && !lead && !status) setLeads(state.data.leads);
  }, [state.data, lead, status]);
  return (
    <section className={s.section} aria-label="Action plan">
      <div className={s.filters}>
        <Field label="Lead">
          <Select value={lead} onChange={(_, d) => setLead(d.value)}>
            <option value="">Everyone</option>
            {leads.map((l) => (
              <option key={l}>{l}</option>
            ))}
          </Select>
        </Field>
        <Field label="Status">
          <Select value={status} onChange={(_, d) => setStatus(d.value)}>
            <option value="">Any status</option>
            {RAGS.map((r) => (
              <option key={r} value={r}>
                {RAG_COLOURS[r].label}
              </option>
            ))}
          </Select>
        </Field>
      </div>
      <Loaded state={state}>
        {(d) => (
          <>
            <Subtitle2>{d.title}</Subtitle2>
            <Body1 data-testid="plan-totals">{`${d.actions.length} actions: ${RAGS.map((r) => `${d.totals[r]} ${RAG_COLOURS[r].label}`).join(', ')}`}</Body1>
            <StackedBars
              title="RAG status by learning point"
              legend={RAGS.map((r) => ({ name: RAG_COLOURS[r].label, fill: RAG_COLOURS[r].fill }))}
              rows={d.byLearningPoint.map((lp) => ({
                // Each bar is the learning point's whole share (100%), so its size is said in words.
                label: `${lp.learningPoint}. ${lp.title} (${plural(
                  RAGS.reduce((n, r) => n + lp.counts[r], 0),
                  'action',
                )})`,
                segments: RAGS.map((r) => ({ key: r, value: lp.counts[r], fill: RAG_COLOURS[r].fill, text: RAG_COLOURS[r].text, name: RAG_COLOURS[r].label })),
              }))}
            />
            <Subtitle2>{`Overdue (${d.overdue.length})`}</Subtitle2>
            <Rows label="Overdue actions" rows={d.overdue} columns={actionColumns(s)} keyOf={(a) => a.id} empty="Nothing is overdue." />
            <Subtitle2>{`All actions (${d.actions.length})`}</Subtitle2>
            <Rows label="All actions" rows={d.actions} columns={actionColumns(s)} keyOf={(a) => a.id} empty="No action matches." />
          </>
        )}
      </Loaded>
    </section>
  );
}

export function EscalationsViewPage(props: { credential: Credential }) {
  const s = useStyles();
  const state = useResource<EscalationsView>('/api/tab/escalations', props.credential);
  return (
    <Loaded state={state}>
      {(d) => (
        <section className={s.section} aria-label="Escalations">
          <Subtitle2>{`Open escalations (${d.escalations.length})`}</Subtitle2>
          <CountBars
            title="Open escalations by stage"
            name="Open"
            fill={BAR_COLOURS.alarm}
            rows={d.byStage.map((st) => ({ label: `Stage ${st.stage}: ${st.name}`, value: st.count }))}
          />
          <Rows
            label="Open escalations"
            rows={d.escalations}
            keyOf={(e) => e.id}
            empty="Nothing is open that you can see."
            columns={[
              { name: 'Ref', cell: (e) => e.ref },
              { name: 'What', cell: (e) => e.title },
              { name: 'Stage', cell: (e) => `${e.stage}: ${e.stageName}` },
              { name: 'Age', cell: (e) => plural(e.ageWorkingDays, 'working day') },
              {
                name: 'Deadline',
                cell: (e) => (e.pastDeadline ? <span className={s.overdue}>{formatDate(e.deadline)} (passed)</span> : formatDate(e.deadline)),
              },
              { name: 'Acknowledged', cell: (e) => (e.acknowledged ? 'yes' : 'no') },
            ]}
          />
        </section>
      )}
    </Loaded>
  );
}

export function TrainingViewPage(props: { credential: Credential; me: Me }) {
  const s = useStyles();
  const [by, setBy] = useState('department');
  const state = useResource<TrainingView>(`/api/tab/training?by=${by}`, props.credential);
  const named = props.me.may.namedOverdueList;
  const overdue = useResource<OverdueView>(named ? '/api/tab/training/overdue' : undefined, props.credential);
  return (
    <section className={s.section} aria-label="Training">
      <div className={s.filters}>
        <Field label="Completion by">
          <Select value={by} onChange={(_, d) => setBy(d.value)}>
            <option value="department">Department</option>
            <option value="role">Role</option>
            <option value="course">Course</option>
          </Select>
        </Field>
      </div>
      <Loaded state={state}>
        {(d) => (
          <>
            <Subtitle2>{`Training within validity, by ${d.by}, as at ${formatDate(d.asAt)}`}</Subtitle2>
            <PercentBars
              title={`Training completion by ${d.by}`}
              series={['Within validity', 'In the last 12 months']}
              rows={d.rows.map((r) => ({
                label: r.group,
                pct: r.pctWithinValidity,
                detail: `(${r.withinValidity} of ${r.required})`,
                compare: r.pctWithin12Months,
              }))}
            />
            <ReportView report={d.report} />
          </>
        )}
      </Loaded>
      {named && <Loaded state={overdue}>{(d) => <ReportView report={d.report} />}</Loaded>}
    </section>
  );
}

export function QuestionnairesViewPage(props: { credential: Credential }) {
  const s = useStyles();
  const list = useResource<CampaignsView>('/api/tab/questionnaires', props.credential);
  const [chosen, setChosen] = useState('');
  const campaignId = chosen || list.data?.campaigns[0]?.id;
  const results = useResource<ResultsView>(campaignId ? `/api/tab/questionnaires/${encodeURIComponent(campaignId)}` : undefined, props.credential);
  return (
    <section className={s.section} aria-label="Questionnaires">
      <Loaded state={list}>
        {(d) =>
          d.campaigns.length === 0 ? (
            <Body1>No questionnaire has been sent yet.</Body1>
          ) : (
            <div className={s.filters}>
              <Field label="Questionnaire" className={s.field}>
                <Select className={s.field} value={campaignId} onChange={(_, v) => setChosen(v.value)}>
                  {d.campaigns.map((c) => (
                    <option key={c.id} value={c.id}>
                      {`${c.title} (${c.status}, ${c.audience})`}
                    </option>
                  ))}
                </Select>
              </Field>
            </div>
          )
        }
      </Loaded>
      {campaignId && (
        <Loaded state={results}>
          {(r) => (
            <>
              <Subtitle2>{r.title}</Subtitle2>
              <Body1 data-testid="response-rate">{`${r.responded} of ${r.invited} answered (${r.responseRate}%)${r.anonymous ? '; anonymous' : ''}`}</Body1>
              {r.notice && <Body1 data-testid="results-withheld">{r.notice}</Body1>}
              {r.highlights.length > 0 && (
                <PercentBars title="Headlines" rows={r.highlights.map((h) => ({ label: h.label, pct: h.pct, detail: `(${h.count} of ${h.of})` }))} />
              )}
              {r.comparison && (
                <>
                  <Subtitle2>{`Straight after the course (${r.comparison.immediate.responses}) and three months on (${r.comparison.followUp.responses})`}</Subtitle2>
                  <PercentBars
                    title="Immediate and follow-up compared"
                    series={['Immediate', 'Three months on']}
                    rows={r.comparison.rows.map((c) => ({ label: `${c.text}: ${c.answer}`, pct: c.immediatePct, compare: c.followUpPct }))}
                  />
                </>
              )}
              {r.questions
                .filter((q) => q.options.length > 0)
                .map((q) => (
                  <div key={q.id}>
                    <Subtitle2>{`${q.text} (${q.answered} answered${q.mean === undefined ? '' : `; mean ${q.mean}`})`}</Subtitle2>
                    <PercentBars title={q.text} rows={q.options.map((o) => ({ label: o.label, pct: o.pct, detail: `(${o.count})` }))} />
                  </div>
                ))}
              {/* Withheld figures leave only the response rate, said above: no table to repeat it. */}
              {!r.notice && <ReportView report={r.report} />}
            </>
          )}
        </Loaded>
      )}
    </section>
  );
}

const REACH_NAMES: Record<ReachChannel, string> = { teams: 'Teams', email: 'Email', unreachable: 'Not reached' };
const REACH_ORDER: ReachChannel[] = ['teams', 'email', 'unreachable'];
/** A council's whole directory is tens of thousands of rows: more than a page can draw quickly or anyone can read. */
const REACH_ROWS_SHOWN = 500;
/** Names in the order people expect: "Staff 2" before "Staff 10". */
const BY_NAME = new Intl.Collator('en-GB', { numeric: true, sensitivity: 'base' });

/** Administrators only (the server refuses anyone else): how each person's reminders reach them, and why not in Teams. */
export function ReachViewPage(props: { credential: Credential }) {
  const s = useStyles();
  const state = useResource<ReachView>('/api/tab/reach', props.credential);
  const [shown, setShown] = useState<ReachChannel | ''>('');
  const [name, setName] = useState('');
  return (
    <Loaded state={state}>
      {(d) => {
        const total = REACH_ORDER.reduce((n, c) => n + d.counts[c], 0);
        const wanted = name.trim().toLocaleLowerCase('en-GB');
        // Those not reached first: they are the ones to act on.
        const matching = d.rows
          .filter((r) => (!shown || r.channel === shown) && (!wanted || r.name.toLocaleLowerCase('en-GB').includes(wanted)))
          .sort((a, b) => REACH_ORDER.indexOf(b.channel) - REACH_ORDER.indexOf(a.channel) || BY_NAME.compare(a.name, b.name));
        const rows = matching.slice(0, REACH_ROWS_SHOWN);
        return (
          <section className={s.section} aria-label="Reach">
            <Subtitle2>Who the reminders reach</Subtitle2>
            <Body1 data-testid="reach-counts">{`${total} ${total === 1 ? 'person' : 'people'}: ${d.counts.teams} in Teams, ${d.counts.email} by email, ${d.counts.unreachable} not reached`}</Body1>
            {d.problem && (
              <MessageBar intent="warning">
                <MessageBarBody data-testid="reach-problem">{`Microsoft Graph has refused to install the app for people since ${formatDate(d.problem.since.slice(0, 10))}: grant the app its Graph permissions (see the operations guide). ${d.problem.detail}`}</MessageBarBody>
              </MessageBar>
            )}
            {!d.emailEnabled && <Caption1>Email is not set up on this server, so nobody Teams cannot reach is emailed.</Caption1>}
            <CountBars
              title="How people are reached"
              name="People"
              fill={BAR_COLOURS.first}
              rows={REACH_ORDER.map((c) => ({ label: REACH_NAMES[c], value: d.counts[c] }))}
            />
            <div className={s.filters}>
              <Field label="Show">
                <Select value={shown} onChange={(_, v) => setShown(v.value as ReachChannel | '')}>
                  <option value="">Everyone</option>
                  {REACH_ORDER.map((c) => (
                    <option key={c} value={c}>
                      {`${REACH_NAMES[c]} (${d.counts[c]})`}
                    </option>
                  ))}
                </Select>
              </Field>
              <Field label="Name" className={s.field}>
                <Input value={name} onChange={(_, v) => setName(v.value)} placeholder="Find a person" />
              </Field>
            </div>
            {matching.length > rows.length && (
              <Caption1 data-testid="reach-truncated">{`Showing the first ${rows.length} of ${matching.length}: narrow the list by name or by how they are reached, or list everyone with "npm run cli -- delivery reach --out reach.xlsx".`}</Caption1>
            )}
            <Rows
              label="People and how they are reached"
              rows={rows}
              keyOf={(r) => r.personId}
              empty="Nobody to show."
              columns={[
                { name: 'Person', cell: (r) => r.name },
                {
                  name: 'Reached by',
                  cell: (r) => (
                    <Badge appearance="tint" color={r.channel === 'teams' ? 'success' : r.channel === 'email' ? 'informative' : 'danger'}>
                      {REACH_NAMES[r.channel]}
                    </Badge>
                  ),
                },
                { name: 'Why not Teams', cell: (r) => r.why || '—' },
              ]}
            />
          </section>
        );
      }}
    </Loaded>
  );
}

/** Any feature module's report, from its one declaration: the same table the card and the export show. */
export function ModuleReportPage(props: { credential: Credential; name: string; title?: string }) {
  const s = useStyles();
  const report = useResource<ModuleReportView>(`/api/tab/reports/${encodeURIComponent(props.name)}`, props.credential);
  return (
    <section className={s.section} aria-label={props.title ?? props.name}>
      <Loaded state={report}>
        {(d) => (
          <>
            <Body1>{`${d.title}, as at ${d.asAt.slice(0, 10)}. ${d.description}`}</Body1>
            <ReportView report={d.report} />
          </>
        )}
      </Loaded>
    </section>
  );
}
