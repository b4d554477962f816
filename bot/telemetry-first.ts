import { loadConfig } from '../services/core/config';
import { startTelemetry, type Telemetry } from '../services/core/telemetry';

/**
 * Telemetry started before anything else of the app is required: the HTTP instrumentation patches
 * Node's http and https modules as they load. bot/main.ts imports this first. An invalid
 * configuration starts nothing here; main's own loadConfig then reports it in one line.
 */
function fromEnvironment(): Telemetry | undefined {
  let connectionString: string | undefined;
  try {
    connectionString = loadConfig().APPLICATIONINSIGHTS_CONNECTION_STRING;
  } catch {
    return undefined;
  }
  return startTelemetry(connectionString);
}

export const telemetry = fromEnvironment();
