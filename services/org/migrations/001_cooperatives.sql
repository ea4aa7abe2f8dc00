CREATE TABLE cooperatives (
    id                     text PRIMARY KEY,
    uscc                   text NOT NULL UNIQUE,
    name                   text NOT NULL,
    chair                  text NOT NULL,
    township               text NOT NULL,
    industry_category      text NOT NULL,
    product                text NOT NULL,
    business_mode          text NOT NULL,
    members                integer NOT NULL,
    farmer_members         integer NOT NULL,
    young_people_under_35  integer NOT NULL,
    league_members         integer NOT NULL,
    party_org_present      boolean NOT NULL,
    league_org_present     boolean NOT NULL,
    supply_coop_relation   text NOT NULL,
    registered_at          timestamptz NOT NULL,
    updated_at             timestamptz NOT NULL,
    version                integer NOT NULL
);
CREATE INDEX cooperatives_industry ON cooperatives (industry_category, id);
CREATE INDEX cooperatives_township ON cooperatives (township, id);
