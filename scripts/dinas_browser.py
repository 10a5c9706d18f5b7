"""Drives the Dinas pages in headless Chromium, as an officer at a 1366x768 office laptop would:
logs in, reads the coverage table, reads an SPM indicator and follows its drill-down, exports a
table, settles a conflict, opens the monthly reports. Prints
key=value lines for the test that runs it, and keeps a screenshot of each page in OUTDIR.

Usage: python dinas_browser.py URL USER PASSWORD OUTDIR KELURAHAN CHOSEN_VALUE
"""
import os
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import WebDriverWait

# The lowest contrast ratio between any visible text and its background (WCAG 2.1 relative luminance).
CONTRAST = """
function lum(c) {
  const v = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}
function background(el) {
  for (; el; el = el.parentElement) {
    const c = getComputedStyle(el).backgroundColor;
    if (c && c !== 'transparent' && !/rgba\\(.*,\\s*0\\)$/.test(c)) return c;
  }
  return 'rgb(255, 255, 255)';
}
let worst = 21, where = '';
for (const el of document.querySelectorAll('body *')) {
  if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
  const s = getComputedStyle(el);
  if (s.display === 'none' || s.visibility === 'hidden') continue;
  const a = lum(s.color), b = lum(background(el));
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  if (ratio < worst) { worst = ratio; where = el.tagName + ' ' + el.textContent.trim().slice(0, 40); }
}
return [worst, where];
"""


def screenshot(url, user, password, path, page):
    """Logs in and photographs one page, 1366 px wide and as tall as the page's first screens."""
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,1400", "--lang=id"):
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        driver.get(url + "/dinas/masuk")
        WebDriverWait(driver, 15).until(seen.presence_of_element_located((By.CSS_SELECTOR, "form.masuk")))
        driver.find_element(By.ID, "pengguna").send_keys(user)
        driver.find_element(By.ID, "sandi").send_keys(password)
        driver.find_element(By.CSS_SELECTOR, "form.masuk button").click()
        WebDriverWait(driver, 15).until(seen.presence_of_element_located((By.CSS_SELECTOR, "form.keluar")))
        driver.get(url + page)
        WebDriverWait(driver, 30).until(seen.presence_of_element_located((By.CSS_SELECTOR, "footer")))
        for heading in driver.find_elements(By.CSS_SELECTOR, "section.spm h2"):
            print(heading.text)
        driver.save_screenshot(path)
    finally:
        driver.quit()


def main():
    if sys.argv[1] == "--screenshot":
        return screenshot(*sys.argv[2:7])
    url, user, password, outdir, kelurahan, chosen = sys.argv[1:7]
    os.makedirs(outdir, exist_ok=True)
    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,768", "--lang=id"):
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    worst = (21.0, "")

    def arrive(css):
        """Waits for the next page: the element `css` of it present (a click returns before the load)."""
        return WebDriverWait(driver, 15).until(seen.presence_of_element_located((By.CSS_SELECTOR, css)))

    try:
        def page(name):
            nonlocal worst
            driver.save_screenshot(os.path.join(outdir, name + ".png"))
            ratio, where = driver.execute_script(CONTRAST)
            if ratio < worst[0]:
                worst = (ratio, name + ": " + where)
            fits = driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
            print(f"fits.{name}={int(bool(fits))}")

        driver.get(url + "/dinas/cakupan")
        arrive("form.masuk")
        print("login_page=" + str(int(driver.current_url.endswith("/dinas/masuk"))))
        page("masuk")
        driver.find_element(By.ID, "pengguna").send_keys(user)
        driver.find_element(By.ID, "sandi").send_keys(password)
        driver.find_element(By.CSS_SELECTOR, "form.masuk button").click()
        arrive("a[href='/dinas/cakupan'][aria-current=page]")
        print("after_login=" + driver.current_url.rsplit("/", 1)[-1])
        page("cakupan")
        print("summary=" + driver.find_element(By.CSS_SELECTOR, ".ringkas").text)
        for row in driver.find_elements(By.CSS_SELECTOR, "table tbody tr"):
            cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
            if len(cells) > 3 and cells[2] == kelurahan:
                print(f"households={cells[3]}")
                print(f"psm={cells[8]}")

        driver.find_element(By.LINK_TEXT, "Indikator SPM").click()
        arrive("a[href='/dinas/spm'][aria-current=page]")
        page("spm")
        print("indicator=" + driver.find_element(By.CSS_SELECTOR, "section.spm h2").text)
        print("bars=" + str(len(driver.find_elements(By.CSS_SELECTOR, "section.spm svg.grafik"))))
        driver.find_element(By.CSS_SELECTOR, "section.spm a[href*='rincian']").click()
        arrive("a[href^='/dinas/spm?tahun=']")
        page("spm-rincian")
        print("drilldown=" + driver.find_element(By.CSS_SELECTOR, ".ringkas").text)
        exported = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch('/dinas/ekspor/spm?format=csv').then(r => r.text().then(t => done([r.status, r.headers.get('content-type'), t.split('\\r\\n')[0]])));")
        print(f"export_status={exported[0]}")
        print(f"export_type={exported[1]}")
        print("export_header=" + exported[2].lstrip("\ufeff"))

        driver.find_element(By.LINK_TEXT, "Konflik").click()
        arrive("a[href='/dinas/konflik'][aria-current=page]")
        page("konflik")
        print("queue=" + driver.find_element(By.CSS_SELECTOR, ".ringkas").text)
        for label in driver.find_elements(By.CSS_SELECTOR, "section.konflik label"):
            if label.text == chosen:
                label.click()
                break
        driver.find_element(By.CSS_SELECTOR, "section.konflik button[type=submit]").click()
        print("settled=" + arrive(".hasil").text)
        page("konflik-selesai")

        driver.find_element(By.LINK_TEXT, "Laporan bulanan").click()
        arrive("a[href='/dinas/laporan'][aria-current=page]")
        page("laporan")
        print("reports=" + driver.find_element(By.CSS_SELECTOR, ".ringkas").text)

        driver.find_element(By.LINK_TEXT, "Kuesioner").click()
        arrive("a[href='/dinas/formulir'][aria-current=page]")
        page("formulir")
        first = driver.find_element(By.CSS_SELECTOR, "table tbody tr")
        print("forms=" + ",".join(c.text for c in first.find_elements(By.TAG_NAME, "td")[:5]))
        first.find_element(By.TAG_NAME, "a").click()
        arrive("p.unduh")
        page("formulir-jawaban")
        print("responses=" + driver.find_element(By.CSS_SELECTOR, ".ringkas").text)
        print(f"contrast={worst[0]:.2f}")
        print("contrast_worst=" + worst[1])
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
