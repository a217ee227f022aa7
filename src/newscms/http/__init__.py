"""Framework-neutral HTTP semantics for newscms: every rule an adapter needs, once.

Validators (``etag_for``, ``weak_etag``) and conditional requests
(``evaluate_preconditions``), errors as RFC 9457 problem responses
(``problem_response``), next-page links (``next_link``), the listing projection
(``teaser``), streamed bodies, and the route tables of the read and write APIs
(``ReadAPI``, ``WriteAPI``). Nothing here imports a web framework: requests and
responses are plain data (``HttpRequest``, ``HttpResponse``), and the adapters in
``newscms.integrations`` turn them into their framework's. See docs/http.md.
"""

from newscms.http._conditional import etag_for as etag_for
from newscms.http._conditional import evaluate_preconditions as evaluate_preconditions
from newscms.http._conditional import http_date as http_date
from newscms.http._conditional import parse_entity_tags as parse_entity_tags
from newscms.http._conditional import parse_http_date as parse_http_date
from newscms.http._conditional import weak_etag as weak_etag
from newscms.http._links import link_header as link_header
from newscms.http._links import next_link as next_link
from newscms.http._messages import HttpRequest as HttpRequest
from newscms.http._messages import HttpResponse as HttpResponse
from newscms.http._messages import Route as Route
from newscms.http._messages import json_response as json_response
from newscms.http._problems import PROBLEM_MEDIA_TYPE as PROBLEM_MEDIA_TYPE
from newscms.http._problems import PROBLEMS as PROBLEMS
from newscms.http._problems import Problem as Problem
from newscms.http._problems import problem_for as problem_for
from newscms.http._problems import problem_response as problem_response
from newscms.http._problems import validation_problem as validation_problem
from newscms.http._projection import TEASER_FIELDS as TEASER_FIELDS
from newscms.http._projection import teaser as teaser
from newscms.http._read import ReadAPI as ReadAPI
from newscms.http._read import finish as finish
from newscms.http._streams import gathered as gathered
from newscms.http._streams import release_after as release_after
from newscms.http._write import WriteAPI as WriteAPI

__all__ = [
    "PROBLEMS",
    "PROBLEM_MEDIA_TYPE",
    "TEASER_FIELDS",
    "HttpRequest",
    "HttpResponse",
    "Problem",
    "ReadAPI",
    "Route",
    "WriteAPI",
    "etag_for",
    "evaluate_preconditions",
    "finish",
    "gathered",
    "http_date",
    "json_response",
    "link_header",
    "next_link",
    "parse_entity_tags",
    "parse_http_date",
    "problem_for",
    "problem_response",
    "release_after",
    "teaser",
    "validation_problem",
    "weak_etag",
]
