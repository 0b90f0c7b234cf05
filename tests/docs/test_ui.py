import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import responder
from responder.docs.assets import PACKAGES, install_command
from responder.docs.ui import THEMES, get_theme

PACKAGE_JSON = Path(__file__).resolve().parents[1] / "browser" / "package.json"
EXACT_RELEASE = re.compile(r"\d+\.\d+\.\d+")


class AssetTags(HTMLParser):
    """The ``<script src>`` and ``<link href>`` tags of a page, as attribute dicts."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.tags: list[dict[str, str | None]] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if (tag == "script" and "src" in found) or (tag == "link" and "href" in found):
            self.tags.append(found)


@pytest.mark.parametrize(
    ("theme", "marker", "asset"),
    [
        ("swagger_ui", "SwaggerUIBundle", "swagger-ui-dist@5.35.0/swagger-ui-bundle.js"),
        ("redoc", "<redoc spec-url", "redoc@2.5.4/bundles/redoc.standalone.js"),
        ("rapidoc", "<rapi-doc spec-url", "rapidoc@9.3.8/dist/rapidoc-min.js"),
        ("elements", "<elements-api", "@stoplight/elements@9.0.25/web-components.min.js"),
    ],
)
def test_each_theme_renders_a_page_loading_the_spec(theme, marker, asset):
    api = responder.API(title="Zoo <&>", docs_route="/docs", openapi_theme=theme)
    r = api.requests.get("/docs")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert marker in r.text
    assert "/schema.json" in r.text
    assert f'"https://cdn.jsdelivr.net/npm/{asset}"' in r.text
    assert "<title>Zoo &lt;&amp;&gt;</title>" in r.text
    assert api.requests.get("/schema.json").json()["info"]["title"] == "Zoo <&>"


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_cdn_tags_pin_the_exact_release_and_carry_each_files_integrity(theme):
    package = PACKAGES[get_theme(theme).package]
    page = responder.API(docs_route="/docs", openapi_theme=theme).requests.get("/docs").text
    tags = AssetTags(page).tags
    base = f"https://cdn.jsdelivr.net/npm/{package.name}@{package.version}/"
    # Every file of the table is loaded, each once, and nothing else.
    urls = sorted(tag.get("src") or tag.get("href") or "" for tag in tags)
    assert urls == sorted(base + path for path in package.files)
    for tag in tags:
        path = (tag.get("src") or tag.get("href") or "").removeprefix(base)
        assert tag["integrity"] == package.files[path]
        assert re.fullmatch(r"sha384-[A-Za-z0-9+/]{64}", tag["integrity"] or "")
        assert tag["crossorigin"] == "anonymous"


def test_every_pin_is_an_exact_release_and_matches_the_browser_tests_package_json():
    pinned_for_tests = json.loads(PACKAGE_JSON.read_text())["dependencies"]
    for name, package in PACKAGES.items():
        assert EXACT_RELEASE.fullmatch(package.version), f"{name} is not pinned: {package.version}"
        assert pinned_for_tests.get(name) == package.version, (
            f"tests/browser/package.json has {name}@{pinned_for_tests.get(name)}, "
            f"the docs pages load {package.version}"
        )
    for theme in THEMES.values():
        assert theme().version == PACKAGES[theme.package].version


def test_assets_url_is_configurable_for_offline_use():
    api = responder.API(docs_route="/docs", docs_assets_url="/vendor/{package}")
    page = api.requests.get("/docs").text
    assert 'src="/vendor/swagger-ui-dist/swagger-ui-bundle.js"' in page
    assert "cdn.jsdelivr" not in page
    # Whatever release lives there, the browser must not refuse it for a hash.
    assert "integrity" not in page
    assert "crossorigin" not in page


def test_an_assets_url_naming_the_version_keeps_the_integrity_hashes():
    api = responder.API(
        docs_route="/docs",
        openapi_theme="redoc",
        docs_assets_url="https://unpkg.com/{package}@{version}",
    )
    (tag,) = AssetTags(api.requests.get("/docs").text).tags
    assert tag["src"] == "https://unpkg.com/redoc@2.5.4/bundles/redoc.standalone.js"
    assert tag["integrity"] == PACKAGES["redoc"].files["bundles/redoc.standalone.js"]


def test_unknown_theme_is_refused():
    with pytest.raises(ValueError, match="swagger_ui"):
        responder.API(docs_route="/docs", openapi_theme="fancy")
    assert set(THEMES) == {"swagger_ui", "redoc", "rapidoc", "elements"}
    assert get_theme("redoc").package == "redoc"


def test_the_guide_names_the_pinned_releases_and_the_install_line():
    guide = (Path(__file__).resolve().parents[2] / "docs" / "openapi.md").read_text()
    mentioned = re.findall(r"(@?[a-z][\w./-]*)@(\d[\w.-]*)", guide)
    named = {(name, version) for name, version in mentioned if name in PACKAGES}
    assert named == {(name, package.version) for name, package in PACKAGES.items()}
    assert f"\n{install_command()}\n" in guide
