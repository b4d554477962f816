/** The public face of retention: what other features use. */
export { eraseLeaver, exportSubject, subjectExportReports } from './subject';
