// Saves (PUT) and deletes (DELETE) a report definition through the shared JSON helper (which adds
// the CSRF header and reports a lost session).
import { sendJson } from '../lib/api.ts';
import type { ReportDetail } from './reportTypes.ts';

export function putReport(id: string, yaml: string): Promise<ReportDetail> {
  return sendJson<ReportDetail>('PUT', `/api/reports/${encodeURIComponent(id)}`, { yaml });
}

export async function deleteReport(id: string): Promise<void> {
  await sendJson<unknown>('DELETE', `/api/reports/${encodeURIComponent(id)}`);
}
