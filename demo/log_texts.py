"""The words of the demo's weekly logs and of the comments on them, in Swedish and
English. A week's text is picked with a random generator seeded by the trainee and
the week, so every run writes the same logs."""

from __future__ import annotations

import random

# A cohort's stretches, by weeks since its start: the introduction, then three
# stretches of prototype work (the last one with handover and job seeking).
PHASE_STARTS = (0, 4, 12, 20)


def phase(week_index: int) -> int:
    """0 for the introduction, 1 to 3 for the stretches of prototype work."""
    return sum(1 for start in PHASE_STARTS[1:] if week_index >= start)


# What the cohort studies each week (the education hours), in course order.
COURSE: dict[str, tuple[str, ...]] = {
    "sv": (
        "introduktion till labbet och agila arbetssätt",
        "Git och kodgranskning",
        "informationssäkerhet och GDPR i kommunen",
        "användarcentrerad design: intervjuteknik",
        "webbgrunder: HTML, CSS och tillgänglighet",
        "Python för automatisering",
        "SQL och datamodellering",
        "API:er och integrationer",
        "automatiserade tester",
        "digital tillgänglighet enligt WCAG",
        "kravanalys och user stories",
        "molntjänster och drift",
        "Docker och containrar",
        "säker kodning (OWASP)",
        "datavisualisering",
        "öppna data och kommunens datakatalog",
        "presentationsteknik: demo för beställaren",
        "teknisk dokumentation",
        "projektledning i små team",
        "offentlig upphandling för utvecklare",
        "CV-verkstad",
        "personligt brev och LinkedIn",
        "intervjuträning",
        "arbetsmarknaden för IT i regionen",
        "förändringsledning i offentlig sektor",
        "mentorsamtal och karriärplan",
        "fördjupning i det egna teknikområdet",
        "portfolio och avslutande reflektion",
    ),
    "en": (
        "introduction to the lab and agile ways of working",
        "Git and code review",
        "information security and GDPR in the municipality",
        "user-centred design: interviewing users",
        "web basics: HTML, CSS and accessibility",
        "Python for automation",
        "SQL and data modelling",
        "APIs and integrations",
        "automated testing",
        "digital accessibility (WCAG)",
        "requirements analysis and user stories",
        "cloud services and operations",
        "Docker and containers",
        "secure coding (OWASP)",
        "data visualisation",
        "open data and the municipality's data catalogue",
        "presenting a demo to the client",
        "technical documentation",
        "project management in small teams",
        "public procurement for developers",
        "CV workshop",
        "cover letters and LinkedIn",
        "interview training",
        "the region's IT job market",
        "change management in the public sector",
        "mentoring and a career plan",
        "going deeper in my own field",
        "portfolio and final reflection",
    ),
}
COURSE_LEAD = {"sv": "Utbildning: {topic}.", "en": "Education: {topic}."}

# What the trainee did, by phase; {p} is the prototype of the stretch.
DID: dict[str, tuple[tuple[str, ...], ...]] = {
    "sv": (
        (
            "Introduktion: kommunens IT-miljö, säkerhetsregler och hur labbet arbetar.",
            "Satte upp utvecklingsmiljön och gick igenom labbets Git-flöde med handledaren.",
            "Träffade förvaltningarna och lyssnade på hur de arbetar i dag.",
            "Övningsuppgift i par: en liten webbsida med formulär och databas.",
        ),
        (
            "Började på {p}: läste idén och ringde beställaren med frågor.",
            "Intervjuade två användare om {p} och skrev ner deras behov.",
            "Byggde en första fungerande version av {p}.",
            "Kodgranskning med handledaren; rättade det vi hittade i {p}.",
            "Arbetade med datamodellen i {p} och lade in testdata.",
            "Parprogrammerade på inloggningen till {p}.",
        ),
        (
            "Byggde vidare på {p}: sökning och filter.",
            "Användartest av {p} med tre personer från förvaltningen.",
            "Gjorde om startsidan i {p} efter användartestet.",
            "Skrev automatiska tester för de viktigaste flödena i {p}.",
            "Demo av {p} för förvaltningen; bra återkoppling på navigeringen.",
            "Kopplade {p} mot testmiljöns data.",
        ),
        (
            "Rättade buggar som förvaltningen rapporterat i {p}.",
            "Skrev överlämningsdokumentation för {p}.",
            "Arbetade med tillgängligheten i {p}: tangentbord och kontraster.",
            "Förberedde {p} för test hos förvaltningen: testdata och instruktioner.",
            "Jobbsökning: uppdaterade CV:t och sökte två tjänster. Fortsatte med {p}.",
            "Studiebesök hos ett IT-företag; resten av veckan {p}.",
        ),
    ),
    "en": (
        (
            "Introduction: the municipality's IT environment, security rules and how the "
            "lab works.",
            "Set up my development environment and went through the lab's Git flow.",
            "Met the departments and listened to how they work today.",
            "Pair exercise: a small web page with a form and a database.",
        ),
        (
            "Started on {p}: read the idea and called the department with questions.",
            "Interviewed two users about {p} and wrote down their needs.",
            "Built a first working version of {p}.",
            "Code review with my supervisor; fixed what we found in {p}.",
            "Worked on the data model of {p} and loaded test data.",
            "Pair programming on the sign-in of {p}.",
        ),
        (
            "Continued {p}: search and filters.",
            "User test of {p} with three people from the department.",
            "Reworked the start page of {p} after the user test.",
            "Wrote automated tests for the main flows of {p}.",
            "Demo of {p} for the department; good feedback on the navigation.",
            "Connected {p} to the test environment's data.",
        ),
        (
            "Fixed bugs the department reported in {p}.",
            "Wrote the handover documentation for {p}.",
            "Accessibility work on {p}: keyboard and contrast.",
            "Prepared {p} for the department's trial: test data and instructions.",
            "Job seeking: updated my CV and applied for two jobs. Continued on {p}.",
            "Study visit to an IT company; the rest of the week on {p}.",
        ),
    ),
}

