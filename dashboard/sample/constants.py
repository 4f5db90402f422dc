"""The sample generator's constants (``dashboard.sample.generator``): the file names, the word lists the schools
are named from, the profiles of levels, teams, meetings, surveys, votes and student groups, and every tuning number
of the culture trajectories. Only the generator reads them; changing one changes the sample's bytes.
"""

SCHOOLS_FILE = "schools.csv"
CPL_FILE = "cpl_meetings.csv"
TRUST_FILE = "trust_scores.csv"
READINESS_FILE = "readiness_votes.csv"
ACHIEVEMENT_FILE = "achievement.csv"

# --- Schools ---------------------------------------------------------------------------------
LEVELS = ("elementary", "middle", "high", "k8")
LEVEL_SHARES = (0.55, 0.20, 0.15, 0.10)
LEVEL_SUFFIX = {"elementary": "Elementary", "middle": "Middle School", "high": "High School", "k8": "K-8 School"}
LEVEL_ENROLLMENT = {"elementary": (250, 650), "middle": (400, 1000), "high": (700, 2200), "k8": (300, 800)}
# Small programmes (alternative academies) give tiny staff and student counts, so suppression is exercised.
SMALL_SCHOOL_SHARE = 0.04
MIN_SMALL_SCHOOLS = 2
SMALL_SCHOOL_LEVELS = ("k8", "high")
SMALL_SCHOOL_SUFFIX = "Academy"
SMALL_SCHOOL_ENROLLMENT = (30, 60)
STUDENTS_PER_TEACHER = 16
SUPPORT_STAFF_PER_TEACHER = (0.25, 0.45)

SCHOOLS_PER_NETWORK = 5
MAX_NETWORKS = 50
NETWORK_WORDS = (
    "North",
    "South",
    "East",
    "West",
    "Central",
    "Riverside",
    "Lakeside",
    "Hillside",
    "Valley",
    "Harbor",
    "Prairie",
    "Summit",
    "Mesa",
    "Canyon",
    "Bayview",
    "Forest",
    "Meadowland",
    "Ridgeline",
    "Coastal",
    "Highland",
    "Lowland",
    "Midtown",
    "Uptown",
    "Downtown",
    "Parkside",
    "Fairview",
    "Glenwood",
    "Brookside",
    "Oakdale",
    "Pinecrest",
    "Maplewood",
    "Cedarview",
    "Elmhurst",
    "Westgate",
    "Eastgate",
    "Northgate",
    "Southgate",
    "Crossroads",
    "Heritage",
    "Pioneer",
    "Gateway",
    "Horizon",
    "Frontier",
    "Sunrise",
    "Sunset",
    "Bridgeport",
    "Northeast",
    "Northwest",
    "Southeast",
    "Southwest",
)
PERSON_STEMS = (
    "Lincoln",
    "Jefferson",
    "Washington",
    "Roosevelt",
    "Franklin",
    "Madison",
    "Hamilton",
    "Douglass",
    "Tubman",
    "Chavez",
    "King",
    "Parks",
    "Earhart",
    "Carver",
    "Curie",
    "Keller",
    "Mann",
    "Dewey",
    "Whitman",
    "Thoreau",
    "Emerson",
    "Twain",
    "Alcott",
    "Hughes",
    "Angelou",
    "Marshall",
    "Banneker",
    "Muir",
    "Audubon",
    "Sequoyah",
    "Clemente",
    "Mendez",
    "Ride",
    "Glenn",
    "Armstrong",
    "Lovelace",
    "Hopper",
    "Johnson",
    "Bethune",
    "Kennedy",
)
PLACE_FIRST_WORDS = (
    "Cedar",
    "Maple",
    "Oak",
    "Pine",
    "Willow",
    "Aspen",
    "Birch",
    "Elm",
    "Spruce",
    "Hawthorne",
    "Juniper",
    "Magnolia",
    "Sycamore",
    "Laurel",
    "Cypress",
    "Alder",
    "Cherry",
    "Hickory",
    "Poplar",
    "Sequoia",
    "Silver",
    "Golden",
    "Green",
    "Blue",
    "Stone",
    "Eagle",
    "Falcon",
    "Fox",
    "Deer",
    "Sunny",
    "Clear",
    "Spring",
    "River",
    "Lake",
    "Mill",
    "Meadow",
    "North",
    "South",
    "East",
    "West",
    "Rose",
    "Holly",
    "Ivy",
    "Sage",
    "Timber",
    "Granite",
    "Crystal",
    "Bright",
)
PLACE_SECOND_WORDS = (
    "Ridge",
    "Hill",
    "Valley",
    "Park",
    "Grove",
    "Creek",
    "Heights",
    "Meadow",
    "Brook",
    "Crest",
    "Glen",
    "View",
    "Wood",
    "Field",
    "Point",
    "Springs",
    "Hollow",
    "Lake",
    "Bend",
    "Trail",
    "Landing",
    "Terrace",
    "Knoll",
    "Bluff",
    "Forest",
)

