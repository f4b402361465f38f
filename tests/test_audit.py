"""`flaglint audit` on legacy-style projects with dated history: exact rows, the stage, every
format, and the HTML report in a real headless browser."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from flaglint.audit import codeowners, guess_type, owner_of
from flaglint.cli import main

from . import tools
from .conftest import analyze_tree, git, write_tree
from .test_docs_and_fixtures import knight_with_history

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

TODAY = "2026-11-23"
CONFIG = """
[tool.flaglint]
presets = []

[[tool.flaglint.definitions]]
class = "shop.flags.FeatureFlag"

[[tool.flaglint.readers]]
call = "shop.flags.is_enabled"
key = 0

[tool.flaglint.environments]
prod = "deploy/prod.env"
staging = "deploy/staging.env"
"""
FLAGS = '''
import enum
import os


class FeatureFlag(enum.Enum):
    NEW_CHECKOUT = "NEW_CHECKOUT_ENABLED"
    OPS_THROTTLE = "OPS_THROTTLE_ENABLED"


def is_enabled(flag):
    return os.getenv(flag.value, "False") == "True"
'''
VIEWS = '''
from shop.flags import FeatureFlag, is_enabled


def checkout(cart):
    if is_enabled(FeatureFlag.NEW_CHECKOUT):
        return "new"
    return "old"


def throttle():
    return is_enabled(FeatureFlag.OPS_THROTTLE)
'''


def git_repo(root: Path) -> Path:
    """An empty git repository at `root`, on branch main."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    return root


def commit(root: Path, author: str, date: str, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message, f"--author={author} <{author.lower()}@example.com>",
        date=date)


