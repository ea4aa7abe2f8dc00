-- Erased members (eventkit/personal.py): their resident ID reads as 已删除 and their birth
-- date as NULL, so the duplicate check ignores erased rows and the birth date may be absent.
ALTER TABLE members DROP CONSTRAINT members_resident_id_key;
CREATE UNIQUE INDEX members_resident_id_key ON members (resident_id) WHERE resident_id <> '已删除';
ALTER TABLE members ALTER COLUMN birth_date DROP NOT NULL;