# --- Culture trajectories ------------------------------------------------------------------
# Kinds of school: (share of schools, starting culture mean and sd, total change over the sample years).
IMPROVING, STEADY, DECLINING = 0, 1, 2
TRAJECTORY_SHARES = (0.35, 0.35, 0.30)
TRAJECTORY_START = {IMPROVING: (-0.4, 0.5), STEADY: (0.1, 0.6), DECLINING: (0.4, 0.5)}
IMPROVING_CHANGE = (0.9, 1.6)  # uniform range of the total rise
STEADY_CHANGE_SD = 0.15
DECLINING_CHANGE = (0.6, 1.2)  # uniform range of the total fall
TRAJECTORY_CURVE = (0.6, 1.6)  # exponent range: early (<1) or late (>1) movers
CULTURE_YEAR_NOISE_SD = 0.12

# --- School calendar -----------------------------------------------------------------------
FIRST_WEEK_FROM = (8, 25)  # the first school week is the Monday on or after this (month, day)
LAST_WEEK_UNTIL = (6, 5)  # the last school week starts on or before this day of June
SPRING_BREAK_FROM = (3, 22)  # spring break is the week of the Monday on or after this day of March
VOTE_WINDOW_FROM = (4, 6)  # readiness votes fall in a window of school days from this day of April
VOTE_WINDOW_DAYS = 45

# --- CPL meetings ----------------------------------------------------------------------------
GRADE_TEAMS = ("Kindergarten Team", *tuple(f"Grade {g} Team" for g in range(1, 9)))
ELEMENTARY_GRADES = range(6)
MIDDLE_GRADES = range(6, 9)
K8_GRADES = range(9)
ELEMENTARY_CROSS_GRADE = ("Primary Cross-Grade Team", "Intermediate Cross-Grade Team", "K-5 Literacy Team")
K8_CROSS_GRADE = ("Middle Grades Cross-Grade Team", "K-8 Math Vertical Team", "Primary Cross-Grade Team")
MIDDLE_CONTENT = ("Math Department", "ELA Department", "Science Department", "Social Studies Department")
HIGH_CONTENT = (
    "Math Department",
    "English Department",
    "Science Department",
    "Social Studies Department",
    "World Languages Department",
)
HIGH_GRADE_TEAM = "Grade 9 Team"
ROLE_ALIKE_TEAMS = (
    "Special Education Team",
    "Instructional Coaches",
    "Counselors and Social Workers",
    "Multilingual Learner Specialists",
)
SMALL_SCHOOL_TEAMS = (("Whole Staff", "whole_staff"), ("Student Support Team", "role_alike"))
COMMUNITIES_OF_PRACTICE = (
    "Equity CoP",
    "Literacy CoP",
    "Restorative Practices CoP",
    "Multilingual Learners CoP",
    "Math Discourse CoP",
    "Culturally Responsive Teaching CoP",
)
ROLE_ALIKE_CHANCE = 0.4  # chance that a school other than a small one also runs a role-alike team
TEAM_SIZE = {  # (low, high) inclusive, before clipping to TEAM_SIZE_LIMITS
    "grade_level": (4, 8),
    "cross_grade": (6, 12),
    "content": (5, 13),
    "role_alike": (4, 7),
    "community_of_practice": (4, 11),
    "whole_staff": (4, 14),  # a whole-staff team is as large as the staff
}
TEAM_SIZE_LIMITS = (4, 14)
MEETING_WEEKDAY_WEIGHTS = (0.10, 0.30, 0.30, 0.25, 0.05)  # Monday..Friday
TYPICAL_DURATIONS = (30, 45, 45, 50, 60, 60, 60, 75, 90)
DURATION_LIMITS = (30, 90)
DURATION_CULTURE_MINUTES = 6
DURATION_NOISE_SD = 6
MOVED_MEETING_CHANCE = 0.10  # a meeting held on another day of its week
# Weekly meeting is a two-state chain per team: "active" teams almost always meet, "lapsed" ones rarely,
# which gives realistic multi-week gaps. The target share of weeks met follows the school's culture.
MEET_RATE_LOW, MEET_RATE_HIGH = 0.30, 0.95
MEET_RATE_SLOPE, MEET_RATE_SHIFT, MEET_RATE_TEAM_SD = 1.6, 0.6, 0.3
MEET_WHEN_ACTIVE, MEET_WHEN_LAPSED = 0.97, 0.05
RECOVERY_CHANCE = 0.30  # a lapsed team's chance of becoming active again each week
ATTENDANCE_LOW, ATTENDANCE_SPAN = 0.55, 0.40
ATTENDANCE_SLOPE, ATTENDANCE_SHIFT = 1.5, 0.8
ATTENDANCE_TEAM_SD, ATTENDANCE_LIMITS = 0.05, (0.30, 1.0)
MIN_ATTENDEES = 2
PROTOCOLS = ("Tuning Protocol", "Data Dive", "Looking at Student Work", "Consultancy", "Lesson Study")
PROTOCOL_WEIGHTS = (0.20, 0.30, 0.25, 0.15, 0.10)
NO_PROTOCOL_BASE, NO_PROTOCOL_SPAN = 0.10, 0.35  # blank protocol: more often where culture is weak
FOCUS_QUESTIONS = (
    "How might we raise the share of students reading on grade level?",
    "How might we use exit tickets to adjust tomorrow's lesson?",
    "How might we make math discourse routine in every class?",
    "How might we close the writing gap for our multilingual learners?",
    "How might we give students more voice in how they show mastery?",
    "How might we strengthen relationships with families of students we are not reaching?",
    "How might we reduce chronic absence in our grade?",
    "How might we design competency-based assessments for one unit?",
    "How might we use common formative assessments to group students flexibly?",
    "How might we make feedback on student work more timely and specific?",
    "How might we include students with disabilities in grade-level tasks?",
    "How might we build student ownership of learning goals?",
    "How might we use restorative circles to lower referrals?",
    "How might we align our grading with what students know and can do?",
    "How might we make every student feel they belong in advanced courses?",
    "How might we protect time for peer observation each month?",
)

