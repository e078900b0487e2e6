#!/usr/bin/env python3
"""The storefront in a real browser: headless Chromium driven by Selenium against a real `orderly serve`.

A customer registers, searches, adds to the cart, checks out with tok_visa and sees CONFIRMED; then checks out
with a declined card and sees the reason; subscribes to daily milk, pauses and resumes it; reads the welcome mail. Controls are found by their labels and button texts, as a person finds
them. A screenshot of every page is saved (the folder is printed). Only 127.0.0.1 is contacted.

Needs Debian's chromium and chromium-driver, and PyPI's selenium (.ci/run installs them).
"""
import os
import sys
import tempfile
import time

from orderly_process import Server, call, must
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait


def browser():
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    os.environ["SE_AVOID_STATS"] = "true"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


class Person:
    """Uses the pages as a person would: by the labels of fields and the words on buttons."""

    def __init__(self, driver, base, shots):
        self.driver, self.base, self.shots, self.count = driver, base, shots, 0

    def open(self, path):
        self.driver.get(self.base + path)
        self.snap()

    def field(self, label):
        element = self.driver.find_element(By.XPATH, f"//label[normalize-space()='{label}']")
        return self.driver.find_element(By.ID, element.get_attribute("for"))

    def fill(self, label, text):
        field = self.field(label)
        field.clear()
        field.send_keys(text)

    def choose(self, label, option):
        Select(self.field(label)).select_by_visible_text(option)

    def press(self, words):
        """The page's own button or link with these words (the main part first, then the header's)."""
        for path in (f"//main//button[normalize-space()='{words}']", f"//main//a[normalize-space()='{words}']",
                     f"//button[normalize-space()='{words}']", f"//a[normalize-space()='{words}']"):
            found = self.driver.find_elements(By.XPATH, path)
            if found:
                page = self.driver.find_element(By.TAG_NAME, "html")
                found[0].click()
                # Every button and link here loads a page: wait until this one is gone (Chromium reports a node of
                # a page that went away as stale, or as not belonging to the document).
                def gone(_):
                    try:
                        page.is_enabled()
                        return False
                    except WebDriverException:
                        return True
                WebDriverWait(self.driver, 20, poll_frequency=0.05).until(gone)
                self.snap()
                return
        raise AssertionError(f"no button or link says {words!r}: {self.text()}")

    def text(self):
        return self.driver.find_element(By.TAG_NAME, "main").text

    def wait_for(self, words, seconds=20):
        """Until the page (which may reload itself) says `words`."""
        def says(_):
            try:
                return words in self.text()
            except WebDriverException:
                return False
        WebDriverWait(self.driver, seconds, poll_frequency=0.25).until(says)
        self.snap()

    def snap(self):
        self.count += 1
        title = self.driver.title.split(" · ")[0].lower().replace(" ", "-") or "page"
        self.driver.save_screenshot(os.path.join(self.shots, f"{self.count:02d}-{title}.png"))


def main():
    work = tempfile.mkdtemp(prefix="orderly-browser-")
    shots = os.path.join(work, "screenshots")
    os.makedirs(shots)
    log = open(os.path.join(work, "server.log"), "ab")
    server = Server(os.path.abspath(".build/debug/orderly"), os.path.join(work, "data"), log, env={
        "ORDERLY_ADMIN_EMAIL": "admin@browser.test", "ORDERLY_ADMIN_PASSWORD": "admin-password",
        "ORDERLY_LOG_LEVEL": "warning"})
    server.start()
    driver = None
    try:
        admin = must(call("POST", server.url("/v1/auth/login"),
                          {"email": "admin@browser.test", "password": "admin-password"}), 200)["token"]
        for name, category in (("Farm Milk 1L", "dairy"), ("Sourdough Loaf", "bakery")):
            must(call("POST", server.url("/v1/products"), {
                "name": name, "description": "Fresh today", "price": {"amount": 249, "currency": "USD"},
                "category": category, "stock": 10}, token=admin), 201)
        driver = browser()
        person = Person(driver, server.url(""), shots)

        person.open("/register")
        person.fill("Name", "Asha")
        person.fill("Email", "asha@browser.test")
        person.fill("Password", "a good password")
        person.press("Create account")
        assert "Signed in as Asha" in driver.find_element(By.TAG_NAME, "header").text

        person.fill("Search", "milk")
        person.press("Search")
        assert "Farm Milk 1L" in person.text() and "Sourdough Loaf" not in person.text(), person.text()
        person.press("Add to cart")
        person.wait_for("Total:")
        person.press("Check out")
        person.choose("Payment method", "Card tok_visa (succeeds)")
        person.press("Place order")
        person.wait_for("Status: CONFIRMED")

        person.open("/")
        person.fill("Search", "milk")
        person.press("Search")
        person.press("Add to cart")
        person.press("Check out")
        person.choose("Payment method", "Card tok_chargeDeclined (declined)")
        person.press("Place order")
        person.wait_for("Status: CANCELLED")
        person.wait_for("The checkout failed: payment declined.")

        person.press("Orders")
        assert person.text().count("CONFIRMED") == 1 and person.text().count("CANCELLED") == 1, person.text()

        # A daily milk subscription, paused, then resumed; the welcome mail among the notifications.
        person.press("Subscriptions")
        person.choose("Product", "Farm Milk 1L (USD 2.49)")
        person.choose("Frequency", "Daily")
        person.choose("Payment method", "Cash on delivery")
        person.press("Subscribe")
        person.wait_for("ACTIVE")
        person.press("Pause")
        person.wait_for("PAUSED")
        person.press("Resume")
        person.wait_for("ACTIVE")
        person.press("Notifications")
        for _ in range(20):
            if "Welcome to Orderly" in person.text():
                break
            time.sleep(0.5)
            person.open("/notifications")
        assert "Welcome to Orderly" in person.text(), person.text()
        person.press("Sign out")
        assert "Sign in" in driver.find_element(By.TAG_NAME, "header").text
    except BaseException:
        print(f"browser test: screenshots and server log in {work}", file=sys.stderr)
        if driver:
            print(driver.page_source[:3000], file=sys.stderr)
        raise
    finally:
        if driver:
            driver.quit()
        server.stop()
    print(f"browser test: screenshots in {shots}")
    print("browser test: 1 passed, 0 failed")


if __name__ == "__main__":
    main()
