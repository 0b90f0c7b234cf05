"""``API(docs_assets=directory)``: the docs UIs' files served from a local npm copy."""

from __future__ import annotations

import graphene
import pytest

import responder
from responder.docs.assets import GRAPHIQL_PACKAGES, PACKAGES
from responder.docs.local_assets import PackageFiles
from responder.docs.ui import THEMES, get_theme

HTML = {"Accept": "text/html"}


class Query(graphene.ObjectType):
    hello = graphene.String()


def content(name: str, path: str) -> bytes:
    return f"/* {name}/{path} */\n".encode()


@pytest.fixture
def node_modules(tmp_path):
    """A directory laid out as ``npm install`` leaves it, with every pinned file (fake bytes)."""
    root = tmp_path / "node_modules"
    for name, package in PACKAGES.items():
        for path in package.files:
            file = root / name / path
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_bytes(content(name, path))
        (root / name / "package.json").write_text(f'{{"version": "{package.version}"}}')
    (root / "left-pad").mkdir()
    (root / "left-pad" / "index.js").write_text("module.exports = 'private';")
    (root / ".package-lock.json").write_text("{}")
    (tmp_path / "secret.txt").write_text("not for the web")
    return root


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_the_docs_page_loads_every_file_from_the_local_copy(node_modules, theme):
    api = responder.API(docs_route="/docs", openapi_theme=theme, docs_assets=node_modules)
    page = api.requests.get("/docs").text
    assert "cdn.jsdelivr" not in page
    package = PACKAGES[get_theme(theme).package]
    for path in package.files:
        url = f"/docs-assets/{package.name}/{path}"
        assert f'="{url}"' in page
        r = api.requests.get(url)
        assert r.status_code == 200
        assert r.content == content(package.name, path)
        kind = "text/css" if path.endswith(".css") else "text/javascript"
        assert r.headers["content-type"].startswith(kind)
    # Any installed release will do: no hash for the browser to refuse it on.
    assert "integrity=" not in page
    assert api.docs_assets_url == "/docs-assets/{package}"


def test_the_local_copy_is_same_origin_under_the_content_security_policy(node_modules):
    api = responder.API(
        docs_route="/docs",
        docs_assets=str(node_modules),
        security_headers={"Content-Security-Policy": True},
    )
    policy = api.requests.get("/docs").headers["content-security-policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'self'" in script_src
    assert "cdn.jsdelivr.net" not in policy


@pytest.mark.parametrize(
    "path",
    [
        "/docs-assets/left-pad/index.js",  # installed, but no docs page loads it
        "/docs-assets/.package-lock.json",
        "/docs-assets/swagger-ui-dist/",
        "/docs-assets/swagger-ui-dist/%2e%2e/left-pad/index.js",
        "/docs-assets/swagger-ui-dist/%2e%2e/%2e%2e/secret.txt",
        "/docs-assets/swagger-ui-dist/..%5c..%5csecret.txt",
        "/docs-assets/@stoplight/%2e%2e/left-pad/index.js",
        "/docs-assets/%2fetc/passwd",
    ],
)
def test_only_the_pinned_packages_files_are_served(node_modules, path):
    api = responder.API(docs_route="/docs", docs_assets=node_modules)
    r = api.requests.get(path)
    assert r.status_code == 404
    assert r.headers["content-type"] == "application/problem+json"


def test_a_raw_dot_dot_path_stays_inside_the_package(node_modules):
    # Test clients tidy ".." away before sending; an ASGI server may not.
    files = PackageFiles(node_modules)
    assert files.find("/swagger-ui-dist/../left-pad/index.js") is None
    assert files.find("/swagger-ui-dist/../../secret.txt") is None
    assert files.find("/redoc/bundles/redoc.standalone.js") == str(
        node_modules / "redoc" / "bundles" / "redoc.standalone.js"
    )


def test_the_local_files_answer_only_get_and_head(node_modules):
    api = responder.API(docs_route="/docs", docs_assets=node_modules)
    url = "/docs-assets/swagger-ui-dist/swagger-ui.css"
    assert api.requests.head(url).status_code == 200
    r = api.requests.post(url)
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, HEAD"


def test_a_missing_directory_fails_when_the_api_is_created(tmp_path):
    with pytest.raises(ValueError, match="is not a directory") as info:
        responder.API(docs_route="/docs", openapi_theme="rapidoc", docs_assets=tmp_path / "nope")
    assert f"`npm install rapidoc@9.3.8` in {tmp_path}" in str(info.value)


def test_a_missing_package_fails_when_the_api_is_created(node_modules):
    (node_modules / "redoc" / "bundles" / "redoc.standalone.js").unlink()
    with pytest.raises(ValueError, match=r"no redoc/bundles/redoc\.standalone\.js") as info:
        responder.API(docs_route="/docs", openapi_theme="redoc", docs_assets=node_modules)
    assert "npm install redoc@2.5.4" in str(info.value)
    # Another theme's page does not need it.
    responder.API(docs_route="/docs", openapi_theme="swagger_ui", docs_assets=node_modules)


def test_docs_assets_and_docs_assets_url_are_one_or_the_other(node_modules):
    with pytest.raises(ValueError, match="not both"):
        responder.API(docs_route="/docs", docs_assets=node_modules, docs_assets_url="/x/{package}")


def test_graphiql_loads_from_the_local_copy_too(node_modules):
    api = responder.API(docs_assets=node_modules)  # no docs page: only GraphiQL uses it
    api.graphql("/graphql", schema=graphene.Schema(query=Query))
    page = api.requests.get("/graphql", headers=HTML).text
    for name in GRAPHIQL_PACKAGES:
        for path in PACKAGES[name].files:
            assert f'="/docs-assets/{name}/{path}"' in page
            assert api.requests.get(f"/docs-assets/{name}/{path}").content == content(name, path)
    assert "integrity=" not in page
    assert "cdn.jsdelivr" not in page


def test_graphiql_without_its_packages_fails_when_the_route_is_added(node_modules):
    (node_modules / "react-dom" / "umd" / "react-dom.production.min.js").unlink()
    api = responder.API(docs_assets=node_modules)
    schema = graphene.Schema(query=Query)
    with pytest.raises(ValueError, match=r"npm install react-dom@18\.3\.1"):
        api.graphql("/graphql", schema=schema)
    api.graphql("/api", schema=schema, graphiql=False)  # no page, no files needed
    r = api.requests.post("/api", json={"query": "{ hello }"})
    assert r.json() == {"data": {"hello": None}}


def test_graphiql_from_the_cdn_pins_each_release_with_its_hash():
    api = responder.API()
    api.graphql("/graphql", schema=graphene.Schema(query=Query))
    page = api.requests.get("/graphql", headers=HTML).text
    for name in GRAPHIQL_PACKAGES:
        package = PACKAGES[name]
        for path, integrity in package.files.items():
            url = f"https://cdn.jsdelivr.net/npm/{name}@{package.version}/{path}"
            assert f'="{url}" integrity="{integrity}" crossorigin="anonymous"' in page


def test_the_local_files_are_gzipped_like_the_apps_responses(node_modules):
    big = node_modules / "swagger-ui-dist" / "swagger-ui-bundle.js"
    big.write_bytes(b"window.x = 1;\n" * 1000)
    api = responder.API(docs_route="/docs", docs_assets=node_modules)
    r = api.requests.get("/docs-assets/swagger-ui-dist/swagger-ui-bundle.js")
    assert r.headers["content-encoding"] == "gzip"
    assert r.content == big.read_bytes()