def legacy(root: Path, *, codeowners_file: bool = True) -> Path:
    """No registry: an Enum of flags read through a helper, one read only in a test, the
    deployment configs of two environments."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    write_tree(root, {"pyproject.toml": CONFIG, "shop/__init__.py": "", "shop/flags.py": FLAGS,
                      "shop/views.py": VIEWS, "deploy/prod.env": "NEW_CHECKOUT_ENABLED=True\n",
                      "deploy/staging.env": "NEW_CHECKOUT_ENABLED=True\n"
                                            "OPS_THROTTLE_ENABLED=True\n"})
    commit(root, "Ada", "2024-01-10", "checkout behind a flag")
    write_tree(root, {
        "shop/flags.py": FLAGS.replace('    OPS_THROTTLE = "OPS_THROTTLE_ENABLED"\n',
                                       '    OPS_THROTTLE = "OPS_THROTTLE_ENABLED"\n'
                                       '    EXP_SEARCH = "EXP_SEARCH_ENABLED"\n'),
        "tests/test_search.py": "from shop.flags import FeatureFlag, is_enabled\n\n\n"
                                "def test_search():\n"
                                "    assert is_enabled(FeatureFlag.EXP_SEARCH) in (True, False)\n",
        **({".github/CODEOWNERS": "* @shop/core\n/shop/views.py @shop/checkout\n"}
           if codeowners_file else {})})
    commit(root, "Grace", "2025-06-01", "search experiment")
    write_tree(root, {"shop/views.py": VIEWS.replace('return "new"', 'return "new!"')})
    commit(root, "Grace", "2026-10-01", "louder checkout")
    return root


def audit_json(root: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    assert main(["audit", str(root), "--today", TODAY, "--no-cache", "--format", "json"]) == 0
    found: dict[str, object] = json.loads(capsys.readouterr().out)
    return found


def test_rows_of_a_legacy_project_without_a_registry(tmp_path, capsys):
    report = audit_json(legacy(tmp_path / "shop"), capsys)
    assert report["version"] == 1
    assert report["sources"] == {"registry": False, "history": True, "deployments": True,
                                 "flag_state": []}
    rows = {row["key"]: row for row in report["flags"]}  # type: ignore[union-attr,index]
    assert rows["NEW_CHECKOUT_ENABLED"] == {
        "key": "NEW_CHECKOUT_ENABLED", "status": "active", "declared": "code",
        "type": "release", "type_source": "name", "owner": "@shop/core",
        "owner_source": "CODEOWNERS", "author": "Ada", "created": "2024-01-10",
        "created_source": "git", "age_days": 1048, "lifetime_days": None, "expires": None,
        "last_read_change": "2024-01-10", "reads": 1,
        "test_reads": 0, "files": 1, "packages": 1, "guarded_lines": 3, "dead_lines": 1,
        "findings": {"FL203": 1},
        # A guessed type makes no flag expired: it is counted apart.
        "stale": ["every deployment config serves one value"],
        "where": "shop/flags.py:6",
        "no_lifetime": "no lifetime declared: 1048 days old, and a release flag (the type "
                       "guessed from its name) lives 40", "service": ""}
    assert rows["EXP_SEARCH_ENABLED"] == {
        "key": "EXP_SEARCH_ENABLED", "status": "active", "declared": "code",
        "type": "experiment", "type_source": "name", "owner": "@shop/core",
        "owner_source": "CODEOWNERS", "author": "Grace", "created": "2025-06-01",
        "created_source": "git",
        "age_days": 540, "lifetime_days": None, "expires": None,
        "last_read_change": "2025-06-01",
        "reads": 0, "test_reads": 1, "files": 1, "packages": 1, "guarded_lines": 0,
        "dead_lines": 0, "findings": {"FL102": 1}, "stale": ["read only in tests"],
        "where": "shop/flags.py:8",
        "no_lifetime": "no lifetime declared: 540 days old, and an experiment flag (the type "
                       "guessed from its name) lives 40", "service": ""}
    assert (rows["OPS_THROTTLE_ENABLED"]["type"], rows["OPS_THROTTLE_ENABLED"]["lifetime_days"]) \
        == ("operational", None)  # type: ignore[index]
    assert report["totals"]["no_lifetime"] == 3  # type: ignore[index]
    months = report["months"]
    assert len(months) == 24  # type: ignore[arg-type]
    assert months[0] == {"month": "2024-12", "flags": 2, "stale": 0}  # type: ignore[index]
    assert months[-1] == {"month": "2026-11", "flags": 3, "stale": 0}  # type: ignore[index]
    stage = report["stage"]
    # Declared in code and owned through CODEOWNERS, but untyped, unchecked, with dead code.
    assert stage["name"] == "Repeatable"  # type: ignore[index]
    assert [(c["criterion"], c["measured"]) for c in stage["criteria"]  # type: ignore[index]
            if not c["met"]][:3] == [
        ("every live flag has a declared type, so it has a lifetime", "0 of 3 (0%)"),
        ("a pre-commit hook or CI job runs flaglint",
         "not found in .pre-commit-config.yaml, .github/workflows or .gitlab-ci.yml"),
        ("no dead code behind settled flags (FL301, FL302)", "1 line")]
    assert stage["next_steps"] == [  # type: ignore[index]
        "Declare the type of each flag (EXP_SEARCH_ENABLED, NEW_CHECKOUT_ENABLED, "
        "OPS_THROTTLE_ENABLED) in `flags.toml` (release, experiment, operational, "
        "kill-switch, permission): `flaglint init` writes a registry with guessed types to "
        "review",
        "Run flaglint on every change: add the pre-commit hook (`id: flaglint`) or the GitHub "
        "action, with `flaglint check --write-baseline .flaglint-baseline.json` to start from "
        "today",
        "Remove the dead code of settled flags: `flaglint clean NEW_CHECKOUT_ENABLED --value "
        "true --dry-run` shows the cleanup of the largest"]


def test_the_owner_from_git_authors_without_codeowners(tmp_path, capsys):
    report = audit_json(legacy(tmp_path / "shop", codeowners_file=False), capsys)
    rows = {row["key"]: row for row in report["flags"]}  # type: ignore[union-attr,index]
    assert [(rows[k]["owner"], rows[k]["owner_source"]) for k in sorted(rows)] == [
        ("Grace", "git"), ("Ada", "git"), ("Ada", "git")]


def test_the_knight_router_stage_and_formats(tmp_path, capsys):
    root = knight_with_history(tmp_path)
    report = audit_json(root, capsys)
    stage = report["stage"]
    assert stage["name"] == "Reactionary"  # type: ignore[index]
    criteria = {c["criterion"]: (c["met"], c["measured"])
                for c in stage["criteria"]}  # type: ignore[index]
    assert criteria["at least 90% of the keys read are declared"] == (False, "6 of 7 (85%)")
    assert criteria["no dead code behind settled flags (FL301, FL302)"] == (False, "10 lines")
    assert stage["next_steps"][0] == (  # type: ignore[index]
        "Declare the undeclared keys (fast_fils): `flaglint check --select FL101` says "
        "where each is read; then add them to `flags.toml`")
    assert report["totals"]["findings"] == 20  # type: ignore[index]
    assert [d["what"] for d in report["dead_code"]] == [  # type: ignore[union-attr]
        "branch", "function power_peg_route", "branch", "function legacy_route"]

    assert main(["audit", str(root), "--today", TODAY, "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("\ufeffkey,status,")  # the byte-order mark Excel needs
    rows = list(csv.reader(io.StringIO(out.removeprefix("\ufeff"))))
    assert rows[0][:4] == ["key", "status", "declared", "type"]
    assert rows[6] == [
        "power_peg", "retired", "registry", "release", "name", "Knight", "git", "Knight",
        "2003-01-15",
        "git", "8713", "", "2026-10-20", "2", "0", "2", "1", "6", "5",
        "FL301×1 FL302×1 FL401×1 FL404×1 FL501×1",
        "retired, still read; left and came back (reused key)", "flags.toml:34", "", ""]

    out = tmp_path / "audit.md"
    assert main(["audit", str(root), "--today", TODAY, "--output", str(out)]) == 0
    assert "wrote the audit of 8 flags" in capsys.readouterr().err
    text = out.read_text()
    # audit_mode's `expires` (2026-12-31) is to come: past its type's 7 days, not stale
    assert text.startswith("# Flag audit (2026-11-23)\n\n8 flags, 5 stale; 20 findings;")
    assert "## Where the team stands: Reactionary" in text
    # what flaglint guessed is marked, as in the HTML report: the type from the name, the
    # owner from git
    assert "| `power_peg` | retired | release *(guessed)* | Knight *(git)* | 2003-01-15 |" \
        in text
    assert text.endswith("Read from: a registry, git history, deployment configs.\n")


def test_the_csv_is_utf8_with_a_byte_order_mark_in_a_file_and_on_stdout(tmp_path, capsys):
    """Excel opens a CSV as UTF-8 only after a BOM; stdout gets the same bytes whatever its
    own encoding (here ASCII, which cannot even spell `×`)."""
    root = legacy(tmp_path / "shop")
    out = tmp_path / "audit.csv"
    assert main(["audit", str(root), "--today", TODAY, "--no-cache", "--output", str(out)]) == 0
    assert capsys.readouterr().err.startswith("flaglint: wrote the audit of 3 flags to ")
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfkey,status,declared,type,type_source,owner,")
    assert data.count(b"\xef\xbb\xbf") == 1
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert next(iter(rows[0])) == "key"  # no mark left in the first header
    assert [(r["key"], r["findings"]) for r in rows] == [
        ("EXP_SEARCH_ENABLED", "FL102×1"), ("NEW_CHECKOUT_ENABLED", "FL203×1"),
        ("OPS_THROTTLE_ENABLED", "")]
    printed = subprocess.run(
        [sys.executable, "-m", "flaglint", "audit", str(root), "--today", TODAY, "--no-cache",
         "--format", "csv"], capture_output=True, check=False,
        env={**os.environ, "PYTHONIOENCODING": "ascii", "NO_PROGRESS": "1"})
    assert (printed.returncode, printed.stdout) == (0, data), printed.stderr


def test_a_well_kept_project_is_further_along(tmp_path, capsys):
    write_tree(tmp_path, {
        "flags.toml": '[flags.new_ui]\nowner = "web"\ntype = "release"\n'
                      'created = 2026-11-01\n',
        "app.py": "from UnleashClient import UnleashClient\nc = UnleashClient()\n\n\n"
                  "def view():\n    return c.is_enabled('new_ui')\n",
        ".pre-commit-config.yaml": "repos:\n  - repo: local\n    hooks:\n      - id: flaglint\n"})
    git(tmp_path, "init", "-q", "-b", "main")
    commit(tmp_path, "Ada", "2026-11-01", "new ui")
    report = audit_json(tmp_path, capsys)
    met = {c["criterion"]: c["met"] for c in report["stage"]["criteria"]}  # type: ignore[index]
    assert report["stage"]["name"] == "Reliable", met  # type: ignore[index]


def test_type_and_owner_helpers(tmp_path):
    assert [guess_type(k) for k in ("new_checkout", "exp-search", "KILL_PAYMENTS",
                                    "ops.rate_limit", "can_export")] == [
        "release", "experiment", "kill-switch", "operational", "permission"]
    write_tree(tmp_path, {"CODEOWNERS": "# owners\n*.py @all\n/docs/ @docs\nshop/ @shop\n"})
    rules = codeowners(tmp_path)
    assert [owner_of(rules, p) for p in ("a.py", "docs/x.md", "src/shop/y.py", "x.txt")] == [
        "@all", "@docs", "@shop", None]


# -- the HTML report in a real browser -------------------------------------------------------


BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
GET_A_BROWSER = ("no Chromium or Chrome with a chromedriver on PATH, so the HTML report is not "
                 "opened: install Debian's chromium and chromium-driver (sudo apt-get install "
                 "chromium chromium-driver), or Google Chrome and its chromedriver")


def _major(binary: str) -> str | None:
    """The major version `binary --version` prints ("Chromium 120.0…", "ChromeDriver 120.0…")."""
    result = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=60,
                            check=False)
    found = re.search(r"\b(\d+)\.\d+\.", result.stdout)
    return found.group(1) if found else None


def _browser() -> tuple[str, str]:
    """A browser and its driver from PATH (GitHub's runners also name the driver's folder in
    $CHROMEWEBDRIVER); of several browsers, the one of the driver's major version. Nothing is
    installed here: `.ci/run` installs Debian's packages on the project's CI."""
    driver = shutil.which("chromedriver")
    if driver is None and os.environ.get("CHROMEWEBDRIVER"):
        driver = shutil.which("chromedriver", path=os.environ["CHROMEWEBDRIVER"])
    browsers = [found for name in BROWSERS if (found := shutil.which(name))]
    if driver is None or not browsers:
        tools.unavailable(GET_A_BROWSER)
    assert driver is not None
    wanted = _major(driver)
    return next((b for b in browsers if _major(b) == wanted), browsers[0]), driver


def test_a_browser_is_found_as_githubs_runners_ship_it(tmp_path, monkeypatch):
    """Chrome as `google-chrome`, chromedriver in $CHROMEWEBDRIVER: of the two browsers on PATH,
    the one the driver serves."""
    bin_dir, driver_dir = tmp_path / "bin", tmp_path / "chromedriver-linux64"
    for folder, name, says in ((bin_dir, "chromium-browser", "Chromium 119.0.6045.105"),
                               (bin_dir, "google-chrome", "Google Chrome 120.0.6099.71"),
                               (driver_dir, "chromedriver", "ChromeDriver 120.0.6099.71 (a)")):
        write_tree(folder, {name: f"#!/bin/sh\necho '{says}'\n"}).joinpath(name).chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("CHROMEWEBDRIVER", str(driver_dir))
    assert _browser() == (str(bin_dir / "google-chrome"), str(driver_dir / "chromedriver"))


@contextlib.contextmanager
def _chrome(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """Headless Chromium or Chrome with its console and network logs, its logs of start-up
    read and dropped."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver_path = _browser()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1300,2000",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    browser = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        for kind in ("browser", "performance"):  # what the browser did before the page
            browser.get_log(kind)
        yield browser
    finally:
        browser.quit()


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    root = knight_with_history(tmp_path_factory.mktemp("knight"))
    report = root.parent / "audit.html"
    assert main(["audit", str(root), "--today", TODAY, "--no-cache", "--output",
                 str(report)]) == 0
    with _chrome(tmp_path_factory) as browser:
        browser.get(report.as_uri())
        yield browser, report


