import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { DuckDBInstance } from '@duckdb/node-api'
const files = process.argv.slice(2)
const out = { hyparquet: { rows: 0, energy_wh: 0, cost: 0 }, duckdb: {} }
for (const f of files) {
  const file = await asyncBufferFromFile(f)
  const rows = await parquetReadObjects({ file, compressors })
  out.hyparquet.rows += rows.length
  for (const r of rows) { out.hyparquet.energy_wh += r.energy_wh ?? 0; out.hyparquet.cost += r.cost ?? 0 }
  out.hyparquet.first = out.hyparquet.first ?? { ...rows[0], bucket_start: String(rows[0].bucket_start), count: rows[0].count == null ? null : Number(rows[0].count) }
}
const db = await DuckDBInstance.create(':memory:')
const con = await db.connect()
const list = files.map(f => `'${f}'`).join(',')
const res = await con.runAndReadAll(`SELECT count(*)::BIGINT AS n, sum(energy_wh) AS e, sum(cost) AS c, min(bucket_start)::VARCHAR AS first, typeof(min(bucket_start)) AS t FROM read_parquet([${list}])`)
const row = res.getRowObjects()[0]
out.duckdb = { rows: Number(row.n), energy_wh: row.e, cost: row.c, first: row.first, type: row.t }
console.log(JSON.stringify(out))
