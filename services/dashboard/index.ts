/** The public face of dashboard: what other features use. */
export { partnershipReport } from './partnership-report';
