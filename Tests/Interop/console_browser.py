#!/usr/bin/env python3
"""Browser check of the web console (CONTRACT §9) with Debian's chromium and chromium-driver driven by
Selenium, against a real `vendormatch serve` with API keys over the demo market; the binary protocol
(python_client.Connection, the same keys) is the reference for every result.

Usage: PYTHONPATH=<generated>:Tests/Interop console_browser.py --port P --http-port H --acme KEY --bolt KEY
       --private-vendor ID --xss-vendor ID --shots DIR

Checks: a sales flow (finder form filled by keyboard → the case studies of FindCaseStudies in order; a case
study's vendor link opens its profile; the CSV export has the same rows) and a buyer flow (shortlist form with
hard constraints → the vendors of Shortlist in order; three compared side by side, a fourth refused by the
page) for the signed-in tenant; a bad industry code shows the validator's message beside `industry`; a
vendor named `<img src=x onerror=alert(1)>` renders as text with no script run; tenant bolt's pages never
show tenant acme's private referral; no page scrolls sideways at 360 px; every control is labelled; where
axe-selenium-python is installed, no serious or critical accessibility violation on any page. A PNG
screenshot of every page goes to --shots.
"""
import argparse
import os
import sys
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from vendormatch.v1 import vendormatch_pb2 as pb
from python_client import Connection

try:
    from axe_selenium_python import Axe
except ImportError:  # optional: checked where it installs
    Axe = None

failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


