-- The root (working-committee unit) of each known unit: org gives a committee's root unit the
-- committee's id, so "units led by this township" can stay within the person's committee.
ALTER TABLE known_units ADD COLUMN root_id text;
CREATE INDEX known_units_root ON known_units (root_id, township);
