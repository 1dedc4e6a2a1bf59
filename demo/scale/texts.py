"""Words for generated rows: names, idea titles, short texts. Swedish, as the
municipalities would write them."""

from __future__ import annotations

import random

FIRST_NAMES = [
    "Alva",
    "Amir",
    "Anna",
    "Astrid",
    "Axel",
    "Bea",
    "Cesar",
    "Dana",
    "Ebba",
    "Elias",
    "Elin",
    "Emil",
    "Erik",
    "Farah",
    "Filip",
    "Freja",
    "Gustav",
    "Hanna",
    "Hassan",
    "Hiba",
    "Hugo",
    "Ida",
    "Isak",
    "Jonas",
    "Julia",
    "Karin",
    "Klara",
    "Lars",
    "Leo",
    "Liam",
    "Linnea",
    "Lucas",
    "Maja",
    "Maria",
    "Mohammed",
    "Nils",
    "Noah",
    "Nora",
    "Olivia",
    "Omar",
    "Oscar",
    "Per",
    "Sara",
    "Selma",
    "Sofia",
    "Tove",
    "Vera",
    "Viktor",
    "Wilma",
    "Yusuf",
    "Zahra",
]
LAST_NAMES = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Jönsson",
    "Lindberg",
    "Jakobsson",
    "Magnusson",
    "Olofsson",
    "Lindström",
    "Lindqvist",
    "Lindgren",
    "Berg",
    "Axelsson",
    "Bergström",
    "Lundberg",
    "Lind",
    "Lundgren",
    "Lundqvist",
    "Mattsson",
    "Berglund",
    "Fredriksson",
    "Sandberg",
    "Henriksson",
    "Ali",
    "Mohamed",
    "Hussein",
    "Ahmed",
    "Nguyen",
    "Kaya",
    "Yilmaz",
    "Novak",
    "Haddad",
]

DEPARTMENTS = (
    "Socialförvaltningen",
    "Utbildningsförvaltningen",
    "Tekniska förvaltningen",
    "Kultur- och fritidsförvaltningen",
    "Miljö- och byggförvaltningen",
    "Kommunledningsförvaltningen",
    "Vård- och omsorgsförvaltningen",
    "Arbetsmarknadsförvaltningen",
    "Samhällsbyggnadsförvaltningen",
    "Serviceförvaltningen",
    "Förskoleförvaltningen",
    "Räddningstjänsten",
)

# Idea titles: "<what> <for whom/where>".
WHATS = (
    "Digital anmälan",
    "Karta över",
    "Påminnelser via sms om",
    "Översikt av",
    "Automatisk sammanställning av",
    "Felanmälan med mobilen av",
    "Chattbot för frågor om",
    "Tidsbokning för",
    "Öppna data om",
    "Digital blankett för",
    "Statistik över",
    "Självservice för",
    "Kö-system för",
    "Inventering av",
)
WHOMS = (
    "förskolekö",
    "gatubelysning",
    "hembesök",
    "lediga lokaler",
    "frånvaro",
    "lekplatser",
    "bygglov",
    "skuldrådgivning",
    "återvinningsstationer",
    "färdtjänst",
    "skolskjuts",
    "snöröjning",
    "föreningsbidrag",
    "bibliotekslån",
    "matsedlar",
    "vattenmätare",
    "parkeringstillstånd",
    "utlåning av hjälpmedel",
)
PROBLEMS = (
    "I dag görs det för hand och tar flera timmar i veckan.",
    "Invånarna ringer och frågar samma sak många gånger om dagen.",
    "Uppgifterna finns i ett kalkylark som bara en person kan uppdatera.",
    "Pappersblanketter skrivs in i systemet i efterhand, med fel som följd.",
    "Vi har ingen överblick och missar ärenden som blir liggande.",
)
IMPROVEMENTS = (
    "Ett enkelt digitalt flöde som sparar tid och ger färre fel.",
    "Invånarna kan själva se status utan att ringa.",
    "En gemensam lista som alla i arbetsgruppen kan se och uppdatera.",
    "Automatiska påminnelser i stället för manuella utskick.",
)
QUESTIONS = (
    "Hur många ärenden per vecka gäller det?",
    "Vilket system används i dag, och finns det ett API?",
    "Vem kan vara kontaktperson när teamet har frågor?",
)
ANSWERS = (
    "Ungefär trettio i veckan, fler på hösten.",
    "Vi använder ett äldre ärendesystem; IT-avdelningen tar reda på saken.",
    "Jag själv, eller min kollega på enheten.",
)
DECLINE_REASONS = (
    "Det finns redan en upphandlad lösning som täcker behovet.",
    "Behovet är för litet för en prototyp; vi föreslår en enklare rutin.",
    "Det kräver data vi inte får tillgång till i dag.",
)
EMPLOYERS = (
    "Norrsken IT AB",
    "Kommunens IT-avdelning",
    "Regionens digitaliseringsenhet",
    "Kodverkstaden AB",
    "Datakraft i Sverige AB",
    "Molnbolaget AB",
)
ROLES = ("Utvecklare", "Testare", "IT-tekniker", "Dataanalytiker", "UX-designer", "Supporttekniker")
BACKGROUNDS = (
    "Systemvetenskap, 180 hp.",
    "Yrkeshögskola, webbutveckling.",
    "Civilingenjör i datateknik från utlandet.",
    "Gymnasiets teknikprogram och egna kurser online.",
)
LANGUAGES = ("svenska, engelska", "svenska, arabiska, engelska", "svenska, persiska", "engelska")


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def idea_title(rng: random.Random) -> str:
    return f"{rng.choice(WHATS)} {rng.choice(WHOMS)}"
