// User-saved report definitions and saved views, kept in the warehouse (tables created on first
// use, like the other derived tables). Each row carries its user: views are per user, and saved
// reports remember who saved them.
import { sql } from '../warehouse/sql.ts';
import type { Warehouse } from '../warehouse/warehouse.ts';

const REPORTS = sql.id('report_definitions');
const VIEWS = sql.id('report_views');

export interface ReportStore {
  list(): Promise<{ id: string; yaml: string; user: string }[]>;
  save(id: string, yaml: string, user: string): Promise<void>;
  remove(id: string): Promise<void>;
  views(report: string, user: string): Promise<{ name: string; query: string }[]>;
  saveView(report: string, user: string, name: string, query: string): Promise<void>;
}

export function reportStore(warehouse: Warehouse): ReportStore {
  let ready: Promise<void> | undefined;
  const ensure = () => {
    ready ??= warehouse.execute([
      sql`create table if not exists ${REPORTS} (id varchar not null, yaml varchar not null, ${sql.id('user')} varchar not null, updated_us bigint not null)`,
      sql`create table if not exists ${VIEWS} (report varchar not null, ${sql.id('user')} varchar not null, name varchar not null, query varchar not null, created_us bigint not null)`,
    ]);
    return ready;
  };
  return {
    async list() {
      await ensure();
      const rows = await warehouse.query(
        sql`select id, yaml, ${sql.id('user')} as u from ${REPORTS} order by id`,
      );
      return rows.map((r) => ({ id: String(r.id), yaml: String(r.yaml), user: String(r.u) }));
    },
    async save(id, yaml, user) {
      await ensure();
      await warehouse.execute([
        sql`delete from ${REPORTS} where id = ${id}`,
        sql`insert into ${REPORTS} values (${id}, ${yaml}, ${user}, ${Date.now() * 1000})`,
      ]);
    },
    async remove(id) {
      await ensure();
      await warehouse.execute([
        sql`delete from ${REPORTS} where id = ${id}`,
        sql`delete from ${VIEWS} where report = ${id}`,
      ]);
    },
    async views(report, user) {
      await ensure();
      const rows = await warehouse.query(
        sql`select name, query from ${VIEWS} where report = ${report} and ${sql.id('user')} = ${user} order by name`,
      );
      return rows.map((r) => ({ name: String(r.name), query: String(r.query) }));
    },
    async saveView(report, user, name, query) {
      await ensure();
      await warehouse.execute([
        sql`delete from ${VIEWS} where report = ${report} and ${sql.id('user')} = ${user} and name = ${name}`,
        sql`insert into ${VIEWS} values (${report}, ${user}, ${name}, ${query}, ${Date.now() * 1000})`,
      ]);
    },
  };
}
