"""The demo trainees as people: what each writes in their profile, which skills they
claim and the lab validates, how they spend their hours, which prototypes they work
on and which weeks they do not log. `demo.trainees` makes their journey from this
through the services; `demo.log_texts` holds the words of their weekly logs."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from trainees.models import ValidationMethod

# Titles of demo ideas (see IDEAS in the load_demo command), named in the logs' free text.
LEKPLATSER = "Felanmälan av lekplatser med mobilen"
FRANVARO = "Automatisk sammanställning av frånvaro"
LOKALER = "Översikt av lediga lokaler"
GATUBELYSNING = "Karta över trasig gatubelysning"

M = ValidationMethod
GIT = "https://git.demokommunen.example/labbet"

# (practical, education) hours of a week and how often such a week comes.
Hours = tuple[tuple[tuple[Decimal, Decimal], int], ...]


def _hours(*weeks: tuple[str, str, int]) -> Hours:
    return tuple(((Decimal(p), Decimal(e)), weight) for p, e, weight in weeks)


# Mostly 32 + 8 (20 % education, the target); now and then a week below it, a short week.
STEADY = _hours(
    ("32", "8", 62),
    ("30", "10", 8),
    ("33.5", "6.5", 8),
    ("35", "5", 8),
    ("24", "8", 6),
    ("16", "4", 4),
    ("31", "9", 4),
)
# Deep in the practical work: education keeps slipping below the target.
PRACTICAL_HEAVY = _hours(
    ("32", "8", 25),
    ("34", "6", 30),
    ("35", "5", 25),
    ("36", "4", 15),
    ("30", "10", 5),
)


@dataclass(frozen=True)
class SkillPlan:
    """A skill the trainee adds with a self-assessed level and evidence; `validated` is
    the lab lead's (level, method, evidence), or None while not yet validated."""

    skill_en: str
    level: int
    note: str
    link: str = ""
    validated: tuple[int, str, str] | None = None


@dataclass(frozen=True)
class Persona:
    email: str
    language: str  # the language the trainee writes in (and gets emails in)
    background: str
    work_experience: str
    languages: str
    wants_to_work_with: str
    skills: tuple[SkillPlan, ...]
    # The prototype of each stretch after the introduction (see `demo.log_texts.phase`).
    prototypes: tuple[str, str, str] = (LEKPLATSER, LOKALER, LOKALER)
    hours: Hours = STEADY
    skipped_weeks: frozenset[int] = frozenset()  # weeks (from the start) never logged
    weeks_behind: int = 0  # the latest weeks, not logged yet
    blocked_now: str = ""  # the blocker in the latest log
    left_open: tuple[str, ...] = ()  # milestones (English name) left open when due
    done_early: tuple[str, ...] = ()  # milestones done before they are due


