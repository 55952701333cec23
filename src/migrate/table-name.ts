export interface TableName {
  schema?: string;
  name: string;
  /** Quoted for SQL. */
  sql: string;
}

export function parseTableName(raw: string): TableName | string {
  const match = /^(?:([A-Za-z_][A-Za-z0-9_]*)\.)?([A-Za-z_][A-Za-z0-9_]*)$/.exec(raw.trim());
  if (!match) return `"${raw}" is not a table name; expected e.g. schema_migrations or app.schema_migrations`;
  const [, schema, name] = match as unknown as [string, string | undefined, string];
  return tableName(name, schema);
}

export function tableName(name: string, schema?: string): TableName {
  const quote = (id: string) => `"${id}"`;
  return { schema, name, sql: schema ? `${quote(schema)}.${quote(name)}` : quote(name) };
}
