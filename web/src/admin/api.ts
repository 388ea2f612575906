// Admin routes of API.md "Administration" that the generated client may not have yet.
import { api } from '../api/http';
import { client } from '../client/client.gen';

export interface OutboxItem {
  id: string;
  booking_id: string | null;
  kind: string;
  attempts: number;
  last_error: string | null;
  updated_at: string;
}

export interface Actor {
  id: string;
  name: string;
  email: string;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor_id: string | null;
  actor?: Actor | null;
  action: string;
  subject_type: string;
  subject_id: string;
  detail: Record<string, unknown>;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export async function failedWrites(cursor?: string): Promise<Page<OutboxItem>> {
  return api(
    client.get<{ 200: Page<OutboxItem> }, unknown, false>({
      url: '/api/v1/admin/outbox',
      query: { status: 'failed', cursor },
    }),
  );
}

export async function retryWrite(id: string): Promise<OutboxItem> {
  return api(
    client.post<{ 200: OutboxItem }, unknown, false>({
      url: '/api/v1/admin/outbox/{item_id}/retry',
      path: { item_id: id },
    }),
  );
}

export interface AuditFilter {
  actor_id?: string;
  action?: string;
  start?: string;
  end?: string;
  cursor?: string;
}

export async function auditEntries(filter: AuditFilter): Promise<Page<AuditEntry>> {
  return api(
    client.get<{ 200: Page<AuditEntry> }, unknown, false>({
      url: '/api/v1/admin/audit',
      query: { ...filter, limit: 50 },
    }),
  );
}

/** The actions the audit log knows, for its filter. */
export async function auditActions(): Promise<string[]> {
  return api(client.get<{ 200: string[] }, unknown, false>({ url: '/api/v1/admin/audit/actions' }));
}
