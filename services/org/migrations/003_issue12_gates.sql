-- Issue 12: an open leadership problem after establishment ({since, problems}).
ALTER TABLE committees ADD COLUMN leadership_problem jsonb;
