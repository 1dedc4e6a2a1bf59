"""Seed the skills vocabulary with a default list of IT skills (editable by admins)."""

from django.db import migrations

ESCO = "http://data.europa.eu/esco/skill/"

SKILLS = [
    # (Swedish, English, category)
    ("Python", "Python", "programming"),
    ("Java", "Java", "programming"),
    ("C#/.NET", "C#/.NET", "programming"),
    ("JavaScript", "JavaScript", "programming"),
    ("TypeScript", "TypeScript", "programming"),
    ("PHP", "PHP", "programming"),
    ("Versionshantering med Git", "Version control with Git", "programming"),
    ("Automatiserade tester", "Automated testing", "programming"),
    ("Programmering av skript och automatisering", "Scripting and automation", "programming"),
    ("Webbutveckling (frontend)", "Web development (front end)", "web"),
    ("Webbutveckling (backend)", "Web development (back end)", "web"),
    ("HTML och CSS", "HTML and CSS", "web"),
    ("React", "React", "web"),
    ("Django", "Django", "web"),
    ("Mobilappar", "Mobile apps", "web"),
    ("API:er och integrationer", "APIs and integrations", "web"),
    ("Digital tillgänglighet (WCAG)", "Digital accessibility (WCAG)", "web"),
    ("SQL och relationsdatabaser", "SQL and relational databases", "data"),
    ("Dataanalys", "Data analysis", "data"),
    ("Datavisualisering och BI", "Data visualisation and BI", "data"),
    ("Power BI", "Power BI", "data"),
    ("Excel för analys", "Excel for analysis", "data"),
    ("Maskininlärning", "Machine learning", "data"),
    ("Öppna data", "Open data", "data"),
    ("Linux", "Linux", "infrastructure"),
    ("Windows-server och Active Directory", "Windows Server and Active Directory", "infrastructure"),
    ("Nätverk", "Networking", "infrastructure"),
    ("Molntjänster", "Cloud services", "infrastructure"),
    ("Containrar (Docker)", "Containers (Docker)", "infrastructure"),
    ("IT-support", "IT support", "infrastructure"),
    ("Microsoft 365 och Power Platform", "Microsoft 365 and Power Platform", "infrastructure"),
    ("UX-design", "UX design", "design"),
    ("Användartester", "User testing", "design"),
    ("Prototyper och skisser (Figma)", "Prototyping and wireframes (Figma)", "design"),
    ("Grafisk design", "Graphic design", "design"),
    ("Agila arbetssätt (Scrum, Kanban)", "Agile ways of working (Scrum, Kanban)", "method"),
    ("Kravanalys", "Requirements analysis", "method"),
    ("Projektledning", "Project management", "method"),
    ("Teknisk dokumentation", "Technical documentation", "method"),
    ("Verksamhetsutveckling", "Business process improvement", "method"),
    ("Informationssäkerhet", "Information security", "security"),
    ("Dataskydd och GDPR", "Data protection and GDPR", "security"),
]


def seed(apps, schema_editor):
    Skill = apps.get_model("core", "Skill")
    for name_sv, name_en, category in SKILLS:
        Skill.objects.get_or_create(
            name_en=name_en, defaults={"name_sv": name_sv, "category": category}
        )


def unseed(apps, schema_editor):
    Skill = apps.get_model("core", "Skill")
    Skill.objects.filter(name_en__in=[en for _, en, _ in SKILLS]).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
