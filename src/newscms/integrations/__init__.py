"""Optional adapters for web frameworks (FastAPI, Flask, Django) and the reference site.

Each adapter is thin: it registers the route tables of ``newscms.http`` with its
framework and manages one unit of work per request. Nothing inside newscms imports
them; each needs its framework installed (``pip install 'newscms[web]'``).
"""
