// The admin routes of API.md "Administration", through the generated client.
import { api } from '../api/http';
import { listAudit, listAuditActions, listOutbox, retryOutboxItem } from '../client/sdk.gen';
import type { AuditActionRead, AuditEntryRead, OutboxItemRead } from '../client/types.gen';

export type OutboxItem = OutboxItemRead;
export type AuditEntry = AuditEntryRead;

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export async function failedWrites(cursor?: string): Promise<Page<OutboxItem>> {
  const page = await api(listOutbox({ query: { status: 'failed', cursor } }));
  return { items: page.items, next_cursor: page.next_cursor ?? null };
}

export async function retryWrite(id: string): Promise<OutboxItem> {
  return api(retryOutboxItem({ path: { item_id: id } }));
}

export interface AuditFilter {
  actor_id?: string;
  action?: string;
  /** From this instant on. */
  since?: string;
  /** Before this instant. */
  until?: string;
  cursor?: string;
}

export async function auditEntries(filter: AuditFilter): Promise<Page<AuditEntry>> {
  const page = await api(listAudit({ query: { ...filter, limit: 50 } }));
  return { items: page.items, next_cursor: page.next_cursor ?? null };
}

/** The actions the audit log knows, for its filter. */
export async function auditActions(): Promise<string[]> {
  const actions: AuditActionRead[] = await api(listAuditActions());
  return actions.map((a) => a.action);
}
