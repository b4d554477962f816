/** The public face of training: the catalogue, records, rates and reports, for the dashboards, surveys' follow-ups, retention and the demo. Other features import only this; keep it to what they use. */
export { courses, loadTrainingFigures, setUpTraining } from './catalogue';
export { counts, type TrainingRecord, type TrainingSummary } from './model';
export { type Breakdown, peoplePerGroup, type RateRow, ratesOfPairs, type RequiredPair, requiredPairs } from './rates';
export { namedOverdueList, overdueReport, trainingRatesReport } from './reports';
export { TrainingRepository } from './repository';
export { refreshTrainingSummaries } from './summaries';
export { PEOPLE_FIELDS, importPeople, requireKnownFields, type ImportSummary } from './import';
export { auditImport, importAgency, IMPORT_OPTIONS, mappingOption, printSummary } from './import-cli';