LEARNED: dict[str, tuple[str, ...]] = {
    "sv": (
        "Att fråga användarna tidigt sparar mycket omarbete.",
        "Hur man skriver en pull request som är lätt att granska.",
        "Att dela upp stora uppgifter i små steg.",
        "Varför integrationer med verksamhetssystem tar tid.",
        "Hur man testar en sida med skärmläsare.",
        "Att skriva testet först gjorde koden enklare.",
        "Hur man förklarar tekniska val för någon som inte är utvecklare.",
        "Hur förvaltningen arbetar i vardagen, och vad som tar deras tid.",
        "Att en enkel prototyp räcker för att få bra återkoppling.",
        "Att ett CV ska visa resultat, inte bara arbetsuppgifter.",
    ),
    "en": (
        "Asking users early saves a lot of rework.",
        "How to write a pull request that is easy to review.",
        "To split big tasks into small steps.",
        "Why integrations with the departments' systems take time.",
        "How to test a page with a screen reader.",
        "Writing the test first made the code simpler.",
        "How to explain technical choices to someone who is not a developer.",
        "How the department works day to day, and what takes their time.",
        "A simple prototype is enough to get good feedback.",
        "A CV should show results, not only tasks.",
    ),
}

BLOCKERS: dict[str, tuple[str, ...]] = {
    "sv": (
        "Väntar på behörighet till testmiljön.",
        "Inget svar från förvaltningen om vilka fält som är obligatoriska.",
        "Testdatan från verksamhetssystemet saknas fortfarande.",
        "Datorn är på service; jobbar på en lånedator utan utvecklingsmiljö.",
    ),
    "en": (
        "Waiting for access to the test environment.",
        "No answer from the department about which fields are required.",
        "The test data from the department's system is still missing.",
        "My laptop is being repaired; the loan laptop has no development tools.",
    ),
}

# Comments: the supervisor's encouragement, the lab lead's follow-up.
SUPERVISOR_SAYS: dict[str, tuple[str, ...]] = {
    "sv": (
        "Bra jobbat den här veckan! Visa gärna det du byggt på fredagsdemon.",
        "Snyggt framsteg. Kom ihåg att skriva tester för det nya flödet.",
        "Fin reflektion om vad du lärt dig. Ta med den till nästa kodgranskning.",
        "Bra att du pratade med användarna. Lägg anteckningarna i teamets mapp.",
        "Dela gärna upp nästa uppgift i mindre delar, så blir granskningen lättare.",
    ),
    "en": (
        "Good work this week! Show what you built at Friday's demo.",
        "Nice progress. Remember to write tests for the new flow.",
        "Good reflection on what you learned. Bring it to the next code review.",
        "Good that you talked to the users. Put your notes in the team's folder.",
        "Try splitting the next task into smaller parts; it makes review easier.",
    ),
}
SUPERVISOR_ON_BLOCKER = {
    "sv": "Hör av dig direkt om det inte löser sig till måndag, så hjälper jag till.",
    "en": "Tell me at once if this is not solved by Monday, and I will help.",
}
LEAD_ON_BLOCKER = {
    "sv": "Tack för att du skriver det. Jag tar upp det med förvaltningen i morgon.",
    "en": "Thanks for writing this down. I will raise it with the department tomorrow.",
}
LEAD_ON_EDUCATION = {
    "sv": "Utbildningstimmarna blev få den här veckan. Planera in kursen nästa vecka.",
    "en": "Few hours of education this week. Please plan the course in next week.",
}
LEAD_SAYS: dict[str, tuple[str, ...]] = {
    "sv": (
        "Förvaltningen var nöjd med demon, bra jobbat!",
        "Kom ihåg CV-verkstaden på torsdag.",
        "Tack för en tydlig logg.",
    ),
    "en": (
        "The department liked the demo, well done!",
        "Remember the CV workshop on Thursday.",
        "Thank you for a clear log.",
    ),
}


def week_texts(
    rng: random.Random, language: str, week_index: int, prototype: str, offset: int
) -> dict[str, str]:
    """A week's `did`, `learned` and `prototypes_text` (blockers are the caller's).
    What was done takes the phase's lines in turn from `offset` (one per trainee), so
    weeks that follow each other differ and trainees differ from each other."""
    works = DID[language][phase(week_index)]
    work = works[(week_index + offset) % len(works)].format(p=prototype)
    course = COURSE[language][week_index % len(COURSE[language])]
    did = f"{work} {COURSE_LEAD[language].format(topic=course[0].upper() + course[1:])}"
    learned = rng.choice(LEARNED[language]) if rng.random() < 0.85 else ""
    return {"did": did, "learned": learned, "prototypes_text": prototype}
