#!/usr/bin/env python3
"""The website in a real browser: headless Chromium driven by Selenium against a real `orderly serve`.

A customer registers, searches, adds to the cart, checks out with tok_visa and sees CONFIRMED; checks out with a
declined card and sees the reason; subscribes to daily milk, pauses and resumes it; reads the welcome mail. An admin
adds a product and adjusts its stock, makes a courier account, packs the customer's order, gives it to the courier
and opens its execution graph; the courier moves the delivery to DELIVERED, which the customer's order page then
shows. A second customer shops with the keyboard alone, on a phone-sized window.

Controls are found by their labels and button texts, as a person finds them. Every page visited is checked as it is
shown: each control has a label, text passes WCAG AA contrast, nothing is wider than the window; and a screenshot of
it is saved (the folder is printed). Only 127.0.0.1 is contacted.

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
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

# Run in the page: every visible text's contrast against what is behind it (WCAG 2.1 AA: 4.5, or 3 for large text),
# every form control's label, every button's name, and whether the page is wider than the window.
AUDIT = r"""
function rgba(s) { const m = s && s.match(/rgba?\(([^)]+)\)/); if (!m) return null;
  const p = m[1].split(',').map(parseFloat); return {rgb: p.slice(0, 3), a: p.length > 3 ? p[3] : 1}; }
function luminance(c) { const a = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
  return 0.2126 * a[0] + 0.7152 * a[1] + 0.0722 * a[2]; }
function ratio(f, b) { const [x, y] = [luminance(f), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); }
function behind(el) {
  if (el instanceof SVGElement) {
    const g = el.closest('g'); const rect = g && g.querySelector(':scope > rect');
    const fill = rect && rgba(getComputedStyle(rect).fill); if (fill && fill.a > 0.5) return fill.rgb;
    el = el.closest('svg').parentElement;
  }
  for (; el; el = el.parentElement) { const c = rgba(getComputedStyle(el).backgroundColor); if (c && c.a > 0.5) return c.rgb; }
  return [255, 255, 255];
}
const problems = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode, el = node.parentElement;
  if (!el || !node.textContent.trim() || el.closest('title, style, script, option')) continue;
  const style = getComputedStyle(el), box = el.getBoundingClientRect();
  if (style.visibility === 'hidden' || box.width === 0 || box.height === 0) continue;
  const fg = rgba(el instanceof SVGElement ? style.fill : style.color); if (!fg) continue;
  const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
  const needed = size >= 24 || (size >= 18.66 && bold) ? 3 : 4.5, got = ratio(fg.rgb, behind(el));
  if (got < needed) problems.push(`contrast ${got.toFixed(2)} < ${needed}: "${node.textContent.trim().slice(0, 40)}"`);
}
for (const control of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
  const labelled = (control.id && document.querySelector(`label[for="${control.id}"]`)) || control.getAttribute('aria-label');
  if (!labelled) problems.push(`control without a label: ${control.outerHTML.slice(0, 80)}`);
}
for (const button of document.querySelectorAll('button, a')) {
  if (!button.textContent.trim() && !button.getAttribute('aria-label')) problems.push(`unnamed ${button.outerHTML.slice(0, 80)}`);
}
if (document.documentElement.scrollWidth > window.innerWidth + 1)
  problems.push(`the page is ${document.documentElement.scrollWidth}px wide in a ${window.innerWidth}px window`);
