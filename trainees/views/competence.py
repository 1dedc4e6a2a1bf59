"""Views of the trainee journey: competence."""
