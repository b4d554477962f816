/** The public face of reach: the report of who can be reached, for the dashboard's view. Other features import only this; keep it to what they use. */
export { reachReport, type ReachReport } from './report';