return problems;
"""


def browser(phone=False):
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(flag)
    if phone:
        # A phone's screen, 375 CSS pixels wide (a desktop window cannot be made that narrow).
        options.add_experimental_option(
            "mobileEmulation", {"deviceMetrics": {"width": 375, "height": 800, "pixelRatio": 2}})
    options.binary_location = "/usr/bin/chromium"
    os.environ["SE_AVOID_STATS"] = "true"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


class Person:
    """Uses the pages as a person would: by the labels of fields and the words on buttons."""

    shots = None
    count = 0
    audited = 0

    def __init__(self, driver, base, who):
        self.driver, self.base, self.who = driver, base, who

    def open(self, path):
        self.driver.get(self.base + path)
        self.snap()

    def field(self, label):
        element = self.driver.find_element(By.XPATH, f"//main//label[normalize-space()='{label}']")
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
                self.wait_for_next_page(page)
                return
        raise AssertionError(f"no button or link says {words!r}: {self.text()}")

    def wait_for_next_page(self, page):
        # Every button and link here loads a page: wait until this one is gone (Chromium reports a node of a page
        # that went away as stale, or as not belonging to the document).
        def gone(_):
            try:
                page.is_enabled()
                return False
            except WebDriverException:
                return True
        WebDriverWait(self.driver, 20, poll_frequency=0.05).until(gone)
        self.snap()

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
        """Saves a screenshot of the page and checks it: labels, contrast, width."""
        Person.count += 1
        title = self.driver.title.split(" · ")[0].lower().replace(" ", "-")[:40] or "page"
        self.driver.save_screenshot(os.path.join(Person.shots, f"{Person.count:02d}-{self.who}-{title}.png"))
        problems = self.driver.execute_script(AUDIT)
        assert not problems, f"{self.driver.current_url}: " + "; ".join(problems)
        Person.audited += 1

    def keys(self, *keys):
        """Keys pressed on whatever has the focus, as someone without a mouse does."""
        self.driver.switch_to.active_element.send_keys(*keys)

    def tab_to(self, describe, limit=80):
        """Presses Tab until the focus is on the control `describe` says it wants; it must show that it has focus."""
        for _ in range(limit):
            self.keys(Keys.TAB)
            focused = self.driver.switch_to.active_element
            if describe(focused):
                outline = self.driver.execute_script(
                    "const s = getComputedStyle(arguments[0]); return s.outlineStyle + ' ' + s.outlineWidth;", focused)
                assert not outline.startswith("none"), f"no visible focus on {focused.get_attribute('outerHTML')}"
                return focused
        raise AssertionError("Tab never reached the control")


def labelled(person, label):
    target = person.field(label)
    return lambda element: element == target


def says(words):
    return lambda element: element.text.strip() == words


def audit_can_fail(driver, base):
    """The page check finds what it looks for: faint text and a control without a label."""
    driver.get(base + "/")
    driver.execute_script("""document.querySelector('main').insertAdjacentHTML('beforeend',
        '<p style="color:#bbbbbb">faint</p><input id="unlabelled">')""")
    problems = " ".join(driver.execute_script(AUDIT))
    assert "contrast" in problems and "control without a label" in problems, problems


def customer_shops(person, driver):
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
    person.fill("Address line 1", "12 Dairy Lane")
    person.fill("City", "Pune")
    person.fill("Postal code", "411001")
    person.fill("Country", "IN")
    person.press("Place order")
    person.wait_for("Status: CONFIRMED")
    assert "Not out for delivery yet." in person.text() and "12 Dairy Lane, Pune" in person.text(), person.text()
    order_page = driver.current_url

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
    return order_page


def admin_runs_the_shop(person, driver, order_id):
    person.open("/signin")
    person.fill("Email", "admin@browser.test")
    person.fill("Password", "admin-password")
    person.press("Sign in")
    assert "To pack" in person.text(), person.text()

    person.press("Products")
    person.fill("Name", "Paneer 200g")
    person.fill("Description", "Soft, fresh")
    person.fill("Price (USD)", "1.80")
    person.fill("Category", "dairy")
    person.fill("Stock", "6")
    person.press("Add product")
    person.wait_for("Product created.")
    person.fill("Change in stock", "4")
    person.fill("Reason", "second delivery from the farm")
    person.press("Adjust stock")
    person.wait_for("Stock adjusted.")
    assert "10 available" in person.text(), person.text()

    person.press("Staff")
    person.fill("Name", "Cole")
    person.fill("Email", "cole@browser.test")
    person.fill("Password", "courier-password")
    person.choose("Role", "courier")
    person.press("Create staff account")
    person.wait_for("Cole (cole@browser.test)")

    person.press("Order board")
    person.press(order_id)
    person.press("Pack")
    person.wait_for("Status: PACKED")
    person.choose("Courier", "Cole")
    person.press("Assign delivery")
    person.wait_for("ASSIGNED")
    person.press("Checkout execution graph")
    person.wait_for("Execution " + order_id)
    graph = driver.find_element(By.CSS_SELECTOR, "svg.graph")
    succeeded = [g.find_element(By.TAG_NAME, "title").get_attribute("textContent")
                 for g in graph.find_elements(By.CSS_SELECTOR, "g.state.succeeded")]
    assert any(title.startswith("ProcessPayment:") for title in succeeded), succeeded
    assert not graph.find_elements(By.CSS_SELECTOR, "g.state.failed"), "a state of a paid checkout failed"
    person.press("Sign out")


def courier_delivers(person):
    person.open("/signin")
    person.fill("Email", "cole@browser.test")
    person.fill("Password", "courier-password")
    person.press("Sign in")
    for move, status in (("Picked up", "PICKED_UP"), ("In transit", "IN_TRANSIT"), ("Delivered", "DELIVERED")):
        person.fill("Note", f"{move.lower()} by Cole")
        person.press(move)
        person.wait_for(status)
    assert "delivered by Cole" in person.text(), person.text()
    person.press("Sign out")


def keyboard_shopper(person, driver):
    """Registers, finds milk, puts it in the cart and pays with nothing but Tab, typing and Enter, on a phone."""
    person.open("/register")
    for label, text in (("Name", "Kiran"), ("Email", "kiran@browser.test"), ("Password", "a good password")):
        person.tab_to(labelled(person, label))
        person.keys(text)
    steps = [
        lambda: person.keys(Keys.ENTER),
        lambda: (person.tab_to(labelled(person, "Search")), person.keys("milk", Keys.ENTER)),
        lambda: person.tab_to(says("Add to cart")).send_keys(Keys.ENTER),
        lambda: person.tab_to(says("Check out")).send_keys(Keys.ENTER),
        lambda: person.tab_to(says("Place order")).send_keys(Keys.ENTER),
    ]
    for step in steps:
        page = driver.find_element(By.TAG_NAME, "html")
        step()
        person.wait_for_next_page(page)
    person.wait_for("Status: CONFIRMED")


def main():
    work = tempfile.mkdtemp(prefix="orderly-browser-")
    Person.shots = os.path.join(work, "screenshots")
    os.makedirs(Person.shots)
    log = open(os.path.join(work, "server.log"), "ab")
    server = Server(os.path.abspath(".build/debug/orderly"), os.path.join(work, "data"), log, env={
        "ORDERLY_ADMIN_EMAIL": "admin@browser.test", "ORDERLY_ADMIN_PASSWORD": "admin-password",
        "ORDERLY_LOG_LEVEL": "warning"})
    server.start()
    drivers = []
    try:
        admin = must(call("POST", server.url("/v1/auth/login"),
                          {"email": "admin@browser.test", "password": "admin-password"}), 200)["token"]
        for name, category in (("Farm Milk 1L", "dairy"), ("Sourdough Loaf", "bakery")):
            must(call("POST", server.url("/v1/products"), {
                "name": name, "description": "Fresh today", "price": {"amount": 249, "currency": "USD"},
                "category": category, "stock": 10}, token=admin), 201)
        shopper = browser()
        drivers.append(shopper)
        audit_can_fail(shopper, server.url(""))
        customer = Person(shopper, server.url(""), "customer")
        order_page = customer_shops(customer, shopper)
        order_id = order_page.rstrip("/").split("/")[-1]

        staff = browser()
        drivers.append(staff)
        admin_runs_the_shop(Person(staff, server.url(""), "admin"), staff, order_id)
        courier_delivers(Person(staff, server.url(""), "courier"))

        # The customer's order page follows the delivery.
        shopper.get(order_page)
        customer.wait_for("Status: DELIVERED")
        assert "delivered by Cole" in customer.text(), customer.text()
        customer.press("Sign out")
        assert "Sign in" in shopper.find_element(By.TAG_NAME, "header").text

        phone = browser(phone=True)
        drivers.append(phone)
        keyboard_shopper(Person(phone, server.url(""), "keyboard"), phone)
    except BaseException:
        print(f"browser test: screenshots and server log in {work}", file=sys.stderr)
        for driver in drivers:
            print(driver.current_url, driver.page_source[:3000], file=sys.stderr)
        raise
    finally:
        for driver in drivers:
            driver.quit()
        server.stop()
    print(f"browser test: {Person.audited} pages checked (labels, contrast, width); screenshots in {Person.shots}")
    print("browser test: 1 passed, 0 failed")


if __name__ == "__main__":
    main()