def test_the_html_report_loads_offline_without_errors(page):
    browser, report = page
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert errors == []
    requested = set()
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requested.add(message["params"]["request"]["url"])
    # Chromium's own pages (chrome://…) and data: URLs are not requests that leave the page.
    assert {url for url in requested if not url.startswith(("chrome", "data:"))} == \
        {report.as_uri()}
    assert browser.title == f"Flag audit · {report.parent.joinpath('knight-router').name} · " \
                            f"{TODAY}"


def test_the_html_charts_render(page):
    browser, _ = page
    sizes = browser.execute_script(
        "return Array.from(document.querySelectorAll('svg.chart')).map(function (s) {"
        "var r = s.getBoundingClientRect(); return [r.width, r.height,"
        " s.querySelectorAll('rect, polyline').length]; });")
    assert len(sizes) == 4
    assert all(width > 100 and height > 50 and shapes > 0 for width, height, shapes in sizes)


def test_the_html_table_sorts_and_filters(page):
    from selenium.webdriver.common.by import By

    browser, _ = page

    def keys() -> list[str]:
        return [row.find_element(By.TAG_NAME, "code").text
                for row in browser.find_elements(By.CSS_SELECTOR, "#flags tbody tr")
                if row.is_displayed()]

    assert keys() == ["audit_mode", "dark_pool_routing", "fast_fils", "kill_all_orders",
                      "legacy_reports", "power_peg", "rlp", "smart_routing"]
    age = browser.find_element(By.XPATH, "//th[text()='age (days)']")
    age.click()
    assert keys()[-2:] == ["dark_pool_routing", "power_peg"]
    age.click()
    assert keys()[0] == "power_peg"
    search = browser.find_element(By.ID, "filter")
    search.send_keys("rout")
    assert keys() == ["dark_pool_routing", "smart_routing"]  # still oldest first
    assert browser.find_element(By.ID, "shown").text == "2 of 8 flags shown"
    browser.execute_script("var f = document.getElementById('filter'); f.value = '';"
                           "f.dispatchEvent(new Event('input'));")
    browser.execute_script("var s = document.getElementById('status'); s.value = 'active';"
                           "s.dispatchEvent(new Event('change'));")
    assert sorted(keys()) == ["audit_mode", "dark_pool_routing", "kill_all_orders",
                              "legacy_reports", "rlp"]
    browser.find_element(By.ID, "stale-only").click()
    assert sorted(keys()) == ["dark_pool_routing", "legacy_reports", "rlp"]


