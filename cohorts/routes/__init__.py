"""The cohorts app's URLs, one module per capability."""
