-- The engagement ledger is append-only: the database itself refuses to change or remove history.
CREATE OR REPLACE FUNCTION encore_reject_ledger_change() RETURNS trigger AS $$
BEGIN
	RAISE EXCEPTION 'engagements is append-only: % is not allowed (record a correcting entry instead)', TG_OP
		USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER engagements_no_update_delete
	BEFORE UPDATE OR DELETE ON engagements
	FOR EACH ROW EXECUTE FUNCTION encore_reject_ledger_change();
--> statement-breakpoint
CREATE TRIGGER engagements_no_truncate
	BEFORE TRUNCATE ON engagements
	FOR EACH STATEMENT EXECUTE FUNCTION encore_reject_ledger_change();