LONG_OWNERS = ("@org/some-very-long-team-name",
               "@acme-corporation/payments-platform-reliability-engineering-guild",
               "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW", "Ünïcödé Tëàm — 日本語のチーム名前", "x")
LONG_KEYS = tuple(f"{prefix}_enable_the_new_checkout_flow_for_enterprise_customers_in_the_eu"
                  for prefix in ("a", "b", "c", "d", "e", "f"))


def long_names(root: Path) -> Path:
    """Flags with long keys and long owners (a team path, wide capitals, accents and CJK),
    one without an owner, added month by month."""
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    owners = [*LONG_OWNERS, None]
    for i, (key, owner) in enumerate(zip(LONG_KEYS, owners, strict=True)):
        registry = root / "flags.toml"
        previous = registry.read_text() if registry.exists() else ""
        write_tree(root, {
            "flags.toml": previous + f"[flags.{key}]\ntype = \"release\"\n"
                                     f"created = 2025-0{i + 1}-01\n"
                          + (f"owner = {json.dumps(owner)}\n" if owner else "") + "\n",
            f"app{i}.py": "from UnleashClient import UnleashClient\nc = UnleashClient()\n\n\n"
                          f"def view():\n    return c.is_enabled({key!r})\n"})
        commit(root, "Ada", f"2025-0{i + 1}-01", f"flag {i}")
    return root


@pytest.fixture(scope="module")
def long_names_page(tmp_path_factory):
    root = long_names(tmp_path_factory.mktemp("long") / "long-names")
    report = root.parent / "audit.html"
    assert main(["audit", str(root), "--today", TODAY, "--no-cache", "--output",
                 str(report)]) == 0
    with _chrome(tmp_path_factory) as browser:
        browser.get(report.as_uri())
        yield browser, report


# Each text of each chart whose box, as the browser lays it out, leaves its svg.
OUTSIDE = """
return Array.from(document.querySelectorAll('svg.chart')).flatMap(function (svg) {
  var s = svg.getBoundingClientRect();
  return Array.from(svg.querySelectorAll('text')).filter(function (text) {
    var r = text.getBoundingClientRect();
    return r.width === 0 || r.left < s.left || r.right > s.right || r.top < s.top ||
      r.bottom > s.bottom;
  }).map(function (text) {
    var r = text.getBoundingClientRect(), b = text.getBBox();
    return [svg.getAttribute('aria-label'), text.textContent,
            [r.left - s.left, r.right - s.left, r.top - s.top, r.bottom - s.top],
            [b.x, b.y, b.width, b.height], [s.width, s.height]];
  });
});
"""


@pytest.mark.parametrize("report", ["page", "long_names_page"])
def test_every_chart_label_lies_inside_its_chart(report, request):
    browser, _ = request.getfixturevalue(report)
    assert browser.execute_script(OUTSIDE) == []
    counts = browser.execute_script(
        "return Array.from(document.querySelectorAll('svg.chart')).map(function (s) {"
        " return s.querySelectorAll('text').length; });")
    assert len(counts) == 4 and min(counts) > 0


def test_a_cut_owner_label_keeps_its_full_name(long_names_page):
    browser, _ = long_names_page
    labels = browser.execute_script(
        "return Array.from(document.querySelectorAll('svg[aria-label=\"flags by owner\"] "
        "text[text-anchor=end]')).map(function (t) {"
        " var title = t.querySelector('title');"
        " return [t.firstChild.nodeValue, title ? title.textContent : null]; });")
    assert labels == [
        ["@org/some-very-long-team-name", None],
        ["@acme-corporation/payments-p…", LONG_OWNERS[1]],
        ["WWWWWWWWWWWWWWWWW…", LONG_OWNERS[2]],
        ["Ünïcödé Tëàm — 日本語のチーム…", LONG_OWNERS[3]],
        ["x", None],
        ["Ada", None]]  # the flag without an owner: its git author


def test_the_legend_shows_each_series_colour(page):
    browser, _ = page
    colours = browser.execute_script(
        "var svg = document.querySelector('svg[aria-label=\"flags per month\"]');"
        "return Array.from(svg.querySelectorAll('.swatch')).map(function (swatch) {"
        " var name = swatch.dataset.series;"
        " var line = svg.querySelector('polyline[data-series=\"' + name + '\"]');"
        " return [name, getComputedStyle(swatch).stroke, getComputedStyle(line).stroke]; });")
    assert colours == [["flags", "rgb(47, 111, 179)", "rgb(47, 111, 179)"],
                       ["past their lifetime", "rgb(192, 57, 43)", "rgb(192, 57, 43)"]]


# -- flaglint init -----------------------------------------------------------------------------


def test_init_declares_every_flag_and_adopts_the_check(tmp_path, capsys):
    root = legacy(tmp_path / "shop")
    assert main(["init", str(root), "--today", TODAY, "--no-cache", "--write-baseline",
                 str(root / ".flaglint-baseline.json")]) == 0
    assert capsys.readouterr().err == (
        "flaglint: wrote flags.toml (3 flags)\n"
        f"flaglint: recorded 5 findings in {root / '.flaglint-baseline.json'}; exit code 0 "
        f"(runs with --baseline {root / '.flaglint-baseline.json'} report only new findings)\n")
    assert (root / "flags.toml").read_text() == (
        "# The flag registry, written by `flaglint init` from the code, git history and "
        "deployment configs.\n# Review the guessed types and owners, and add a `description` "
        "to each flag.\n\n"
        "[flags.EXP_SEARCH_ENABLED]\n"
        'type = "experiment"  # guessed from the name: check it\n'
        'owner = "@shop/core"  # from CODEOWNERS\n'
        "created = 2025-06-01  # first seen in git\n\n"
        "[flags.NEW_CHECKOUT_ENABLED]\n"
        'type = "release"  # guessed from the name: check it\n'
        'owner = "@shop/core"  # from CODEOWNERS\n'
        "created = 2024-01-10  # first seen in git\n"
        'status = "rolled-out"  # every deployment config serves this value\n'
        "value = true\n\n"
        "[flags.OPS_THROTTLE_ENABLED]\n"
        'type = "operational"  # guessed from the name: check it\n'
        'owner = "@shop/core"  # from CODEOWNERS\n'
        "created = 2024-01-10  # first seen in git\n")
    # The existing [tool.flaglint] is left as it was; the baseline hides the past.
    assert (root / "pyproject.toml").read_text() == CONFIG.lstrip("\n")
    assert not (root / "flaglint.toml").exists()
    assert main(["check", str(root), "--today", TODAY, "--no-cache", "--baseline",
                 str(root / ".flaglint-baseline.json")]) == 0
    capsys.readouterr()
    assert main(["check", str(root), "--today", TODAY, "--no-cache", "--select",
                 "FL101,FL103"]) == 0  # every key declared, with an owner and a type


