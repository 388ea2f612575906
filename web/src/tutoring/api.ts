// Saving a tutor's settings: PATCH with only what changed, so a setting the page did not
// touch keeps its value even if it changed elsewhere since the page read it.
import { api } from '../api/http';
import { changeSettings, readSettings } from '../client/sdk.gen';
import { changedFields, type Settings } from './settings';

export async function loadSettings(): Promise<Settings> {
  return api(readSettings());
}

/** The settings as saved; nothing is sent when nothing changed. */
export async function saveSettings(before: Settings, after: Settings): Promise<Settings> {
  const changes = changedFields(before, after);
  if (Object.keys(changes).length === 0) return before;
  return api(changeSettings({ body: changes }));
}
