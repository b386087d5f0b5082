-- Every refresh moves its family's last_used_at. With an index on that column each of those updates wrote a
-- new entry into all four of the table's indexes; without it, and with room left on each page, the update
-- stays on its page (a HOT update) and touches no index. The idle sweep, the only reader of the column,
-- asks for "idle OR past its absolute lifetime" every few minutes, which that index never served.
DROP INDEX refresh_family_idle;
ALTER TABLE refresh_family SET (fillfactor = 70);