class Browser:
    def __init__(self, base, shots):
        options = Options()
        for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1600", "--lang=en"):
            options.add_argument(a)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver_path = "/usr/bin/chromedriver"
        self.d = webdriver.Chrome(service=Service(driver_path) if os.path.exists(driver_path) else Service(), options=options)
        self.base = base
        self.shots = shots
        self.pages_checked = set()

    def get(self, path):
        self.d.get(self.base + path)

    def wait_for(self, css):
        """Waits for the page that an action navigated to (a key press does not wait for it)."""
        WebDriverWait(self.d, 30).until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))

    def shot(self, name):
        os.makedirs(self.shots, exist_ok=True)
        self.d.save_screenshot(os.path.join(self.shots, name + ".png"))

    def ids(self, selector, attribute):
        return [e.get_attribute(attribute) for e in self.d.find_elements(By.CSS_SELECTOR, selector)]

    def sign_in(self, key):
        self.get("/signin")
        self.d.find_element(By.ID, "f-key").send_keys(key + Keys.ENTER)
        self.wait_for("#f-industry")

    def sign_out(self):
        self.get("/")
        buttons = self.d.find_elements(By.CSS_SELECTOR, "form.signout button")
        if buttons:
            buttons[0].click()
            self.wait_for("#f-key")

    def audit(self, name):
        """Labels, 360 px, axe, no script errors: once per page kind."""
        if name in self.pages_checked:
            return
        self.pages_checked.add(name)
        unlabelled = self.d.execute_script("""
            return Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
              .filter(e => !e.labels || e.labels.length === 0).map(e => e.name || e.id);""")
        check(unlabelled == [], "%s: every control labelled (%s)" % (name, unlabelled))
        self.d.set_window_size(360, 800)
        wide = self.d.execute_script("return document.documentElement.scrollWidth")
        check(wide <= 360, "%s: no sideways scrolling at 360 px (%d px)" % (name, wide))
        self.shot(name + "-360px")
        self.d.set_window_size(1280, 1600)
        if Axe is not None:
            axe = Axe(self.d)
            axe.inject()
            results = axe.run()
            bad = [v["id"] for v in results["violations"] if v.get("impact") in ("serious", "critical")]
            check(bad == [], "%s: axe finds no serious or critical violation (%s)" % (name, bad))
        errors = [l["message"] for l in self.d.get_log("browser") if l["level"] == "SEVERE" and "Failed to load resource" not in l["message"]]
        check(errors == [], "%s: no script errors or CSP violations (%s)" % (name, errors))

    def no_alert(self):
        try:
            self.d.switch_to.alert
            return False
        except NoAlertPresentException:
            return True


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--http-port", type=int, required=True)
    p.add_argument("--acme", required=True)
    p.add_argument("--bolt", required=True)
    p.add_argument("--private-vendor", required=True)
    p.add_argument("--xss-vendor", required=True)
    p.add_argument("--shots", required=True)
    args = p.parse_args()
    base = "http://127.0.0.1:%d" % args.http_port
    wire = Connection(args.port, token=args.acme)
    b = Browser(base, args.shots)
    try:
        # Keys exist: the console asks for one.
        b.get("/")
        check(b.d.find_elements(By.ID, "f-key") != [], "with keys: the console asks for a key")
        b.shot("signin")
        b.audit("signin")
        b.sign_in(args.acme)
        cookies = {c["name"]: c for c in b.d.get_cookies()}
        cookie = cookies.get("vm_key", {})
        check(cookie.get("httpOnly") is True and cookie.get("sameSite") == "Strict", "the key is kept in an HttpOnly, SameSite=Strict cookie")
        check(b.d.execute_script("return document.cookie").find("vm_key") < 0, "scripts cannot read the key")

        # Sales flow: the finder, filled with the keyboard.
        b.get("/")
        industry = b.d.find_element(By.ID, "f-industry")
        industry.send_keys("522")
        check("Credit" in b.d.find_element(By.ID, "industry-title").text, "finder: the industry's NAICS name shows as it is typed")
        Select(b.d.find_element(By.ID, "f-size")).select_by_value("1000-9999")
        Select(b.d.find_element(By.ID, "f-service_types")).select_by_value("data.machine-learning")
        b.d.find_element(By.ID, "f-need").send_keys("predict which small-business loans will default")
        b.d.find_element(By.ID, "f-k").clear()
        b.d.find_element(By.ID, "f-k").send_keys("8" + Keys.ENTER)
        b.wait_for("#results-h")
        shown = b.ids("[data-case-study-id]", "data-case-study-id")
        status, ref = wire.call("FindCaseStudies", pb.FindCaseStudiesRequest(
            industry="522", size="1000-9999", service_types=["data.machine-learning"],
            need="predict which small-business loans will default", k=8), pb.FindCaseStudiesResponse)
        expected = [c.case_study_id for c in ref.cases]
        check(status.code == 0 and len(expected) > 0 and shown == expected,
              "sales flow: the finder shows FindCaseStudies' case studies in its order (%d)" % len(expected) + ("" if shown == expected else " shown %s expected %s" % (shown, expected)))
        check("industry=522" in b.d.current_url, "sales flow: the result has a URL to share")
        b.shot("finder")
        b.audit("finder")
        csv_href = b.d.find_element(By.LINK_TEXT, "Export CSV").get_attribute("href")
        request = urllib.request.Request(csv_href, headers={"Cookie": "vm_key=" + cookie.get("value", "")})
        rows = urllib.request.urlopen(request, timeout=30).read().decode().strip().split("\r\n")
        check([r.split(",")[1] for r in rows[1:]] == expected, "sales flow: the CSV export has the same case studies in order")
        first = b.d.find_element(By.CSS_SELECTOR, "[data-case-study-id] .meta a")
        vendor_id = ref.cases[0].vendor_id
        first.click()
        b.wait_for("#cases-h")
        status, v = wire.call("GetVendor", pb.GetVendorRequest(id=vendor_id), pb.GetVendorResponse)
        check(b.d.current_url.endswith("/vendors/" + vendor_id) and v.vendor.name in b.d.find_element(By.TAG_NAME, "h1").text,
              "sales flow: the case study's vendor link opens that vendor's profile")
        check(expected[0] in b.ids("[data-case-study-id]", "data-case-study-id"), "sales flow: the profile lists the case study")
        b.shot("vendor")
        b.audit("vendor")

        # Buyer flow: a shortlist with hard constraints, then three vendors side by side.
        b.get("/shortlist")
        b.d.find_element(By.ID, "f-industry").send_keys("5221")
        b.d.find_element(By.ID, "f-need").send_keys("credit risk model for our loan book")
        Select(b.d.find_element(By.ID, "f-service_types")).select_by_value("data")
        b.d.find_element(By.ID, "f-regions").send_keys("US")
        b.d.find_element(By.ID, "f-languages").send_keys("en")
        b.d.find_element(By.CSS_SELECTOR, "form.search button[type=submit]").click()
        b.wait_for("#results-h")
        shown = b.ids("li.vendor", "data-vendor-id")
        status, ranked = wire.call("Shortlist", pb.ShortlistRequest(
            industry="5221", need="credit risk model for our loan book", service_types=["data"], regions=["US"],
            languages=["en"], k=10, explain=True), pb.ShortlistResponse)
        expected = [x.vendor_id for x in ranked.vendors]
        check(status.code == 0 and len(expected) >= 4 and shown == expected,
              "buyer flow: the shortlist shows Shortlist's vendors in its order (%d)" % len(expected))
        links = [e.get_attribute("href") for e in b.d.find_elements(By.CSS_SELECTOR, "li.vendor h3 a")]
        check(links == [base + "/vendors/" + x for x in expected], "buyer flow: every vendor links to /vendors/{id}")
        cases_shown = [b.ids('li.vendor[data-vendor-id="%s"] [data-case-study-id]' % x.vendor_id, "data-case-study-id") for x in ranked.vendors]
        check(cases_shown == [[m.case_study_id for m in x.matched_cases] for x in ranked.vendors],
              "buyer flow: each vendor's counted case studies in the engine's order")
        b.shot("shortlist")
        b.audit("shortlist")
        boxes = b.d.find_elements(By.CSS_SELECTOR, "input[name=compare]")
        for box in boxes[:3]:
            box.send_keys(Keys.SPACE)
        check(not boxes[3].is_enabled(), "buyer flow: a fourth vendor cannot be ticked for comparison")
        b.d.find_element(By.CSS_SELECTOR, "#compare-form button[type=submit]").click()
        b.wait_for("#compare-h")
        compared = b.ids(".comparison thead th[data-vendor-id]", "data-vendor-id")
        check(compared == expected[:3], "buyer flow: three vendors side by side, in rank order (%s)" % compared)
        b.shot("compare")

        # A bad industry code: the validator's message beside the field.
        b.get("/shortlist")
        b.d.find_element(By.ID, "f-industry").send_keys("99x" + Keys.ENTER)
        b.wait_for("#f-industry-error")
        errors = b.d.find_elements(By.ID, "f-industry-error")
        check(len(errors) == 1 and "industry" in errors[0].text and errors[0].is_displayed(),
              "a bad industry code shows the message naming industry beside it (%s)" % (errors[0].text if errors else None))
        check(b.d.find_element(By.ID, "f-industry").get_attribute("aria-invalid") == "true", "the field is marked invalid")
        b.shot("invalid-industry")

        # A vendor whose name is markup renders as text, and no script runs.
        b.get("/vendors/" + args.xss_vendor)
        check(b.d.find_element(By.TAG_NAME, "h1").text.startswith("<img src=x onerror=alert(1)>"), "markup in a vendor name shows as text")
        check(b.d.find_elements(By.CSS_SELECTOR, "main img") == [] and b.no_alert(), "no element made from it and no script run")
        b.get("/shortlist?industry=5221&service_types=data&k=250")
        check(any(e.text == "<img src=x onerror=alert(1)>" for e in b.d.find_elements(By.CSS_SELECTOR, "li.vendor h3 a")) and b.no_alert(),
              "in a shortlist too")

        # Overview.
        b.get("/overview")
        check("Vendors" in b.d.find_element(By.TAG_NAME, "main").text, "overview: catalogue counts")
        b.shot("overview")
        b.audit("overview")

        # Tenants: acme sees its private referral, bolt never does.
        b.get("/vendors/" + args.private_vendor)
        check(b.d.find_elements(By.CSS_SELECTOR, 'tr[data-referrer-type="buyer_partner"]') != [],
              "acme's profile of %s shows acme's private referral" % args.private_vendor)
        b.sign_out()
        b.sign_in(args.bolt)
        for path in ("/vendors/" + args.private_vendor, "/shortlist?industry=5221&service_types=data&k=200",
                     "/shortlist?industry=5221&k=200&compare=" + args.private_vendor):
            b.get(path)
            check(b.d.find_elements(By.CSS_SELECTOR, 'tr[data-referrer-type="buyer_partner"]') == []
                  and "partners of yours" not in b.d.page_source, "bolt's page %s shows no acme referral" % path)
        b.get("/shortlist?industry=5221&buyer_org=acme")
        e = b.d.find_elements(By.ID, "f-buyer_org-error")
        check(len(e) == 1 and "acme" in e[0].text, "bolt asking for acme's shortlist: refused beside buyer_org")
    finally:
        b.d.quit()
        wire.close()
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("console browser: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
