"""HTTP status codes as named constants, and helpers to classify them.

The constants are written out (not generated at import time) so that editors,
type checkers and readers can see every name.
"""

from __future__ import annotations

__all__ = [
    "HTTP_100",
    "HTTP_101",
    "HTTP_102",
    "HTTP_103",
    "HTTP_200",
    "HTTP_201",
    "HTTP_202",
    "HTTP_203",
    "HTTP_204",
    "HTTP_205",
    "HTTP_206",
    "HTTP_207",
    "HTTP_208",
    "HTTP_226",
    "HTTP_300",
    "HTTP_301",
    "HTTP_302",
    "HTTP_303",
    "HTTP_304",
    "HTTP_305",
    "HTTP_307",
    "HTTP_308",
    "HTTP_400",
    "HTTP_401",
    "HTTP_402",
    "HTTP_403",
    "HTTP_404",
    "HTTP_405",
    "HTTP_406",
    "HTTP_407",
    "HTTP_408",
    "HTTP_409",
    "HTTP_410",
    "HTTP_411",
    "HTTP_412",
    "HTTP_413",
    "HTTP_414",
    "HTTP_415",
    "HTTP_416",
    "HTTP_417",
    "HTTP_418",
    "HTTP_421",
    "HTTP_422",
    "HTTP_423",
    "HTTP_424",
    "HTTP_425",
    "HTTP_426",
    "HTTP_428",
    "HTTP_429",
    "HTTP_431",
    "HTTP_451",
    "HTTP_500",
    "HTTP_501",
    "HTTP_502",
    "HTTP_503",
    "HTTP_504",
    "HTTP_505",
    "HTTP_506",
    "HTTP_507",
    "HTTP_508",
    "HTTP_510",
    "HTTP_511",
    "is_100",
    "is_200",
    "is_300",
    "is_400",
    "is_500",
]

# 1xx: informational
HTTP_100 = 100  # Continue
HTTP_101 = 101  # Switching Protocols
HTTP_102 = 102  # Processing
HTTP_103 = 103  # Early Hints

# 2xx: success
HTTP_200 = 200  # OK
HTTP_201 = 201  # Created
HTTP_202 = 202  # Accepted
HTTP_203 = 203  # Non-Authoritative Information
HTTP_204 = 204  # No Content
HTTP_205 = 205  # Reset Content
HTTP_206 = 206  # Partial Content
HTTP_207 = 207  # Multi-Status
HTTP_208 = 208  # Already Reported
HTTP_226 = 226  # IM Used

# 3xx: redirection
HTTP_300 = 300  # Multiple Choices
HTTP_301 = 301  # Moved Permanently
HTTP_302 = 302  # Found
HTTP_303 = 303  # See Other
HTTP_304 = 304  # Not Modified
HTTP_305 = 305  # Use Proxy
HTTP_307 = 307  # Temporary Redirect
HTTP_308 = 308  # Permanent Redirect

# 4xx: client error
HTTP_400 = 400  # Bad Request
HTTP_401 = 401  # Unauthorized
HTTP_402 = 402  # Payment Required
HTTP_403 = 403  # Forbidden
HTTP_404 = 404  # Not Found
HTTP_405 = 405  # Method Not Allowed
HTTP_406 = 406  # Not Acceptable
HTTP_407 = 407  # Proxy Authentication Required
HTTP_408 = 408  # Request Timeout
HTTP_409 = 409  # Conflict
HTTP_410 = 410  # Gone
HTTP_411 = 411  # Length Required
HTTP_412 = 412  # Precondition Failed
HTTP_413 = 413  # Content Too Large
HTTP_414 = 414  # URI Too Long
HTTP_415 = 415  # Unsupported Media Type
HTTP_416 = 416  # Range Not Satisfiable
HTTP_417 = 417  # Expectation Failed
HTTP_418 = 418  # I'm a Teapot
HTTP_421 = 421  # Misdirected Request
HTTP_422 = 422  # Unprocessable Content
HTTP_423 = 423  # Locked
HTTP_424 = 424  # Failed Dependency
HTTP_425 = 425  # Too Early
HTTP_426 = 426  # Upgrade Required
HTTP_428 = 428  # Precondition Required
HTTP_429 = 429  # Too Many Requests
HTTP_431 = 431  # Request Header Fields Too Large
HTTP_451 = 451  # Unavailable For Legal Reasons

# 5xx: server error
HTTP_500 = 500  # Internal Server Error
HTTP_501 = 501  # Not Implemented
HTTP_502 = 502  # Bad Gateway
HTTP_503 = 503  # Service Unavailable
HTTP_504 = 504  # Gateway Timeout
HTTP_505 = 505  # HTTP Version Not Supported
HTTP_506 = 506  # Variant Also Negotiates
HTTP_507 = 507  # Insufficient Storage
HTTP_508 = 508  # Loop Detected
HTTP_510 = 510  # Not Extended
HTTP_511 = 511  # Network Authentication Required


def is_100(status_code: int) -> bool:
    """Return True for an informational (1xx) status code."""
    return 100 <= status_code <= 199


def is_200(status_code: int) -> bool:
    """Return True for a success (2xx) status code."""
    return 200 <= status_code <= 299


def is_300(status_code: int) -> bool:
    """Return True for a redirection (3xx) status code."""
    return 300 <= status_code <= 399


def is_400(status_code: int) -> bool:
    """Return True for a client error (4xx) status code."""
    return 400 <= status_code <= 499


def is_500(status_code: int) -> bool:
    """Return True for a server error (5xx) status code."""
    return 500 <= status_code <= 599