PERSONAS = (
    Persona(
        email="trainee1@demo.labportal.se",
        language="sv",
        background="Yrkeshögskoleexamen i webbutveckling (2021). Kurser i Python och Django.",
        work_experience="Två år som lagerarbetare; frilansuppdrag med webbplatser åt föreningar.",
        languages="svenska, dari, engelska",
        wants_to_work_with="Webbutveckling i backend, gärna i offentlig sektor.",
        skills=(
            SkillPlan(
                "Python",
                3,
                "Skrev backend till lekplatsprototypen.",
                f"{GIT}/lekplatser",
                (3, M.PROTOTYPE, "API:t i Felanmälan av lekplatser, granskat i kodgranskning."),
            ),
            SkillPlan(
                "Django",
                3,
                "Formulär, vyer och behörigheter i två prototyper.",
                f"{GIT}/lokaler",
                (2, M.TASK, "Uppgift: en vy med behörighetskontroll, löst med visst stöd."),
            ),
            SkillPlan(
                "Version control with Git",
                3,
                "Arbetar med grenar och pull requests varje dag.",
                validated=(3, M.TASK, "Löste en merge-konflikt och skrev en tydlig pull request."),
            ),
            SkillPlan("JavaScript", 2, "Lite interaktivitet i formulären."),
            SkillPlan("Automated testing", 2, "Pytest-tester för lekplatsprototypen."),
        ),
        done_early=("Reference agreed",),
    ),
    Persona(
        email="trainee2@demo.labportal.se",
        language="sv",
        background="Kandidatexamen i statistik (Uppsala universitet). Microsoft-certifikat PL-300.",
        work_experience="Ekonomiassistent i tre år; rapporter i Excel åt en bilfirma.",
        languages="svenska, engelska, spanska",
        wants_to_work_with="Dataanalys och rapporter som hjälper verksamheten att fatta beslut.",
        skills=(
            SkillPlan(
                "Data analysis",
                3,
                "Analysen bakom frånvarosammanställningen.",
                f"{GIT}/franvaro",
                (3, M.PROTOTYPE, "Frånvaroanalysen stämde mot skolornas egna siffror."),
            ),
            SkillPlan(
                "Power BI",
                3,
                "Rapporten som rektorerna använder.",
                "https://rapporter.demokommunen.example/franvaro",
                (3, M.PROTOTYPE, "Byggde frånvarorapporten självständigt; förklarade valen väl."),
            ),
            SkillPlan(
                "SQL and relational databases",
                2,
                "Frågor mot elevregistrets testkopia.",
                validated=(2, M.TASK, "Frågor med join och gruppering; fönsterfunktioner nya."),
            ),
            SkillPlan("Excel for analysis", 4, "Pivottabeller och Power Query i flera år."),
            SkillPlan("Python", 1, "Har börjat med pandas i utbildningen."),
        ),
        prototypes=(FRANVARO, FRANVARO, GATUBELYSNING),
        skipped_weeks=frozenset({9, 10}),  # home sick
    ),
    Persona(
        email="trainee3@demo.labportal.se",
        language="sv",
        background="Högskoleingenjör i datateknik (2019).",
        work_experience="Utvecklare i .NET på ett konsultbolag i två år, sedan föräldraledig.",
        languages="svenska, portugisiska, engelska",
        wants_to_work_with="Integrationer och system som många använder.",
        skills=(
            SkillPlan(
                "C#/.NET",
                3,
                "Två år som utvecklare på konsultbolag.",
                validated=(3, M.INTERVIEW, "Intagsintervju: gick igenom ett tidigare projekt."),
            ),
            SkillPlan("Windows Server and Active Directory", 3, "Drift i tidigare jobb."),
            SkillPlan("Microsoft 365 and Power Platform", 2, "Enkla flöden i Power Automate."),
            SkillPlan("Project management", 2, "Ledde ett litet team i ett kundprojekt."),
        ),
    ),
    Persona(
        email="trainee4@demo.labportal.se",
        language="sv",
        background="Frontendutvecklare, yrkeshögskola (2022). Grafisk formgivning på folkhögskola.",
        work_experience="Butikssäljare; praktik på en webbyrå under utbildningen.",
        languages="svenska, polska, engelska",
        wants_to_work_with="Gränssnitt som är lätta att använda för alla.",
        skills=(
            SkillPlan(
                "Web development (front end)",
                3,
                "Examensprojekt: bokningssida för en frisör.",
                "https://portfolio.example/dana",
                (2, M.INTERVIEW, "Intagsintervju: visade sin portfolio och förklarade koden."),
            ),
            SkillPlan("React", 2, "Kurs och ett eget hobbyprojekt."),
            SkillPlan("TypeScript", 2, "Använde det på praktiken."),
            SkillPlan("Graphic design", 3, "Affischer och logotyper åt föreningar."),
        ),
    ),
    Persona(
        email="trainee5@demo.labportal.se",
        language="sv",
        background="Kandidatexamen i interaktionsdesign (Malmö universitet).",
        work_experience="Kundtjänst på ett elbolag; UX-praktik på en app-byrå.",
        languages="svenska, engelska",
        wants_to_work_with="UX-design och användartester i tjänster för medborgare.",
        skills=(
            SkillPlan(
                "UX design",
                3,
                "Flöden och skisser för lekplatsappen.",
                "https://www.figma.example/elin/lekplatser",
                (3, M.PROTOTYPE, "Designade felanmälan så att förvaltningen tog den i bruk."),
            ),
            SkillPlan(
                "User testing",
                3,
                "Ledde fem användartester med parkarbetare.",
                validated=(3, M.PROTOTYPE, "Planerade och ledde testerna, sammanfattade fynden."),
            ),
            SkillPlan(
                "Prototyping and wireframes (Figma)",
                4,
                "Klickbara prototyper i alla projekt.",
                validated=(3, M.TASK, "Uppgift: prototyp av ett bokningsflöde på en dag."),
            ),
            SkillPlan("Digital accessibility (WCAG)", 2, "Kurs i labbet och kontroller i Figma."),
            SkillPlan("HTML and CSS", 2, "Kan bygga enkla sidor."),
        ),
        weeks_behind=2,
    ),
    Persona(
        email="trainee6@demo.labportal.se",
        language="en",
        background="BSc in Computer Science (University of Aleppo). Oracle Java certificate.",
        work_experience="Five years as a Java developer at a bank in Damascus.",
        languages="Arabic, English, Swedish (SFI level D)",
        wants_to_work_with="Back-end development and integrations; I want to improve my Swedish.",
        skills=(
            SkillPlan(
                "Java",
                4,
                "Five years of banking systems in Java.",
                validated=(4, M.INTERVIEW, "Intake interview: explained a payment system design."),
            ),
            SkillPlan(
                "SQL and relational databases",
                3,
                "Oracle and PostgreSQL at work.",
                validated=(3, M.TASK, "Task: designed the data model for the room overview."),
            ),
            SkillPlan(
                "APIs and integrations",
                3,
                "REST API between the attendance system and the report.",
                f"{GIT}/franvaro-api",
                (2, M.PROTOTYPE, "Built the attendance import with support on authentication."),
            ),
            SkillPlan("C#/.NET", 2, "A course; the municipality's systems use it."),
            SkillPlan("Containers (Docker)", 2, "Runs the prototypes locally in Docker."),
            SkillPlan("Agile ways of working (Scrum, Kanban)", 3, "Scrum at the bank."),
        ),
        prototypes=(FRANVARO, LOKALER, GATUBELYSNING),
        blocked_now="Still waiting for an account on the street lighting system's test server.",
    ),
    Persona(
        email="trainee7@demo.labportal.se",
        language="sv",
        background="Nätverkstekniker, yrkeshögskola (2018). CCNA.",
        work_experience="IT-support på en skola i fyra år; Linux-drift på ett hostingbolag.",
        languages="svenska, finska",
        wants_to_work_with="Drift, moln och säkerhet.",
        skills=(
            SkillPlan(
                "Linux",
                4,
                "Drift av servrar på hostingbolaget.",
                validated=(3, M.TASK, "Satte upp prototypernas testserver med visst stöd."),
            ),
            SkillPlan(
                "Networking",
                3,
                "CCNA och fyra år i skolans nät.",
                validated=(3, M.INTERVIEW, "Samtal om felsökning i skolans nätverk."),
            ),
            SkillPlan(
                "Containers (Docker)",
                3,
                "Docker-filer för alla prototyper i labbet.",
                f"{GIT}/drift",
                (2, M.PROTOTYPE, "Containrar för lekplatsappen; hälsokontroller saknades först."),
            ),
            SkillPlan("Cloud services", 2, "Kurs i Azure."),
            SkillPlan("IT support", 4, "Fyra år på skola."),
            SkillPlan("Information security", 2, "Labbets säkerhetsutbildning."),
        ),
        prototypes=(LEKPLATSER, FRANVARO, LOKALER),
        hours=PRACTICAL_HEAVY,
        left_open=("Profile on a job site",),
    ),
    Persona(
        email="trainee8@demo.labportal.se",
        language="en",
        background="MSc in Data Science (University of Khartoum). Online courses in Python.",
        work_experience="Data analyst at a telecom company for three years.",
        languages="Arabic, English, Swedish (SFI level C)",
        wants_to_work_with="Data analysis and machine learning in the public sector.",
        skills=(
            SkillPlan(
                "Python",
                3,
                "Cleaning and analysing the attendance data with pandas.",
                f"{GIT}/franvaro",
                (3, M.PROTOTYPE, "Wrote the attendance analysis scripts on her own."),
            ),
            SkillPlan(
                "Data visualisation and BI",
                2,
                "Charts for the headteachers.",
                validated=(2, M.PROTOTYPE, "Charts in the attendance report, revised after tests."),
            ),
            SkillPlan(
                "Data protection and GDPR",
                2,
                "The lab's GDPR course; pseudonymised test data.",
                validated=(2, M.INTERVIEW, "Explained how the pupils' data was pseudonymised."),
            ),
            SkillPlan("Machine learning", 2, "Churn models at the telecom company."),
            SkillPlan("Open data", 2, "Looked at the municipality's open data catalogue."),
        ),
        prototypes=(FRANVARO, FRANVARO, LOKALER),
        blocked_now="The room booking export has no end times; asked the department.",
    ),
)
