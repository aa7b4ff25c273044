// The UUID shape of every id in the database: checked before a query, so a malformed id is "not found", never a database error.
export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