def test_init_writes_a_configuration_only_where_there_is_none(tmp_path, capsys):
    write_tree(tmp_path, {"app.py": "from UnleashClient import UnleashClient\n"
                                    "c = UnleashClient()\nc.is_enabled('organizations:x')\n",
                          # A negative test's made-up key is no flag to register.
                          "tests/test_app.py": "from app import c\n\n\ndef test_unknown():\n"
                                               "    assert not c.is_enabled('not a flag')\n"})
    assert main(["init", str(tmp_path), "--today", TODAY, "--no-cache"]) == 0
    assert capsys.readouterr().err == "flaglint: wrote flags.toml (1 flag) and flaglint.toml\n"
    assert (tmp_path / "flaglint.toml").read_text() == (
        "# flaglint's configuration (as [tool.flaglint] in pyproject.toml would hold it),\n"
        "# written by `flaglint init`.\nregistry = [\"flags.toml\"]\npresets = [\"unleash\"]\n")
    registry = (tmp_path / "flags.toml").read_text()
    assert '[flags."organizations:x"]\ntype = "release"' in registry
    assert "not a flag" not in registry
    assert main(["check", str(tmp_path), "--today", TODAY, "--no-cache", "--select",
                 "FL101"]) == 0
    capsys.readouterr()
    assert main(["init", str(tmp_path), "--today", TODAY]) == 2  # never over a registry
    assert capsys.readouterr().err == (
        f"flaglint: error: {tmp_path.resolve() / 'flags.toml'} exists; init writes over "
        f"nothing (`flaglint init --registry FILE` writes the registry next to it)\n")
    # The registry deleted, its configuration kept (a fresh start): init writes it again,
    # where its absence was an error ("registry file 'flags.toml' does not exist")
    (tmp_path / "flags.toml").unlink()
    assert main(["init", str(tmp_path), "--today", TODAY, "--no-cache"]) == 0
    assert capsys.readouterr().err == "flaglint: wrote flags.toml (1 flag)\n"
    assert (tmp_path / "flags.toml").read_text() == registry


def test_a_key_that_left_the_code_and_came_back_is_fl401(tmp_path, capsys):
    """Without a registry, the history of the definitions in code says when a key left."""
    root = git_repo(tmp_path / "shop")
    banner = '    OLD_BANNER = "OLD_BANNER_ENABLED"\n'
    flags = FLAGS.replace('    OPS_THROTTLE = "OPS_THROTTLE_ENABLED"\n', banner)
    write_tree(root, {"pyproject.toml": CONFIG.split("[tool.flaglint.environments]")[0],
                      "shop/__init__.py": "", "shop/flags.py": flags, "shop/views.py":
                      VIEWS.replace("OPS_THROTTLE", "OLD_BANNER")})
    commit(root, "Ada", "2024-01-10", "banner")
    write_tree(root, {"shop/flags.py": flags.replace(banner, ""),
                      "shop/views.py": VIEWS.split("\n\ndef throttle")[0] + "\n"})
    commit(root, "Ada", "2025-03-01", "the banner is gone")
    sha_removed = git(root, "rev-parse", "--short=7", "HEAD").strip()
    write_tree(root, {"shop/flags.py": flags, "shop/views.py": VIEWS.replace("OPS_THROTTLE",
                                                                             "OLD_BANNER")})
    commit(root, "Grace", "2026-09-01", "a new banner")
    sha_again = git(root, "rev-parse", "--short=7", "HEAD").strip()
    assert main(["check", str(root), "--today", TODAY, "--no-cache", "--select", "FL4"]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        f"shop/flags.py:7:5: FL401 [OLD_BANNER_ENABLED] Flag `OLD_BANNER_ENABLED` was removed "
        f"on 2025-03-01 ({sha_removed}) and declared again on 2026-09-01 ({sha_again}); code "
        f"and configs from its first life answer to it again")
    report = audit_json(root, capsys)
    row = next(r for r in report["flags"] if r["key"] == "OLD_BANNER_ENABLED")  # type: ignore[union-attr]
    # Its second life counts from its return.
    assert (row["created"], row["age_days"]) == ("2026-09-01", 83)
    assert row["stale"] == ["left and came back (reused key)"]
    assert row["no_lifetime"].startswith("no lifetime declared: 83 days old")


