import pytest

import responder
from responder.docs.ui import THEMES, get_theme


@pytest.mark.parametrize(
    ("theme", "marker", "asset"),
    [
        ("swagger_ui", "SwaggerUIBundle", "swagger-ui-dist@5/swagger-ui-bundle.js"),
        ("redoc", "<redoc spec-url", "redoc@2/bundles/redoc.standalone.js"),
        ("rapidoc", "<rapi-doc spec-url", "rapidoc@9/dist/rapidoc-min.js"),
        ("elements", "<elements-api", "@stoplight/elements@9/web-components.min.js"),
    ],
)
def test_each_theme_renders_a_page_loading_the_spec(theme, marker, asset):
    api = responder.API(title="Zoo <&>", docs_route="/docs", openapi_theme=theme)
    r = api.requests.get("/docs")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert marker in r.text
    assert "/schema.json" in r.text
    assert f"https://cdn.jsdelivr.net/npm/{asset}" in r.text
    assert "<title>Zoo &lt;&amp;&gt;</title>" in r.text
    assert api.requests.get("/schema.json").json()["info"]["title"] == "Zoo <&>"


def test_assets_url_is_configurable_for_offline_use():
    api = responder.API(docs_route="/docs", docs_assets_url="/vendor/{package}")
    page = api.requests.get("/docs").text
    assert 'src="/vendor/swagger-ui-dist/swagger-ui-bundle.js"' in page
    assert "cdn.jsdelivr" not in page


def test_unknown_theme_is_refused():
    with pytest.raises(ValueError, match="swagger_ui"):
        responder.API(docs_route="/docs", openapi_theme="fancy")
    assert set(THEMES) == {"swagger_ui", "redoc", "rapidoc", "elements"}
    assert get_theme("redoc").package == "redoc"
