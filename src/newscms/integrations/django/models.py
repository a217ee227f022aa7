"""No Django models: newscms's tables belong to newscms's own migrations.

The module exists because Django sends ``post_migrate`` only to apps that have one,
and that signal is what migrates newscms's tables with ``manage.py migrate``.
"""
