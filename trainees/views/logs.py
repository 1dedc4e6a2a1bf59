"""Views of the trainee journey: logs."""
