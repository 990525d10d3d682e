"""Shared fixtures. Tests work on copies in tmp_path: never on the real decks/, never on $HOME."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).parent.parent


# The system Chromium, as Playwright drives it here (never `playwright install`: it downloads a browser).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium for one test module."""
    chromium = shutil.which("chromium")
    assert chromium, "no system Chromium: bash tests/run.sh installs it (never `playwright install`)"
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


# Fixtures that start headless Chromium: a test that uses one is a `browser` test (`-m "not browser"` skips them).
BROWSER_FIXTURES = {"browser", "page", "page_url", "printed", "chromium_page"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that drives or prints with Chromium, so the fast tests can run alone."""
    for item in items:
        if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module", autouse=True)
def _isolated_module_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The same for module-scoped fixtures, which run before any test's own home is set: a home per module, so
    that banks built by two modules' fixtures never meet in one record of bank folders."""
    home = tmp_path_factory.mktemp("module-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(home))
        patch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
        patch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
        yield


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every test away from the user's real data directory."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.delenv("STUDYDECK_CACHE_DIR", raising=False)


@contextmanager
def own_machine(data: Path) -> Iterator[None]:
    """For a module-scoped fixture that copies a bank (its deck_id included): a data folder of its own, so
    this machine's record of bank folders does not take the copy for a second bank with the same id."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(data))
        yield


def copy_case(case: str, target: Path) -> Path:
    """Copy the scenario `tests/data/<case>` to `target`, with the shared sources unless it has its own."""
    shutil.copytree(DATA / case, target, dirs_exist_ok=True)
    if not (target / "sources").exists():
        shutil.copytree(DATA / "_sources", target / "sources")
    return target


@pytest.fixture
def case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Copy a scenario into tmp_path and work from there, so messages show short relative paths."""

    def make(name: str) -> Path:
        project = copy_case(name, tmp_path / name)
        monkeypatch.chdir(project)
        return project

    return make


@pytest.fixture
def default_bank(tmp_path: Path) -> Path:
    """A copy of the repository's own bank (questions.yaml, sources/, templates/)."""
    target = tmp_path / "bank"
    target.mkdir()
    shutil.copy(REPO / "questions.yaml", target / "questions.yaml")
    for folder in ("sources", "templates", "decks"):
        if (REPO / folder).exists():
            shutil.copytree(REPO / folder, target / folder)
    return target