def test_clean_removes_the_enum_member_and_the_config_lines(tmp_path, capsys, monkeypatch):
    root = legacy(tmp_path / "shop")
    assert main(["clean", "NEW_CHECKOUT_ENABLED", "--value", "true", str(root)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "Flag `NEW_CHECKOUT_ENABLED` settled to `true`: changed 2 files; 1 read replaced, 1 "
        "branch collapsed, 0 dead helpers and 1 definition deleted.",
        "2 deployment config settings of `NEW_CHECKOUT_ENABLED` removed from 2 files."]
    flags = (root / "shop" / "flags.py").read_text()
    assert "NEW_CHECKOUT" not in flags and 'OPS_THROTTLE = "OPS_THROTTLE_ENABLED"' in flags
    assert (root / "deploy" / "prod.env").read_text() == ""
    assert (root / "deploy" / "staging.env").read_text() == "OPS_THROTTLE_ENABLED=True\n"
    monkeypatch.syspath_prepend(str(root))
    for name in [m for m in list(__import__("sys").modules) if m.split(".")[0] == "shop"]:
        del __import__("sys").modules[name]
    import importlib

    importlib.invalidate_caches()
    views = importlib.import_module("shop.views")
    assert views.checkout(None) == "new!"
    for name in [m for m in list(__import__("sys").modules) if m.split(".")[0] == "shop"]:
        del __import__("sys").modules[name]


def test_init_detects_the_class_whose_members_are_keys(tmp_path, capsys):
    import shutil as sh

    sh.copytree(Path(__file__).resolve().parent.parent / "fixtures" / "knight-router" / "router",
                tmp_path / "router")
    assert main(["init", str(tmp_path), "--today", TODAY, "--no-cache"]) == 0
    capsys.readouterr()
    assert (tmp_path / "flaglint.toml").read_text().endswith(
        'presets = ["unleash"]\n\n[[definitions]]  # its members are the keys the code reads\n'
        'class = "router.keys.Flags"\n')
    assert main(["check", str(tmp_path), "--today", TODAY, "--no-cache", "--select",
                 "FL101"]) == 0


def test_clean_removes_a_member_from_the_collections_that_list_it(tmp_path, capsys):
    root = legacy(tmp_path / "shop")
    flags = root / "shop" / "flags.py"
    flags.write_text(flags.read_text() + "\n\nALL = [FeatureFlag.NEW_CHECKOUT, "
                                         "FeatureFlag.OPS_THROTTLE]\nONE = (FeatureFlag."
                                         "NEW_CHECKOUT, FeatureFlag.EXP_SEARCH)\n")
    (root / "shop" / "admin.py").write_text(
        "from shop.flags import FeatureFlag\n\n"
        "LISTED = [\n    FeatureFlag.NEW_CHECKOUT,\n    FeatureFlag.EXP_SEARCH,\n]\n")
    assert main(["clean", "NEW_CHECKOUT_ENABLED", "--value", "true", str(root)]) == 0
    capsys.readouterr()
    text = flags.read_text()
    assert "NEW_CHECKOUT" not in text
    assert text.endswith("ALL = [FeatureFlag.OPS_THROTTLE]\nONE = (FeatureFlag.EXP_SEARCH,)\n")
    assert (root / "shop" / "admin.py").read_text() == (
        "from shop.flags import FeatureFlag\n\nLISTED = [\n    FeatureFlag.EXP_SEARCH,\n]\n")



def test_a_set_that_would_be_left_empty_keeps_the_member(tmp_path, capsys):
    root = legacy(tmp_path / "shop")
    (root / "shop" / "admin.py").write_text(
        "from shop.flags import FeatureFlag\n\nSHOWN = {FeatureFlag.NEW_CHECKOUT}\n")
    # Exit 1: the member is left for a person, and said so.
    assert main(["clean", "NEW_CHECKOUT_ENABLED", "--value", "true", str(root)]) == 1
    assert capsys.readouterr().out.endswith(
        "shop/flags.py:6: `FeatureFlag.NEW_CHECKOUT` not deleted: shop/admin.py:3:10: use "
        "(FeatureFlag.NEW_CHECKOUT).\n")
    assert "SHOWN = {FeatureFlag.NEW_CHECKOUT}" in (root / "shop" / "admin.py").read_text()


def test_git_dates_flags_that_only_reads_name(tmp_path, capsys):
    """No registry and no definitions: git still says when each key appeared, and who."""
    root = git_repo(tmp_path / "reads")
    write_tree(root, {"app.py": "from UnleashClient import UnleashClient\nc = UnleashClient()\n"
                                "\n\ndef view():\n    return c.is_enabled('new_ui')\n"})
    commit(root, "Ada", "2025-02-01", "new ui")
    report = audit_json(root, capsys)
    assert report["sources"]["history"] is True  # type: ignore[index]
    row = report["flags"][0]  # type: ignore[index]
    assert (row["key"], row["created"], row["owner"], row["owner_source"],
            row["last_read_change"]) == ("new_ui", "2025-02-01", "Ada", "git", "2025-02-01")


EDX_CONFIG = ('[[definitions]]\ncall = "edx_toggles.toggles.WaffleFlag"\nkey = 0\n'
              'reads = ["is_enabled"]\n')
EDX_TOGGLES = """
from edx_toggles.toggles import WaffleFlag

NS = 'ent'

ALPHA = WaffleFlag('ent.alpha', __name__)
BETA = WaffleFlag(f'{NS}.beta', __name__)
"""
EDX_GAMMA = """
GAMMA = WaffleFlag(
    f'{NS}.gamma',
    __name__,
)
"""
EDX_VIEWS = """
from app.toggles import ALPHA, BETA, GAMMA


def view():
    return ALPHA.is_enabled(), BETA.is_enabled(), GAMMA.is_enabled()
"""


def test_git_dates_and_owns_a_flag_whose_definition_writes_its_key_as_an_f_string(
        tmp_path, capsys):
    """edx-enterprise's `X = WaffleFlag(f'{ENTERPRISE_NAMESPACE}.x', __name__)`: git's
    history was searched for the key's text, which no line holds, so such a flag had no
    owner and no creation date in `audit` and `init --registry` (a comment that spelt the
    key gave them by accident). The key as its definition writes it (`{NS}.beta`) is
    searched for too: the flag is dated and owned by its definition's line, as a flag
    whose key is a literal is, on the call's line or the next."""
    root = git_repo(tmp_path / "edx")
    write_tree(root, {"flaglint.toml": EDX_CONFIG, "app/__init__.py": "",
                      "app/toggles.py": EDX_TOGGLES})
    commit(root, "Ada", "2025-01-10", "alpha and beta")
    write_tree(root, {"app/toggles.py": EDX_TOGGLES + EDX_GAMMA, "app/views.py": EDX_VIEWS})
    commit(root, "Grace", "2025-03-01", "gamma, on its own lines")
    rows = {row["key"]: (row["created"], row["created_source"], row["owner"],
                         row["owner_source"])
            for row in audit_json(root, capsys)["flags"]}  # type: ignore[union-attr]
    assert rows == {"ent.alpha": ("2025-01-10", "git", "Ada", "git"),
                    "ent.beta": ("2025-01-10", "git", "Ada", "git"),
                    "ent.gamma": ("2025-03-01", "git", "Grace", "git")}
    history = analyze_tree(root).history  # the date is the history rules' declaration
    assert history is not None and {
        key: [(event.kind.value, str(event.commit.date)) for event in found.events]
        for key, found in sorted(history.keys.items())} == {
        "ent.alpha": [("declared", "2025-01-10")], "ent.beta": [("declared", "2025-01-10")],
        "ent.gamma": [("declared", "2025-03-01")]}
    assert main(["audit", str(root), "--today", TODAY, "--format", "json"]) == 0
    cached = capsys.readouterr().out
    assert main(["audit", str(root), "--today", TODAY, "--format", "json"]) == 0
    assert capsys.readouterr().out == cached  # from the cache, as without it
    assert {row["key"]: (row["created"], row["owner"])
            for row in json.loads(cached)["flags"]} == {
        key: (created, owner) for key, (created, _, owner, _) in rows.items()}
    assert main(["init", str(root), "--registry", str(root / "reg.toml"), "--today", TODAY,
                 "--no-cache"]) == 0
    capsys.readouterr()
    assert (root / "reg.toml").read_text() == (
        "# The flag registry, written by `flaglint init` from the code, git history and "
        "deployment configs.\n# Review the guessed types and owners, and add a `description` "
        "to each flag.\n\n"
        '[flags."ent.alpha"]\ntype = "release"  # guessed from the name: check it\n'
        'owner = "Ada"  # its main git author\ncreated = 2025-01-10  # first seen in git\n\n'
        '[flags."ent.beta"]\ntype = "release"  # guessed from the name: check it\n'
        'owner = "Ada"  # its main git author\ncreated = 2025-01-10  # first seen in git\n\n'
        '[flags."ent.gamma"]\ntype = "release"  # guessed from the name: check it\n'
        'owner = "Grace"  # its main git author\ncreated = 2025-03-01  # first seen in git\n')


def test_an_f_string_two_modules_write_alike_dates_neither(tmp_path, capsys):
    """`f'{NS}.beta'` in app/b.py (Ada, January) and in app/a.py (Grace, March), each NS its
    module's: the search for the written text dated and owned `a.beta` by b.py's commit. A
    text that stands for two keys says nothing of either."""
    root = git_repo(tmp_path / "two")
    toggles = "from edx_toggles.toggles import WaffleFlag\n\nNS = '{}'\n\n" \
              "BETA = WaffleFlag(f'{{NS}}.beta', __name__)\n"
    views = "from app.{} import BETA\n\n\ndef v():\n    return BETA.is_enabled()\n"
    write_tree(root, {"flaglint.toml": EDX_CONFIG, "app/__init__.py": "",
                      "app/b.py": toggles.format("b"), "app/vb.py": views.format("b")})
    commit(root, "Ada", "2025-01-10", "b")
    write_tree(root, {"app/a.py": toggles.format("a"), "app/va.py": views.format("a")})
    commit(root, "Grace", "2025-03-01", "a")
    rows = {row["key"]: (row["created"], row["owner"])
            for row in audit_json(root, capsys)["flags"]}  # type: ignore[union-attr]
    assert rows == {"a.beta": (None, ""), "b.beta": (None, "")}


# -- flaglint init --registry beside the registries a project has ------------------------------

READS_TWO = ("from UnleashClient import UnleashClient\nc = UnleashClient()\n\n\n"
             "def view():\n    return c.is_enabled('old_ui') or c.is_enabled('new_ui')\n")
OLD_UI = '[flags.old_ui]\nowner = "web"\ntype = "release"\n'
NEW_UI = ("# The flag registry, written by `flaglint init` from the code, git history and "
          "deployment configs.\n# Review the guessed types and owners, and add a `description` "
          "to each flag.\n\n[flags.new_ui]\ntype = \"release\"  # guessed from the name: "
          "check it\n")


def test_init_registry_beside_the_default_one_lists_both(tmp_path, capsys):
    """No configuration, a flags.toml read by default: the flaglint.toml init writes keeps it,
    and the new registry declares only what it does not."""
    write_tree(tmp_path, {"app.py": READS_TWO, "flags.toml": OLD_UI})
    assert main(["init", str(tmp_path), "--registry", str(tmp_path / "more" / "flags.toml"),
                 "--today", TODAY, "--no-cache"]) == 0
    assert capsys.readouterr().err == \
        "flaglint: wrote more/flags.toml (1 flag) and flaglint.toml\n"
    assert (tmp_path / "flaglint.toml").read_text() == (
        "# flaglint's configuration (as [tool.flaglint] in pyproject.toml would hold it),\n"
        "# written by `flaglint init`.\nregistry = [\"flags.toml\", \"more/flags.toml\"]\n"
        "presets = [\"unleash\"]\n")
    assert (tmp_path / "more" / "flags.toml").read_text() == NEW_UI
    assert (tmp_path / "flags.toml").read_text() == OLD_UI
    assert main(["check", str(tmp_path), "--today", TODAY, "--no-cache", "--select",
                 "FL101,FL102"]) == 0  # both registries read, no key declared twice
    assert capsys.readouterr().err == ""


PYPROJECT = ('[project]\nname = "shop"\n\n[tool.flaglint]\npresets = ["unleash"]\n{}\n'
             '[tool.flaglint.lifetimes]\nrelease = 60\n')
FLAGLINT_TOML = 'presets = ["unleash"]\n{}\n[lifetimes]\nrelease = 60\n'
LISTED = 'registry = ["flags.toml"]\n'
BOTH = 'registry = ["flags.toml", "other.toml"]\n'


@pytest.mark.parametrize(("name", "settings", "advised", "advice"), [
    ("pyproject.toml", PYPROJECT.format(LISTED), PYPROJECT.format(BOTH),
     'in [tool.flaglint] of {root}/pyproject.toml, replace `registry = ["flags.toml"]` with '
     '`registry = ["flags.toml", "other.toml"]`'),
    ("flaglint.toml", FLAGLINT_TOML.format(LISTED), FLAGLINT_TOML.format(BOTH),
     'in {root}/flaglint.toml, replace `registry = ["flags.toml"]` with '
     '`registry = ["flags.toml", "other.toml"]`'),
    ("pyproject.toml", PYPROJECT.format(""), PYPROJECT.format(BOTH),
     'add `registry = ["flags.toml", "other.toml"]` to [tool.flaglint] of '
     '{root}/pyproject.toml'),
    ("flaglint.toml", FLAGLINT_TOML.format(""), FLAGLINT_TOML.format(BOTH),
     'add `registry = ["flags.toml", "other.toml"]` to {root}/flaglint.toml, above its '
     'first table')], ids=["pyproject-lists", "flaglint-toml-lists", "pyproject-default",
                           "flaglint-toml-default"])
def test_init_registry_beside_a_configuration_says_the_line_that_keeps_both(
        tmp_path, capsys, name, settings, advised, advice):
    """A configuration init does not edit, listing flags.toml or reading it by default: init
    says the exact `registry` line that reads both, and leaves every file it had as it was."""
    before = {"app.py": READS_TWO, "flags.toml": OLD_UI, name: settings}
    write_tree(tmp_path, before)
    assert main(["init", str(tmp_path), "--registry", str(tmp_path / "other.toml"), "--today",
                 TODAY, "--no-cache"]) == 0
    assert capsys.readouterr().err == (
        "flaglint: wrote other.toml (1 flag)\n"
        f"flaglint: note: {advice.format(root=tmp_path.resolve())} so that checks read every "
        f"registry\n")
    assert {n: (tmp_path / n).read_text() for n in before} == before
    assert (tmp_path / "other.toml").read_text() == NEW_UI
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*before, "other.toml"])
    # With the line as advised, checks read both registries and every key is declared.
    (tmp_path / name).write_text(advised)
    assert main(["check", str(tmp_path), "--today", TODAY, "--no-cache", "--select",
                 "FL101,FL102"]) == 0


