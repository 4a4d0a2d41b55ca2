-- Undoes the statement that calls it: the single-statement engagement write (loyalty/optimistic.ts)
-- calls it when its entry and its tier row did not both apply, so neither does.
CREATE OR REPLACE FUNCTION encore_abort(reason text) RETURNS boolean AS $$
BEGIN
	RAISE EXCEPTION '%', reason USING ERRCODE = 'serialization_failure';
END;
$$ LANGUAGE plpgsql VOLATILE;
