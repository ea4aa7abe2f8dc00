"""The activities service's enums: the API's codes (their zh-CN and English labels are beside,
in `labels.py`). Its domain, schemas and events use these."""

from __future__ import annotations

WORKING_COMMITTEE_REGULAR = "working_committee_regular"

PRO_COMMITTEE_QUARTERLY_SUGGESTION = "pro_committee_quarterly_suggestion"

PRO_COMMITTEE_MONTHLY_INDUSTRY_INFO = "pro_committee_monthly_industry_info"

BRANCH_MONTHLY_YOUTH_EXCHANGE = "branch_monthly_youth_exchange"

TRAINING_NEW_TECH_CLASS = "training_new_tech_class"

BRANCH_ASSEMBLY = "branch_assembly"

BRANCH_COMMITTEE = "branch_committee"

LEAGUE_LECTURE = "league_lecture"

# id -> Chinese name as in the seed document (shown in calendars).
MEETING_TYPE_NAMES: dict[str, str] = {
    WORKING_COMMITTEE_REGULAR: "团工委工作例会",
    PRO_COMMITTEE_QUARTERLY_SUGGESTION: "专业团委发展建议会",
    PRO_COMMITTEE_MONTHLY_INDUSTRY_INFO: "专业团委行业信息资源共享会",
    BRANCH_MONTHLY_YOUTH_EXCHANGE: "团支部青年社员沟通交流会",
    TRAINING_NEW_TECH_CLASS: "知识培训和新技术推广课",
    BRANCH_ASSEMBLY: "团员大会",
    BRANCH_COMMITTEE: "支委会",
    LEAGUE_LECTURE: "团课",
}

MEETING_TYPES: tuple[str, ...] = tuple(MEETING_TYPE_NAMES)

# Kinds from the issue (DOMAIN.md section 3), as stable snake_case ids.
ACTIVITY_KINDS: tuple[str, ...] = (
    "product_exhibition",
    "study_tour",
    "information_service",
    "brand_matching",
    "marketing",
    "theme_education",
    "theme_league_day",
    "skills_training",
    "skills_competition",
    "e_commerce",
    "technology_service",
    "youth_culture_festival",
    "volunteering",
    "sports_culture",
    "matchmaking",
    "charity",
    "other",
)

# The seed's three lines of work (DOMAIN.md §3) and the kinds each holds; the activity and
# support platforms' kinds (exhibitions, brand matching, training, technology) serve the
# young entrepreneurs, so they are the entrepreneurship line. `other` has no line.
LINES_OF_WORK: dict[str, tuple[str, ...]] = {
    "ideological_guidance": ("theme_education", "theme_league_day"),
    "entrepreneurship": ("product_exhibition", "study_tour", "information_service",
                         "brand_matching", "marketing", "skills_training", "skills_competition",
                         "e_commerce", "technology_service"),
    "culture_public_welfare": ("youth_culture_festival", "volunteering", "sports_culture",
                               "matchmaking", "charity"),
}
LINE_OF_KIND: dict[str, str] = {k: line for line, kinds in LINES_OF_WORK.items() for k in kinds}
NO_LINE = "other"

# Issue 12: an attendee's role at a meeting, as of its date. The working committee's people
# (secretary, deputy secretaries, committee members: often government office heads who are not
# League members) attend its regular meeting beside League members; the heads of the
# cooperatives' League organizations hold a post (branch secretary) in their unit.
ATTENDEE_SECRETARY = "secretary"
ATTENDEE_DEPUTY_SECRETARY = "deputy_secretary"
ATTENDEE_COMMITTEE_MEMBER = "committee_member"
ATTENDEE_LEAGUE_ORG_HEAD = "league_organization_head"
ATTENDEE_MEMBER = "member"
ATTENDEE_ROLES: tuple[str, ...] = (ATTENDEE_SECRETARY, ATTENDEE_DEPUTY_SECRETARY,
                                   ATTENDEE_COMMITTEE_MEMBER, ATTENDEE_LEAGUE_ORG_HEAD,
                                   ATTENDEE_MEMBER)
# Who must be present for the working committee's regular meeting to count as held.
CHAIRING_ROLES: tuple[str, ...] = (ATTENDEE_SECRETARY, ATTENDEE_DEPUTY_SECRETARY)
