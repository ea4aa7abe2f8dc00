-- Issue 12: the annual evaluation's grade and the year's League registration per member.
CREATE TABLE member_registrations (
    member_id   text NOT NULL,
    year        integer NOT NULL,
    unit_id     text NOT NULL,
    grade       text NOT NULL,
    registered  boolean NOT NULL,
    evaluated_on date NOT NULL,
    PRIMARY KEY (member_id, year)
);
CREATE INDEX member_registrations_unit ON member_registrations (unit_id, year);