# --- Trust survey --------------------------------------------------------------------------
FACETS = ("benevolence", "honesty", "openness", "reliability", "competence")
RESPONDENT_GROUPS = ("all_staff", "teachers", "support_staff")
SURVEY_WAVE = "spring"
SCALE_MAX = 5
SCALE_LIMITS = (1.2, 4.9)
TRUST_CENTRE, TRUST_SLOPE = 3.35, 0.45
FACET_OFFSET_MEAN, FACET_OFFSET_SD = 0.05, 0.08
WEAKEST_FACET_DROP = (0.25, 0.50)
FACET_RESPONSE_SD = 0.15  # facet-specific sensitivity to the culture trajectory
TEACHER_NOISE_SD = 0.07
SUPPORT_OFFSET_MEAN, SUPPORT_OFFSET_SD, SUPPORT_NOISE_SD = -0.05, 0.15, 0.15
FAVORABLE_MIDPOINT, FAVORABLE_SLOPE, FAVORABLE_NOISE_SD = 3.25, 2.4, 1.5
RESPONSE_CENTRE, RESPONSE_SLOPE, RESPONSE_SD = 0.75, 0.08, 0.10
RESPONSE_LIMITS = (0.20, 1.0)
SUPPORT_RESPONSE_FACTOR = 0.9
BREAKDOWN_SHARE = 0.5  # schools whose report also shows teachers and support staff (small ones always)

# --- Readiness votes -----------------------------------------------------------------------
READINESS_QUESTIONS = (
    "Are we ready to move to personalized, competency-based learning?",
    "Are we ready to adopt standards-based grading schoolwide?",
    "Are we ready to launch a student-led conference model?",
)
READINESS_QUESTION_WEIGHTS = (0.8, 0.1, 0.1)
THRESHOLD_DEFAULT, THRESHOLD_TWO_THIRDS, TWO_THIRDS_SHARE = 80, 67, 0.2
VOTE_SKIP_CHANCE = 0.15
TURNOUT = (0.70, 0.97)
ABSTAIN_CHANCE = 0.05
READY_SLOPE, READY_SHIFT, READY_NOISE_SD = 1.3, 0.9, 0.25

# --- Achievement ---------------------------------------------------------------------------
SUBJECTS = ("ELA", "Math")
SUBJECT_OFFSET = (0.0, -0.2)  # logit of proficiency
ALL_STUDENTS = "All Students"
RACE_GROUPS = (
    "American Indian/Alaska Native",
    "Asian",
    "Black/African American",
    "Hispanic/Latino",
    "Multi-Racial",
    "Pacific Islander",
    "White",
)
RACE_SHARES = (0.012, 0.07, 0.16, 0.30, 0.07, 0.008, 0.38)
RACE_CONCENTRATION = 12  # Dirichlet concentration: how far a school's mix strays from the district's
RACE_OFFSET = (-0.55, 0.55, -0.6, -0.4, 0.05, -0.35, 0.4)
PROGRAM_GROUPS = ("English Learners", "Students with Disabilities", "Economically Disadvantaged")
PROGRAM_SHARE_RANGE = ((0.04, 0.30), (0.10, 0.18), (0.20, 0.85))
PROGRAM_OFFSET = (-1.0, -1.3, -0.5)
GRADE_ALL = "All"
# the grades a school of each level tests (state tests run in grades 3 to 8 and once in high school), each beside
# the school's All rows
GRADES_BY_LEVEL = {
    "elementary": ("3", "4", "5"),
    "middle": ("6", "7", "8"),
    "high": ("11",),
    "k8": ("3", "4", "5", "6", "7", "8"),
}
TESTED_SHARE = {"elementary": 0.5, "middle": 0.95, "high": 0.3, "k8": 0.65}
TESTED_NOISE_SD = 0.04
ACHIEVEMENT_BASE, ACHIEVEMENT_BASE_SD, ACHIEVEMENT_CULTURE = -0.1, 0.5, 0.35
SCHOOL_GROUP_SD, SCHOOL_YEAR_SD = 0.15, 0.06
GAIN_PER_CULTURE = 0.4  # logit gain per unit of culture change since the first year
GAP_CLOSING = 0.4  # extra gain (or loss) for groups below the school's level, per unit of offset
DRIFT_SD = 0.45  # logit drift over the sample years that has nothing to do with culture
