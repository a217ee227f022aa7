"""The reference site in a real browser: ``newscms serve`` driven by headless Chromium.

A reader's path through the demo: the home page, a story, its tag's page and the
next page of it, a search, the story's Italian version, and its printable version; a
screenshot of each step.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

SAMPLE = "beijing-does-not-want-to-help-pyongyang-in-its-arms-race"
SAMPLE_HEADLINE = 'Beijing "does not want to help Pyongyang in its arms race"'


def _text(driver: Any, css: str) -> str:
    text: str = driver.find_element(By.CSS_SELECTOR, css).text
    return text


def _all(driver: Any, css: str) -> list[str]:
    return [element.text for element in driver.find_elements(By.CSS_SELECTOR, css)]


def _submit(driver: Any, element: Any) -> None:
    """Submit ``element``'s form and wait for the next page.

    Selenium submits through a script, which returns before the browser navigates
    (a click waits for it; a script does not).
    """
    before = driver.current_url
    element.submit()
    WebDriverWait(driver, 10).until(lambda d: d.current_url != before)


def test_home_article_tag_page_and_older_stories(browser: Any, server: str, screenshot) -> None:  # type: ignore[no-untyped-def]
    browser.get(server)
    assert browser.current_url == f"{server}en/"
    assert _text(browser, "h1") == "Latest news"
    first = _all(browser, ".teaser h2")
    assert len(first) == 2
    screenshot(browser, "01-home")

    browser.find_element(By.CSS_SELECTOR, ".teaser h2 a").click()
    headline = _text(browser, "h1")
    assert headline == first[0]
    assert (
        browser.find_element(By.CSS_SELECTOR, "link[rel=canonical]").get_attribute("href")
        == browser.current_url
    )
    screenshot(browser, "02-article")

    # The newest English story (Manila, 2019) shares its "Caritas" tag with two others.
    tag = browser.find_element(By.CSS_SELECTOR, '.tags a[href$="/tags/caritas"]')
    name = tag.text
    tag.click()
    assert "/en/tags/" in browser.current_url
    assert _text(browser, "h1") == name
    page_one = _all(browser, ".teaser h2")
    assert headline in page_one
    assert len(page_one) == 2
    screenshot(browser, "03-tag-page")

    browser.find_element(By.LINK_TEXT, "Older stories →").click()
    assert "cursor=" in browser.current_url
    page_two = _all(browser, ".teaser h2")
    assert page_two
    assert not set(page_two) & set(page_one)
    screenshot(browser, "04-tag-page-older-stories")


def test_search(browser: Any, server: str, screenshot) -> None:  # type: ignore[no-untyped-def]
    browser.get(f"{server}en/")
    box = browser.find_element(By.CSS_SELECTOR, ".search-box input[name=q]")
    box.send_keys("Pyongyang")
    _submit(browser, box)
    assert unquote(browser.current_url).endswith("/en/search?q=Pyongyang")
    assert _text(browser, "h1") == "Search results for “Pyongyang”"
    assert browser.find_elements(By.CSS_SELECTOR, ".teaser mark")
    assert SAMPLE_HEADLINE in _all(browser, ".teaser h2")
    screenshot(browser, "05-search")


def test_language_switch_and_printable_version(
    browser: Any, server: str, screenshot, italian_headline: str
) -> None:  # type: ignore[no-untyped-def]
    browser.get(f"{server}en/{SAMPLE}")
    assert _text(browser, "h1") == SAMPLE_HEADLINE
    assert _text(browser, ".kicker") == "KOREA - CHINA"
    assert _text(browser, ".byline") == "by Joseph Yun Li-sun"
    assert _text(browser, ".date") == "June 14, 2012"
    assert _text(browser, ".dateline") == "Seoul (AsiaNews) -"
    assert len(browser.find_elements(By.CSS_SELECTOR, ".see-also li")) == 5
    send = browser.find_element(By.LINK_TEXT, "Send to a friend").get_attribute("href")
    assert send.startswith("mailto:?subject=")
    screenshot(browser, "06-sample-article")

    browser.find_element(By.LINK_TEXT, "Italiano").click()
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "it"
    assert _text(browser, "h1") == italian_headline
    assert _text(browser, ".byline") == "di Joseph Yun Li-sun"
    screenshot(browser, "07-italian-version")

    browser.find_element(By.LINK_TEXT, "English").click()
    browser.find_element(By.LINK_TEXT, "Printable version").click()
    assert browser.current_url == f"{server}en/{SAMPLE}/print"
    assert _text(browser, "h1") == SAMPLE_HEADLINE
    assert not browser.find_elements(By.CSS_SELECTOR, "form, nav, script:not([type])")
    screenshot(browser, "08-printable-version")
