"""Views of the trainee journey: summary."""