def test_the_history_names_each_key_where_a_line_holds_it_whole(tmp_path):
    """`mentions`: a key is mentioned on an added or removed line that holds it as a whole
    key, a key inside a longer one (`new-view`, `org:new` in `org:new-view`) as well; a
    longer name (`fast_path_v2`) and a context line are not mentions."""
    from flaglint.audit.timeline import mentions

    root = git_repo(tmp_path / "repo")
    write_tree(root, {"app.py": 'FAST = fast_path\nVIEW = is_enabled("org:new-view")\n'
                                "KEEP = 1\n"})
    commit(root, "Ada", "2024-01-10", "two flags")
    write_tree(root, {"app.py": 'FAST = fast_path_v2\nVIEW = is_enabled("org:new-view")\n'
                                "KEEP = 2  # new-view\n"})
    commit(root, "Grace", "2025-03-01", "one more")
    found = mentions(root, ["app.py"], {"fast_path", "org:new-view", "new-view", "org:new",
                                          "KEEP"})
    assert found is not None and found.commits == 2
    assert {key: (str(found.first[key]), str(found.last[key]), dict(found.authors[key]))
            for key in sorted(found.first)} == {
        "KEEP": ("2024-01-10", "2025-03-01", {"Ada": 1, "Grace": 2}),
        "fast_path": ("2024-01-10", "2025-03-01", {"Ada": 1, "Grace": 1}),
        "new-view": ("2024-01-10", "2025-03-01", {"Ada": 1, "Grace": 1}),
        "org:new": ("2024-01-10", "2024-01-10", {"Ada": 1}),
        "org:new-view": ("2024-01-10", "2024-01-10", {"Ada": 1}),
    }


