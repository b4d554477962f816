import { buildTab } from '../tab/server/build-tab';

/** The tab's page and bundle, built once for the tests that serve or drive it. */
export default async function globalSetup(): Promise<void> {
  await buildTab();
}
