"""Views of the trainee journey: milestones."""