def test_mentions_look_at_the_lines_that_may_name_a_key_as_a_reading_of_every_line_would(
        tmp_path):
    """`mentions` looks only at the lines that hold a key's first characters: the same
    first and last dates, authors and commits as a reading of every line of `git log -p`,
    with keys inside keys (`org:new`, `org:new-view`), one-letter keys, keys in an author's
    name, removed lines, and a commit that names no key."""
    import datetime as dt
    from collections import Counter

    from flaglint.audit import timeline

    keys = {"org:new", "org:new-view", "a", "fast_path", "fast", "gone-flag"}
    steps = [
        ("2021-01-05", "ann", {"app.py": "x = 1\n"}),
        ("2021-02-05", "fast_path bot", {"app.py": "x = 1\nf('org:new-view')\n"}),
        ("2021-03-05", "bob", {"app.py": "f('org:new-view')\nif fast_path(): a = 1\n",
                               "b.py": "g('gone-flag')  # org:new\n"}),
        ("2021-04-05", "cy", {"app.py": "if fast_path(): a = 1\n", "b.py": "fast = 2\n"}),
        ("2021-05-05", "ann", {"b.py": "fast = 3\nbreakfast = 'org:newer'\n"}),
    ]
    git(tmp_path, "init", "-q", "-b", "main")
    for date, author, files in steps:
        write_tree(tmp_path, files)
        git(tmp_path, "add", "-A")
        subprocess.run(["git", "commit", "-q", "-m", "step", f"--author={author} <a@b.c>"],
                       cwd=tmp_path, check=True, capture_output=True,
                       env={**os.environ, "GIT_COMMITTER_NAME": "t",
                            "GIT_COMMITTER_EMAIL": "t@b.c", "GIT_CONFIG_GLOBAL": os.devnull,
                            "GIT_AUTHOR_DATE": f"{date}T12:00:00+00:00",
                            "GIT_COMMITTER_DATE": f"{date}T12:00:00+00:00"})
    found = timeline.mentions(tmp_path, ["app.py", "b.py"], keys)
    assert found is not None and found.commits == 5
    expected = _every_line_read(tmp_path, ["app.py", "b.py"], keys)
    assert (found.first, found.last, found.authors) == expected
    day = dt.date.fromisoformat
    assert found.first["org:new"] == found.first["org:new-view"] == day("2021-02-05")
    assert found.first["fast"] == day("2021-04-05")  # `fast_path` and `breakfast` are not it
    assert found.authors["fast"] == Counter({"ann": 2, "cy": 1})  # ann's removed line too
    assert found.last["org:new"] == day("2021-04-05")  # not `org:newer`


def _every_line_read(root: Path, paths: list[str], keys: set[str]) -> tuple[dict, dict, dict]:
    """What `mentions` says, from every added or removed line of the log, one at a time."""
    import datetime as dt
    from collections import Counter

    from flaglint.audit.timeline import _whole

    out = subprocess.run(["git", "log", "--reverse", "-U0", "--no-renames",
                          "--format=%x00%at %an", "-p", "--", *paths], cwd=root, check=True,
                         capture_output=True, text=True).stdout
    first: dict[str, dt.date] = {}
    last: dict[str, dt.date] = {}
    authors: dict[str, Counter[str]] = {}
    date, author = dt.date.min, ""
    for line in out.split("\n"):
        if line.startswith("\0"):
            stamp, author = line[1:].split(" ", 1)
            date = dt.datetime.fromtimestamp(int(stamp), dt.timezone.utc).date()
        elif line[:1] in ("+", "-") and not line.startswith(("+++", "---")):
            for key in sorted(k for k in keys if _whole(line, k)):
                first.setdefault(key, date)
                last[key] = date
                authors.setdefault(key, Counter())[author] += 1
    return first, last, authors
