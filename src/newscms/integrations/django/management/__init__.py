"""Management commands of the newscms Django app.

Django finds an app's commands only in ``<app>/management/commands/``, so this package
holds nothing but that one: ``commands/newscms.py`` runs the newscms CLI.
"""
