"""The example Django project of docs/django.md, run by tests/integrations/django."""
